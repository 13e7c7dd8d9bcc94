package io.pvfhost.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.pvfhost.common.error.ValidationOutcome;
import io.pvfhost.common.types.ValidationParams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 10 000 mixed requests through real workers, with execute workers killed at random: every request
 * gets exactly one answer of an allowed class, valid answers have the right bytes, and after the
 * host stops no worker, thread, file descriptor or temp file is left; the heap stays bounded.
 */
class LoadTest {
    static final int REQUESTS = 10_000;
    static final int IN_FLIGHT = 200;

    @TempDir
    Path cache;

    /** One kind of request and what it may be answered with. */
    record Case(String name, Pvf pvf, ValidationParams params, Duration timeout, byte[] expected, String invalidText) {}

    static long fds() throws Exception {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    @Test
    void tenThousandMixedRequestsWithWorkersKilledAtRandom() throws Exception {
        ValidationParams genesis = ValidationParams.decode(TestData.corpusHex("adder/adder_genesis.params.hex"));
        ValidationParams badState = ValidationParams.decode(TestData.corpusHex("adder/adder_badstate.params.hex"));
        byte[] adderOut = TestData.corpusHex("adder/adder_genesis.expected_output.hex");
        Pvf adder = Pvf.of(TestData.ownPvf("adder.wasm"));
        Pvf kagome = Pvf.of(TestData.corpusFile("adder/kagome-adder.code"));
        List<Case> cases = List.of(
                new Case("adder", adder, genesis, null, adderOut, null),
                new Case("kagome-adder", kagome, genesis, null, adderOut, null),
                new Case("bad state", adder, badState, null, null, "StateMismatch"),
                new Case("recurse", Pvf.of(TestData.ownPvf("recurse.wasm")),
                        new ValidationParams(new byte[0], new byte[0], 100, new byte[32]), null, null, null));
        // the expensive ones are rare: a memory bomb allocates 130 MiB, an endless loop costs a worker
        Case grow = new Case("grow", Pvf.of(TestData.ownPvf("grow.wasm")),
                new ValidationParams(new byte[0], new byte[0], 1, new byte[32]), null, null, "out of bounds");
        Case halt = new Case("halt", Pvf.of(TestData.ownPvf("halt.wasm")), genesis, Duration.ofMillis(300), null, null);

        long fdsBefore = fds();
        int threadsBefore = Thread.activeCount();
        Map<String, AtomicInteger> counts = new TreeMap<>();
        Random random = new Random(42);
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger kills = new AtomicInteger();
        long heapAtStart;
        Thread killer = null;
        ValidationHost host = ValidationHost.start(TestData.config(cache,
                "pvf.host.execute.workers-max = 2\npvf.host.execute.retry-delay = 100ms"));
        try {
            // warm: every PVF prepared before the load starts
            for (Case c : cases) {
                host.precheckPvf(c.pvf()).toCompletableFuture().get(2, TimeUnit.MINUTES);
            }
            host.precheckPvf(halt.pvf()).toCompletableFuture().get(2, TimeUnit.MINUTES);
            host.precheckPvf(grow.pvf()).toCompletableFuture().get(2, TimeUnit.MINUTES);
            heapAtStart = usedHeapAfterGc();
            killer = new Thread(() -> {
                Random r = new Random(7);
                while (!done.get() && kills.get() < 20) {
                    try {
                        Thread.sleep(500 + r.nextInt(1000));
                    } catch (InterruptedException e) {
                        return;
                    }
                    List<ProcessHandle> ws = WorkerFaultTest.workers("execute-worker");
                    if (!ws.isEmpty() && ws.get(r.nextInt(ws.size())).destroyForcibly()) {
                        kills.incrementAndGet();
                    }
                }
            }, "load-test-killer");
            killer.start();

            List<CompletableFuture<Void>> window = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                Case c = (i % 500 == 499) ? halt : (i % 100 == 50) ? grow : cases.get(random.nextInt(cases.size()));
                ExecKind kind = ExecKind.values()[random.nextInt(ExecKind.values().length)];
                AtomicInteger answers = new AtomicInteger();
                var f = host.executePvf(c.pvf(), c.params(), kind, c.timeout()).toCompletableFuture()
                        .thenAccept(outcome -> {
                            answers.incrementAndGet();
                            check(c, kind, outcome);
                            counts.computeIfAbsent(c.name() + " " + outcome.outcome(), k -> new AtomicInteger()).incrementAndGet();
                        });
                window.add(f);
                if (window.size() >= IN_FLIGHT) {
                    CompletableFuture.allOf(window.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
                    window.clear();
                }
            }
            CompletableFuture.allOf(window.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
        } finally {
            // also when the load failed: a killer left running would kill the next tests' workers
            done.set(true);
            if (killer != null) {
                killer.interrupt();
                killer.join();
            }
            host.close();
        }
        int answered = counts.values().stream().mapToInt(AtomicInteger::get).sum();
        System.out.println("load test: " + answered + " answers, " + kills.get() + " workers killed: " + counts);
        assertEquals(REQUESTS, answered, "answers");
        assertTrue(kills.get() > 0, "no worker was killed");

        // nothing left behind
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && ProcessHandle.current().descendants().findAny().isPresent()) {
            Thread.sleep(100);
        }
        assertTrue(ProcessHandle.current().descendants().findAny().isEmpty(), "worker processes left");
        try (var files = Files.list(cache)) {
            var left = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("pvf-worker-") || n.endsWith(".tmp")).toList();
            assertTrue(left.isEmpty(), "left behind: " + left);
        }
        Thread.sleep(500);
        assertTrue(fds() <= fdsBefore + 16, "file descriptors: " + fdsBefore + " before, " + fds() + " after");
        assertTrue(Thread.activeCount() <= threadsBefore + 4, "threads: " + threadsBefore + " before, " + Thread.activeCount() + " after");
        long heapGrowth = usedHeapAfterGc() - heapAtStart;
        assertTrue(heapGrowth < 64L << 20, "heap grew by " + (heapGrowth >> 20) + " MiB");
    }

    /** An answer must be one the case allows; a killed worker may make any of them ambiguous. */
    static void check(Case c, ExecKind kind, ValidationOutcome outcome) {
        if (outcome instanceof ValidationOutcome.PossiblyInvalid p) {
            assertEquals(ValidationOutcome.PossiblyInvalidKind.AmbiguousWorkerDeath, p.kind(), c.name() + ": " + outcome);
            return;
        }
        if (c.timeout() != null) {
            assertTrue(outcome instanceof ValidationOutcome.Invalid i && i.kind() == ValidationOutcome.InvalidKind.HardTimeout,
                    c.name() + ": " + outcome);
            return;
        }
        if (c.invalidText() != null) {
            assertTrue(outcome instanceof ValidationOutcome.Invalid i && i.detail().contains(c.invalidText()), c.name() + ": " + outcome);
            return;
        }
        if (!(outcome instanceof ValidationOutcome.Valid v)) {
            fail(c.name() + " (" + kind + "): " + outcome);
            return;
        }
        if (c.expected() != null) {
            assertArrayEquals(c.expected(), v.resultBytes(), c.name());
        }
    }
}
