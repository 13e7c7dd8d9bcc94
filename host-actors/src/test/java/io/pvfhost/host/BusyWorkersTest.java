package io.pvfhost.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pvfhost.common.error.ValidationOutcome;
import io.pvfhost.common.types.ValidationParams;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With real workers busy on a halting PVF: a dispute takes the first worker to come free, and
 * requests whose callers gave up cost no worker.
 */
class BusyWorkersTest {
    static final Duration BACKING_TIMEOUT = Duration.ofSeconds(2);

    @TempDir
    Path cache;

    @Test
    void threeWorkersBusyOnAHaltingPvfShouldNotDelayADisputeBeyondOneTimeout() throws Exception {
        try (ValidationHost host = ValidationHost.start(TestData.config(cache, "pvf.host.execute.workers-max = 3"))) {
            Pvf halt = Pvf.of(TestData.ownPvf("halt.wasm"));
            Pvf adder = Pvf.of(TestData.ownPvf("adder.wasm"));
            ValidationParams params = WorkerFaultTest.genesisParams();
            // prepared beforehand: only execution is measured
            assertInstanceOf(PrecheckOutcome.Valid.class, host.precheckPvf(halt).get(60, TimeUnit.SECONDS));
            assertInstanceOf(PrecheckOutcome.Valid.class, host.precheckPvf(adder).get(60, TimeUnit.SECONDS));

            List<CompletableFuture<ValidationOutcome>> running = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                running.add(host.executePvf(halt, params, ExecKind.BACKING, BACKING_TIMEOUT));
            }
            awaitWorkers(3, Duration.ofSeconds(30));
            List<CompletableFuture<ValidationOutcome>> queued = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                queued.add(host.executePvf(halt, params, ExecKind.BACKING, BACKING_TIMEOUT));
            }

            long start = System.nanoTime();
            CompletableFuture<Long> firstFreed = CompletableFuture.anyOf(running.toArray(CompletableFuture[]::new))
                    .thenApply(x -> (System.nanoTime() - start) / 1_000_000);
            CompletableFuture<Long> firstQueuedDone = CompletableFuture.anyOf(queued.toArray(CompletableFuture[]::new))
                    .thenApply(x -> (System.nanoTime() - start) / 1_000_000);
            CompletableFuture<ValidationOutcome> dispute = host.executePvf(adder, params, ExecKind.DISPUTE, null);
            ValidationOutcome outcome = dispute.get(60, TimeUnit.SECONDS);
            long disputeMs = (System.nanoTime() - start) / 1_000_000;
            assertInstanceOf(ValidationOutcome.Valid.class, outcome, () -> "dispute: " + outcome);

            // it took the first worker to come free: after it, only a worker start and its own run
            var s = host.settings();
            long freedMs = firstFreed.get(60, TimeUnit.SECONDS);
            long ownRun = s.spawnTimeout().plus(Duration.ofSeconds(5)).toMillis();
            assertTrue(disputeMs - freedMs < ownRun, "dispute answered " + (disputeMs - freedMs) + " ms after a worker came free");
            // and no worker holds a job longer than the timeout with its wall-clock backstop (three
            // busy JVMs on a small machine may reach the backstop before their CPU-time limit; the
            // kill and the report of it take a moment more)
            long oneTimeout = BACKING_TIMEOUT.multipliedBy(s.wallClockFactor()).toMillis();
            assertTrue(freedMs < oneTimeout + 3000, "the first busy worker came free after " + freedMs + " ms");
            // it did not wait behind the backing jobs queued before it
            for (var q : queued) {
                assertTrue(!q.isDone(), "a backing job queued before the dispute finished first");
            }
            for (var f : running) {
                var r = f.get(60, TimeUnit.SECONDS);
                assertEquals(ValidationOutcome.InvalidKind.HardTimeout, assertInstanceOf(ValidationOutcome.Invalid.class, r).kind());
            }
            for (var f : queued) {
                var r = f.get(60, TimeUnit.SECONDS);
                assertEquals(ValidationOutcome.InvalidKind.HardTimeout, assertInstanceOf(ValidationOutcome.Invalid.class, r).kind());
            }
            assertTrue(disputeMs < firstQueuedDone.get(), "dispute after a queued backing job");
            System.out.println("dispute behind three halting jobs answered in " + disputeMs + " ms; a worker came free at "
                    + freedMs + " ms, the first queued backing job ended at " + firstQueuedDone.get() + " ms");
        }
    }

    @Test
    void cancelledRequestsShouldCostNoWorker() throws Exception {
        try (ValidationHost host = ValidationHost.start(TestData.config(cache, "pvf.host.execute.workers-max = 1"))) {
            Pvf halt = Pvf.of(TestData.ownPvf("halt.wasm"));
            Pvf adder = Pvf.of(TestData.ownPvf("adder.wasm"));
            ValidationParams params = WorkerFaultTest.genesisParams();
            assertInstanceOf(PrecheckOutcome.Valid.class, host.precheckPvf(halt).get(60, TimeUnit.SECONDS));
            assertInstanceOf(PrecheckOutcome.Valid.class, host.precheckPvf(adder).get(60, TimeUnit.SECONDS));
            long start = System.nanoTime();
            var busy = host.executePvf(halt, params, ExecKind.BACKING, BACKING_TIMEOUT);
            awaitWorkers(1, Duration.ofSeconds(30));
            // three more halting jobs wait for the one worker; their callers give up
            List<CompletableFuture<ValidationOutcome>> abandoned = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                abandoned.add(host.executePvf(halt, params, ExecKind.BACKING, BACKING_TIMEOUT));
            }
            abandoned.get(0).cancel(true);
            abandoned.get(1).complete(new ValidationOutcome.Deadline("not needed any more"));
            abandoned.get(2).orTimeout(100, TimeUnit.MILLISECONDS);
            var next = host.executePvf(adder, params, ExecKind.BACKING, null);
            var busyOutcome = busy.get(60, TimeUnit.SECONDS);
            long busyMs = (System.nanoTime() - start) / 1_000_000;
            assertEquals(ValidationOutcome.InvalidKind.HardTimeout,
                    assertInstanceOf(ValidationOutcome.Invalid.class, busyOutcome).kind());
            var outcome = next.get(60, TimeUnit.SECONDS);
            long nextMs = (System.nanoTime() - start) / 1_000_000;
            assertInstanceOf(ValidationOutcome.Valid.class, outcome, () -> "after the abandoned jobs: " + outcome);
            // had the abandoned jobs run, the worker would have been busy three timeouts (and three
            // worker starts) more; as it is, a worker start and the adder's run
            long after = nextMs - busyMs;
            System.out.println("the request after three abandoned ones ran " + after + " ms after the busy job ended");
            assertTrue(after < host.settings().spawnTimeout().toMillis() + 3000,
                    "the next request waited " + after + " ms after the busy job ended");
            assertTrue(abandoned.get(2).isCompletedExceptionally(), "the caller's own timeout stands");
        }
    }

    static void awaitWorkers(int n, Duration within) throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        while (WorkerFaultTest.workers("execute-worker").size() < n) {
            assertTrue(System.nanoTime() < end, "execute workers did not start");
            Thread.sleep(20);
        }
        Thread.sleep(300); // let the jobs reach them
    }
}
