package io.pvfhost.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.pvfhost.common.error.ValidationOutcome;
import io.pvfhost.common.types.ValidationParams;
import io.pvfhost.worker.host.Sandbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Network isolation as configured, the security report at start, and require-all. */
class WorkerSecurityTest {
    static final List<String> WRAPPER = List.of("unshare", "--net", "--");

    @TempDir
    Path cache;

    HostSettings settings(String conf) {
        return HostSettings.from(TestData.config(cache, conf));
    }

    static Path netNamespace(long pid) throws IOException {
        return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", "net"));
    }

    static Path ownNetNamespace() throws IOException {
        return Files.readSymbolicLink(Path.of("/proc/self/ns/net"));
    }

    static ValidationParams genesis() throws IOException {
        return ValidationParams.decode(TestData.corpusHex("adder/adder_genesis.params.hex"));
    }

    // ---- network-isolation resolved against what the machine allows (the probe given)

    @Test
    void autoShouldIsolateWhereTheMachineAllowsIt() {
        HostSettings s = settings("");
        assertEquals(WRAPPER, WorkerSecurity.resolve(s, () -> Optional.of(WRAPPER)).workerSpec().commandPrefix());
        assertEquals(List.of(), WorkerSecurity.resolve(s, Optional::empty).workerSpec().commandPrefix());
    }

    @Test
    void onShouldRefuseToStartWhereTheMachineDoesNotAllowIt() {
        HostSettings s = settings("pvf.host.worker.network-isolation = on");
        assertEquals(WRAPPER, WorkerSecurity.resolve(s, () -> Optional.of(WRAPPER)).workerSpec().commandPrefix());
        var e = assertThrows(HostSettings.InvalidSettingException.class, () -> WorkerSecurity.resolve(s, Optional::empty));
        assertTrue(e.getMessage().startsWith("pvf.host.worker.network-isolation:"), e.getMessage());
    }

    @Test
    void offShouldNeverIsolate() {
        HostSettings s = settings("pvf.host.worker.network-isolation = off");
        assertEquals(List.of(), WorkerSecurity.resolve(s, () -> Optional.of(WRAPPER)).workerSpec().commandPrefix());
    }

    @Test
    void requireAllShouldNameEveryMissingProtection() {
        HostSettings s = WorkerSecurity.resolve(settings("""
                pvf.host.security.require-all = true
                pvf.host.worker.jvm-options = ["-XX:+UseSerialGC"]
                """), Optional::empty);
        var e = assertThrows(HostSettings.InvalidSettingException.class, () -> WorkerSecurity.check(s, WorkerSecurity.report(s)));
        assertTrue(e.getMessage().startsWith("pvf.host.security.require-all:"), e.getMessage());
        for (String missing : List.of("network-isolation", "heap-cap", "no-attach")) {
            assertTrue(e.getMessage().contains(missing), e.getMessage());
        }
        assertTrue(!e.getMessage().contains("cleared-environment"), e.getMessage());
        // without require-all the same report is only reported
        HostSettings lenient = WorkerSecurity.resolve(settings("pvf.host.worker.jvm-options = [\"-XX:+UseSerialGC\"]"), Optional::empty);
        WorkerSecurity.check(lenient, WorkerSecurity.report(lenient));
    }

    // ---- with real hosts

