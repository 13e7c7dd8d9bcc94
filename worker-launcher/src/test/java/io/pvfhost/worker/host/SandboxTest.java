package io.pvfhost.worker.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxTest {

    @Test
    void theReportShouldSayWhatIsOnAndOff() {
        var spec = new WorkerSpec(WorkerSpec.currentJava(), List.of("-Xmx1g"), "cp", WorkerSpec.MAIN_CLASS);
        var r = Sandbox.report(spec);
        assertFalse(r.get("network-isolation").active());
        assertTrue(r.get("heap-cap").active());
        assertFalse(r.get("no-attach").active());
        assertTrue(Sandbox.describe(r).contains("network-isolation=OFF"));
    }

    /** Options of one kind: a heap cap counts when both kinds set one; execute options can turn the verifier back on. */
    @Test
    void theReportShouldCountEachKindsOwnOptions() {
        var spec = new WorkerSpec(WorkerSpec.currentJava(), List.of("-XX:+UseSerialGC"), "cp", WorkerSpec.MAIN_CLASS);
        assertFalse(Sandbox.report(spec, List.of("-Xmx2g"), List.of()).get("heap-cap").active(), "execute workers uncapped");
        assertTrue(Sandbox.report(spec, List.of("-Xmx2g"), List.of("-Xmx1g")).get("heap-cap").active());
        var attach = new WorkerSpec(WorkerSpec.currentJava(), List.of("-XX:+DisableAttachMechanism"), "cp", WorkerSpec.MAIN_CLASS);
        assertTrue(Sandbox.report(attach, List.of(), List.of()).get("no-attach").active());
        assertFalse(Sandbox.report(attach, List.of("-XX:-DisableAttachMechanism"), List.of()).get("no-attach").active(),
                "prepare workers allow attach again");
        assertTrue(Sandbox.report(spec, List.of("-XX:+DisableAttachMechanism"), List.of("-XX:+DisableAttachMechanism"))
                .get("no-attach").active());
        assertTrue(Sandbox.report(spec, List.of(), List.of("-XX:+BytecodeVerificationRemote")).get("class-verification").detail()
                .endsWith("and again in execute workers"));
        assertTrue(Sandbox.report(spec, List.of("-XX:+BytecodeVerificationRemote"), List.of()).get("class-verification").detail()
                .contains("unverified"), "a prepare option does not reach execute workers");
    }

    /**
     * Execute workers skip the verifier (the preparation verified the classes) unless the configured
     * options, which come after their kind's, turn it back on: the report says which, and a JVM
     * starts with either.
     */
    @Test
    void executeWorkersShouldSkipTheVerifierUnlessConfiguredAndTheReportShouldSaySo(@TempDir Path dir) throws Exception {
        assertEquals(List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:-BytecodeVerificationRemote"), WorkerKind.EXECUTE.jvmOptions());
        assertFalse(WorkerKind.PREPARE.jvmOptions().stream().anyMatch(o -> o.contains("BytecodeVerification")));
        var skip = Sandbox.report(WorkerSpec.sameJvm(List.of("-Xmx256m"))).get("class-verification");
        assertTrue(skip.active() && skip.detail().contains("execute workers define the same bytes unverified"), skip.detail());
        List<String> again = List.of("-Xmx256m", "-XX:+BytecodeVerificationRemote");
        var verified = Sandbox.report(WorkerSpec.sameJvm(again)).get("class-verification");
        assertTrue(verified.active() && verified.detail().endsWith("and again in execute workers"), verified.detail());
        assertFalse(VerifierOptions.verifies(List.of("-XX:+BytecodeVerificationRemote", "-XX:-BytecodeVerificationRemote"), false));
        assertTrue(VerifierOptions.verifies(List.of("-Xmx1g", "-Xverify:all"), false));
        assertTrue(VerifierOptions.verifies(List.of("-Xmx1g"), true));
        assertFalse(VerifierOptions.verifies(List.of("-Xmx1g"), false));
        assertEquals(null, VerifierOptions.turningOffInPrepareWorkers(List.of("-noverify", "-XX:+BytecodeVerificationRemote")));
        assertEquals("-Xverify:none", VerifierOptions.turningOffInPrepareWorkers(List.of("-noverify", "-Xmx1g", "-Xverify:none")));
        for (var spec : List.of(WorkerSpec.sameJvm(List.of("-Xmx256m")), WorkerSpec.sameJvm(again))) {
            try (WorkerHandle h = WorkerHandle.spawn(spec, WorkerKind.EXECUTE, dir, Duration.ofSeconds(20))) {
                List<String> cmd = List.of(java.nio.file.Files.readString(Path.of("/proc", Long.toString(h.pid()), "cmdline")).split("\0"));
                int kind = cmd.indexOf("-XX:-BytecodeVerificationRemote");
                assertTrue(kind > 0 && cmd.indexOf("-XX:+UnlockDiagnosticVMOptions") < kind, cmd.toString());
                assertEquals(spec.jvmOptions().contains("-XX:+BytecodeVerificationRemote"),
                        cmd.indexOf("-XX:+BytecodeVerificationRemote") > kind, cmd.toString());
            }
        }
    }

    /** Where unshare works, a worker in its own network namespace still talks to the host. */
    @Test
    void anIsolatedWorkerShouldStillConnectAndHaveNoNetwork(@TempDir Path dir) throws Exception {
        var wrapper = Sandbox.networkIsolation();
        Assumptions.assumeTrue(wrapper.isPresent(), "network namespaces are not available here (unshare failed)");
        var spec = WorkerSpec.sameJvm(List.of("-Xmx256m")).withCommandPrefix(wrapper.get());
        try (WorkerHandle h = WorkerHandle.spawn(spec, WorkerKind.EXECUTE, dir, Duration.ofSeconds(20))) {
            assertTrue(h.isAlive());
            // the worker's network namespace differs from ours
            String ours = java.nio.file.Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
            String theirs = java.nio.file.Files.readSymbolicLink(Path.of("/proc", Long.toString(h.pid()), "ns", "net")).toString();
            assertFalse(ours.equals(theirs), "worker shares the host's network namespace " + ours);
        }
    }

    @Test
    void workerFoldersShouldBeOwnerOnly(@TempDir Path dir) throws Exception {
        var spec = WorkerSpec.sameJvm(List.of("-Xmx256m"));
        try (WorkerHandle h = WorkerHandle.spawn(spec, WorkerKind.PREPARE, dir, Duration.ofSeconds(20))) {
            assertTrue(Sandbox.ownerOnly(h.workerDir()), "worker folder is open to others");
            // the worker starts with an empty environment
            String env = java.nio.file.Files.readString(Path.of("/proc", Long.toString(h.pid()), "environ"));
            assertEquals("", env, "worker environment: " + env);
        }
    }
}
