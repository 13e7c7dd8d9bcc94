package io.pvfhost.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pvfhost.common.error.ValidationOutcome;
import io.pvfhost.common.types.ValidationParams;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host started from a HOCON string that sets every pvf.host key: each value is in its settings,
 * and where it is cheap to see, in what the host does.
 */
class EveryKeyHostTest {
    @TempDir
    Path cache;

    @Test
    void shouldStartWithEveryKeyOverriddenAndUseTheValues() throws Exception {
        Assumptions.assumeTrue(WorkerSecurity.networkWrapper().isPresent(),
                "the string sets network-isolation = on, which needs a working unshare --net");
        ValidationParams params = ValidationParams.decode(TestData.corpusHex("adder/adder_genesis.params.hex"));
        Path folder = cache.resolve("every-key-cache"); // made by the host
        int port = MetricsTest.freePort();
        try (LogCapture log = LogCapture.of("io.pvfhost.host.ValidationHost");
                ValidationHost host = ValidationHost.start(TestData.config(cache,
                        HostSettingsTest.everyKeyOverridden(folder, port)))) {
            HostSettings s = host.settings();
            HostSettingsTest.assertEveryKeyOverridden(s, folder, port);

            // worker.network-isolation = on: the wrapper is in force; security.require-all = true:
            // the host started, so every protection is on, and the report says so
            assertEquals(WorkerSecurity.networkWrapper().get(), s.workerSpec().commandPrefix());
            String report = log.events().stream().map(e -> e.getFormattedMessage())
                    .filter(m -> m.startsWith("worker security:")).findFirst().orElseThrow();
            assertTrue(!report.contains("=OFF"), report);
            assertTrue(report.contains("[worker.network-isolation = on]"), report);

            var outcome = host.executePvf(Pvf.of(TestData.ownPvf("adder.wasm")), params, ExecKind.BACKING, null)
                    .get(60, TimeUnit.SECONDS);
            assertInstanceOf(ValidationOutcome.Valid.class, outcome, () -> "outcome: " + outcome);

            // cache-path: the artifact is in the configured folder
            try (var files = Files.list(folder)) {
                assertTrue(files.anyMatch(p -> p.getFileName().toString().endsWith(".pvfa")), "no artifact in " + folder);
            }
            // worker.*: the worker runs the configured java, class path, entry point and options,
            // in a network namespace of its own
            ProcessHandle worker = WorkerFaultTest.awaitWorker("execute-worker", Duration.ofSeconds(10)).orElseThrow();
            List<String> cmd = WorkerFaultTest.cmdline(worker);
            assertEquals(s.workerSpec().javaExecutable().toString(), cmd.get(0));
            assertTrue(cmd.containsAll(List.of("-Xmx700m", "-Dpvf.test.marker=every-key", "io.pvfhost.host.DelegatingWorker")), cmd.toString());
            // worker.execute-jvm-options and prepare-jvm-options: each kind gets its own, after the shared ones
            assertTrue(cmd.indexOf("-Dpvf.test.kind=execute") > cmd.indexOf("-Dpvf.test.marker=every-key"), cmd.toString());
            assertFalse(cmd.contains("-Dpvf.test.kind=prepare"), cmd.toString());
            // execute.worker-kept-artifacts: told to the execute worker, after the options every worker gets
            assertEquals("6", cmd.get(cmd.indexOf("--kept-artifacts") + 1), cmd.toString());
            List<String> prepareCmd = WorkerFaultTest.cmdline(WorkerFaultTest.awaitWorker("prepare-worker", Duration.ofSeconds(10))
                    .orElseThrow(() -> new AssertionError("no prepare worker left (worker-idle-timeout is 90s here)")));
            assertTrue(prepareCmd.contains("-Dpvf.test.kind=prepare") && !prepareCmd.contains("-Dpvf.test.kind=execute"),
                    prepareCmd.toString());
            assertEquals(System.getProperty("java.class.path"), cmd.get(cmd.indexOf("-cp") + 1));
            assertNotEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/net")),
                    Files.readSymbolicLink(Path.of("/proc", Long.toString(worker.pid()), "ns", "net")));

            // worker.class-cache = off: the workers get no class cache, and its folder is not made
            assertEquals(WorkerClassCache.State.NONE, host.workerClassCache().state());
            assertTrue(!cmd.stream().anyMatch(o -> o.startsWith("-XX:AOTCache")), cmd.toString());
            assertTrue(!Files.exists(s.classCachePath()), s.classCachePath() + " made");

            // metrics.prometheus.*: served on the configured name and port
            URI uri = host.metricsEndpoint().orElseThrow();
            assertEquals(port, uri.getPort());
            assertTrue(InetAddress.getByName(uri.getHost()).isLoopbackAddress(), uri.toString());
            var samples = MetricsTest.samples(MetricsTest.get(uri).body());
            assertEquals(1.0, MetricsTest.sample(samples, "pvf_execute_finished_total"));

            // execute.backing-timeout = 3s: a request without a timeout of its own gets it
            long start = System.nanoTime();
            var timedOut = host.executePvf(Pvf.of(TestData.ownPvf("halt.wasm")), params, ExecKind.BACKING, null)
                    .get(60, TimeUnit.SECONDS);
            long ms = (System.nanoTime() - start) / 1_000_000;
            var invalid = assertInstanceOf(ValidationOutcome.Invalid.class, timedOut, () -> "outcome: " + timedOut);
            assertEquals(ValidationOutcome.InvalidKind.HardTimeout, invalid.kind());
            assertTrue(ms >= 3000, "timed out after " + ms + " ms, before the configured 3 s");
        }
    }
}