    @Test
    void shouldLogTheSecurityReportAtStart() throws Exception {
        boolean isolable = WorkerSecurity.networkWrapper().isPresent();
        try (LogCapture log = LogCapture.of("io.pvfhost.host.ValidationHost")) {
            ValidationHost.start(TestData.config(cache, "")).close();
            ILoggingEvent report = log.events().stream().filter(e -> e.getFormattedMessage().startsWith("worker security:"))
                    .findFirst().orElseThrow(() -> new AssertionError("no security report in " + log.events()));
            assertEquals(Level.INFO, report.getLevel());
            String line = report.getFormattedMessage();
            for (String protection : List.of("network-isolation", "cleared-environment", "owner-only-worker-folders", "heap-cap",
                    "no-attach", "artifact-checksums", "bytecode-guard", "class-verification", "java")) {
                assertTrue(line.contains(" " + protection + "="), protection + " missing from: " + line);
            }
            assertTrue(line.contains("network-isolation=" + (isolable ? "on" : "OFF")), line);
            assertTrue(line.contains("heap-cap=on") && line.contains("no-attach=on"), line);
            assertTrue(line.contains("class-verification=on (by the JVM at preparation; execute workers define the same bytes"), line);
            assertTrue(line.contains("[worker.network-isolation = auto]"), line);
            boolean warned = log.events().stream().anyMatch(e -> e.getLevel() == Level.WARN
                    && e.getFormattedMessage().startsWith("worker protections not active: network-isolation"));
            assertEquals(!isolable, warned, "a warning exactly when a protection is missing");
        }
    }

    @Test
    void shouldRefuseToStartWithAMissingProtectionUnderRequireAll() {
        try (LogCapture log = LogCapture.of("io.pvfhost.host.ValidationHost")) {
            var e = assertThrows(HostSettings.InvalidSettingException.class, () -> ValidationHost.start(TestData.config(cache, """
                    pvf.host.security.require-all = true
                    pvf.host.worker.network-isolation = off
                    """)));
            assertTrue(e.getMessage().startsWith("pvf.host.security.require-all:"), e.getMessage());
            assertTrue(e.getMessage().contains("network-isolation (workers share the host's network)"), e.getMessage());
            // the report was logged before the refusal, with the missing protection marked
            assertTrue(log.events().stream().anyMatch(ev -> ev.getFormattedMessage().contains("network-isolation=OFF")), "report logged");
        }
    }

    @Test
    void isolatedWorkersShouldRunInANetworkNamespaceOfTheirOwn() throws Exception {
        Assumptions.assumeTrue(WorkerSecurity.networkWrapper().isPresent(), "unshare --net does not work on this machine");
        try (ValidationHost host = ValidationHost.start(TestData.config(cache,
                "pvf.host.worker.network-isolation = on\npvf.host.security.require-all = true"))) {
            assertEquals(WorkerSecurity.networkWrapper().get(), host.settings().workerSpec().commandPrefix());
            var outcome = host.executePvf(Pvf.of(TestData.ownPvf("adder.wasm")), genesis(), ExecKind.BACKING, null)
                    .get(60, TimeUnit.SECONDS);
            assertInstanceOf(ValidationOutcome.Valid.class, outcome, () -> "outcome: " + outcome);
            ProcessHandle worker = WorkerFaultTest.awaitWorker("execute-worker", Duration.ofSeconds(10)).orElseThrow();
            assertNotEquals(ownNetNamespace(), netNamespace(worker.pid()));
        }
    }

    @Test
    void workersShouldShareTheHostsNetworkWithIsolationOff() throws Exception {
        try (ValidationHost host = ValidationHost.start(TestData.config(cache, "pvf.host.worker.network-isolation = off"))) {
            assertEquals(List.of(), host.settings().workerSpec().commandPrefix());
            var outcome = host.executePvf(Pvf.of(TestData.ownPvf("adder.wasm")), genesis(), ExecKind.BACKING, null)
                    .get(60, TimeUnit.SECONDS);
            assertInstanceOf(ValidationOutcome.Valid.class, outcome, () -> "outcome: " + outcome);
            ProcessHandle worker = WorkerFaultTest.awaitWorker("execute-worker", Duration.ofSeconds(10)).orElseThrow();
            assertEquals(ownNetNamespace(), netNamespace(worker.pid()));
            assertTrue(Sandbox.describe(WorkerSecurity.report(host.settings())).contains("network-isolation=OFF"));
        }
    }
}
