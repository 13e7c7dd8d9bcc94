package io.pvfhost.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pvfhost.common.error.ValidationOutcome;
import io.pvfhost.common.types.ValidationParams;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reference's metrics through Micrometer: scraped from the Prometheus endpoint, or read from the caller's registry. */
class MetricsTest {
    @TempDir
    Path cache;

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The samples of a Prometheus text exposition, by series ({@code name{labels}}). */
    static Map<String, Double> samples(String text) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            m.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return m;
    }

    static double sample(Map<String, Double> samples, String series) {
        Double v = samples.get(series);
        if (v == null) {
            throw new AssertionError("no series " + series + " in\n" + String.join("\n", samples.keySet()));
        }
        return v;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static ValidationParams genesis() throws IOException {
        return ValidationParams.decode(TestData.corpusHex("adder/adder_genesis.params.hex"));
    }

    @Test
    void shouldServeTheCountersMovedByAValidationWithRealWorkers() throws Exception {
        ValidationParams params = genesis();
        int port = freePort();
        URI uri;
        try (ValidationHost host = ValidationHost.start(TestData.config(cache, """
                pvf.host.metrics.prometheus.enabled = true
                pvf.host.metrics.prometheus.port = %d
                pvf.host.execute.workers-max = 1
                """.formatted(port)))) {
            uri = host.metricsEndpoint().orElseThrow();
            assertEquals(URI.create("http://127.0.0.1:" + port + "/metrics"), uri);
            Map<String, Double> before = samples(get(uri).body());
            assertEquals(0.0, sample(before, "pvf_execute_finished_total"));

            var valid = host.executePvf(Pvf.of(TestData.ownPvf("adder.wasm")), params, ExecKind.BACKING, null)
                    .get(60, TimeUnit.SECONDS);
            assertInstanceOf(ValidationOutcome.Valid.class, valid, () -> "outcome: " + valid);
            // a hard timeout: the execute worker is killed, so one is retired
            var timedOut = host.executePvf(Pvf.of(TestData.ownPvf("halt.wasm")), params, ExecKind.APPROVAL, Duration.ofMillis(500))
                    .get(60, TimeUnit.SECONDS);
            assertInstanceOf(ValidationOutcome.Invalid.class, timedOut, () -> "outcome: " + timedOut);

            HttpResponse<String> r = get(uri);
            assertEquals(200, r.statusCode());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), r.headers().toString());
            Map<String, Double> s = samples(r.body());
            assertTrue(sample(s, "pvf_worker_spawning_total{flavor=\"prepare\"}") >= 1);
            assertTrue(sample(s, "pvf_worker_spawned_total{flavor=\"prepare\"}") >= 1);
            assertTrue(sample(s, "pvf_worker_spawning_total{flavor=\"execute\"}") >= 1);
            assertTrue(sample(s, "pvf_worker_spawned_total{flavor=\"execute\"}") >= 1);
            assertTrue(sample(s, "pvf_worker_retired_total{flavor=\"execute\"}") >= 1);
            assertEquals(2.0, sample(s, "pvf_prepare_enqueued_total"));
            assertEquals(2.0, sample(s, "pvf_prepare_concluded_total"));
            assertEquals(2.0, sample(s, "pvf_execute_enqueued_total"));
            assertEquals(2.0, sample(s, "pvf_execute_finished_total"));
            assertEquals(2.0, sample(s, "pvf_preparation_time_count"));
            assertTrue(sample(s, "pvf_preparation_time_sum") > 0);
            assertEquals(2.0, sample(s, "pvf_preparation_time_bucket{le=\"+Inf\"}"));
            assertEquals(2.0, sample(s, "pvf_execution_time_count"));
            assertTrue(sample(s, "pvf_execution_time_sum") >= 0.5, "the timed-out job ran at least its timeout");
            assertEquals(2.0, sample(s, "pvf_execution_queued_time_count"));
            assertEquals(2.0, sample(s, "pvf_preparation_peak_tracked_allocation_count"));
            assertTrue(sample(s, "pvf_preparation_peak_tracked_allocation_sum") > 0, "peak memory reported by the workers, KiB");
            assertEquals(1.0, sample(s, "pvf_exec_kind_selected_total{priority=\"backing\"}"));
            assertEquals(1.0, sample(s, "pvf_exec_kind_selected_total{priority=\"approval\"}"));
            assertEquals(0.0, sample(s, "pvf_exec_kind_selected_total{priority=\"dispute\"}"));

            assertEquals(404, get(uri.resolve("/other")).statusCode());
        }
        assertThrows(ConnectException.class, () -> get(uri), "the endpoint is closed with the host");
    }

    @Test
    void shouldCountIntoTheCallersRegistryWithoutAnEndpoint() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ValidationHost host = ValidationHost.start(TestData.config(cache, ""), registry)) {
            assertTrue(host.metricsEndpoint().isEmpty());
            assertTrue(host.meterRegistry() == registry);
            var valid = host.executePvf(Pvf.of(TestData.ownPvf("adder.wasm")), genesis(), ExecKind.DISPUTE, null)
                    .get(60, TimeUnit.SECONDS);
            assertInstanceOf(ValidationOutcome.Valid.class, valid, () -> "outcome: " + valid);
            assertEquals(1.0, registry.get("pvf.execute.finished").counter().count());
            assertEquals(1.0, registry.get("pvf.prepare.concluded").counter().count());
            assertEquals(1.0, registry.get("pvf.exec.kind.selected").tag("priority", "dispute").counter().count());
            assertEquals(1, registry.get("pvf.execution.time").summary().count());
            assertTrue(registry.get("pvf.worker.spawned").tag("flavor", "execute").counter().count() >= 1);
        }
        // the caller's registry stays open and keeps the counts
        assertTrue(!registry.isClosed());
        assertEquals(1.0, registry.get("pvf.execute.finished").counter().count());
    }

    @Test
    void shouldCountIntoTheCallersRegistryAndServeTheSameOnTheEndpoint() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ValidationHost host = ValidationHost.start(TestData.config(cache, """
                pvf.host.metrics.prometheus.enabled = true
                pvf.host.metrics.prometheus.port = 0
                """), registry)) {
            var valid = host.executePvf(Pvf.of(TestData.ownPvf("adder.wasm")), genesis(), ExecKind.BACKING, null)
                    .get(60, TimeUnit.SECONDS);
            assertInstanceOf(ValidationOutcome.Valid.class, valid, () -> "outcome: " + valid);
            assertEquals(1.0, registry.get("pvf.execute.finished").counter().count());
            var s = samples(get(host.metricsEndpoint().orElseThrow()).body());
            assertEquals(1.0, sample(s, "pvf_execute_finished_total"));
        }
        assertTrue(!registry.isClosed(), "the caller's registry is the caller's to close");
        assertEquals(1.0, registry.get("pvf.execute.finished").counter().count());
    }

    @Test
    void shouldFailToStartWhenTheEndpointCannotListenNamingTheKey() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            var e = assertThrows(HostSettings.InvalidSettingException.class, () -> ValidationHost.start(TestData.config(cache, """
                    pvf.host.metrics.prometheus.enabled = true
                    pvf.host.metrics.prometheus.port = %d
                    """.formatted(taken.getLocalPort()))));
            assertTrue(e.getMessage().startsWith("pvf.host.metrics.prometheus.port:"), e.getMessage());
        }
    }
}
