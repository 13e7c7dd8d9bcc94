package io.pvfhost.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * prepare.worker-idle-timeout with real workers: an idle prepare worker process goes away (and
 * with it the heap its preparation grew to), the host goes on, and the next preparation gets a
 * new worker.
 */
class IdlePrepareWorkerTest {
    @TempDir
    Path cache;

    @Test
    void shouldRetireAnIdlePrepareWorkerAndStartANewOneForTheNextPreparation() throws Exception {
        try (ValidationHost host = ValidationHost.start(TestData.config(cache, "pvf.host.prepare.worker-idle-timeout = 1s"))) {
            assertEquals(PrecheckOutcome.Valid.INSTANCE,
                    host.precheckPvf(Pvf.of(TestData.ownPvf("adder.wasm"))).get(60, TimeUnit.SECONDS));
            ProcessHandle first = WorkerFaultTest.awaitWorker("prepare-worker", Duration.ofSeconds(5))
                    .orElseThrow(() -> new AssertionError("no prepare worker after a preparation"));
            assertTrue(waitExit(first, Duration.ofSeconds(20)),
                    "the idle prepare worker " + first.pid() + " was not retired within 20 s of a 1 s idle timeout");
            assertEquals(0, WorkerFaultTest.workers("prepare-worker").size(), "a prepare worker was left or restarted with no work");

            assertEquals(PrecheckOutcome.Valid.INSTANCE,
                    host.precheckPvf(Pvf.of(TestData.ownPvf("compute.wasm"))).get(60, TimeUnit.SECONDS));
            ProcessHandle second = WorkerFaultTest.awaitWorker("prepare-worker", Duration.ofSeconds(5))
                    .orElseThrow(() -> new AssertionError("no prepare worker for the second preparation"));
            assertNotEquals(first.pid(), second.pid());
            assertFalse(first.isAlive());
        }
    }

    private static boolean waitExit(ProcessHandle p, Duration within) throws Exception {
        try {
            p.onExit().get(within.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        }
    }
}
