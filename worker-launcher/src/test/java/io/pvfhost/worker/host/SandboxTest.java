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
