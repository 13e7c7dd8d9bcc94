package io.pvfhost.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pvfhost.common.error.PrepareError;
import io.pvfhost.common.error.ValidationOutcome;
import io.pvfhost.common.types.ValidationParams;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Workers that die, hang or misbehave: the request gets an error, never silence. */
class WorkerFaultTest {
    @TempDir
    Path cache;

    static ValidationParams genesisParams() throws Exception {
        return ValidationParams.decode(TestData.corpusHex("adder/adder_genesis.params.hex"));
    }

    /** Our worker subprocesses of the given kind, by command line. */
    static List<ProcessHandle> workers(String kind) {
        return ProcessHandle.current().descendants().filter(p -> cmdline(p).contains(kind)).toList();
    }

    /** The process's arguments from /proc (ProcessHandle.Info truncates long command lines). */
    static List<String> cmdline(ProcessHandle p) {
        try {
            return List.of(new String(java.nio.file.Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline")),
                    java.nio.charset.StandardCharsets.UTF_8).split("\0"));
        } catch (java.io.IOException e) {
            return List.of();
        }
    }

    static Optional<ProcessHandle> awaitWorker(String kind, Duration within) throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < end) {
            var w = workers(kind);
            if (!w.isEmpty()) {
                return Optional.of(w.get(0));
            }
            Thread.sleep(20);
        }
        return Optional.empty();
    }

    /** Starts the (single) execute worker, so that a fault hits a job and not a spawn. */
    static void warmExecuteWorker(ValidationHost host) throws Exception {
        var warm = host.executePvf(Pvf.of(TestData.ownPvf("adder.wasm")), genesisParams(), ExecKind.BACKING, null)
                .toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertInstanceOf(ValidationOutcome.Valid.class, warm, () -> "warm-up: " + warm);
    }

    @Test
    void shouldReportAmbiguousDeathWhenExecuteWorkerIsKilledMidJobAndServeTheNextRequest() throws Exception {
        try (ValidationHost host = ValidationHost.start(TestData.config(cache, "pvf.host.execute.workers-max = 1"))) {
            Pvf halt = Pvf.of(TestData.ownPvf("halt.wasm"));
            assertInstanceOf(PrecheckOutcome.Valid.class, host.precheckPvf(halt).toCompletableFuture().get(60, TimeUnit.SECONDS));
            warmExecuteWorker(host);
            CompletableFuture<ValidationOutcome> running = host.executePvf(halt, genesisParams(), ExecKind.BACKING,
                    Duration.ofSeconds(20)).toCompletableFuture();
            ProcessHandle worker = awaitWorker("execute-worker", Duration.ofSeconds(10)).orElseThrow();
            Thread.sleep(300); // let the job start
            assertTrue(worker.destroyForcibly(), "kill -9 of " + worker.pid() + " refused"); // kill -9
            worker.onExit().get(10, TimeUnit.SECONDS);
            var outcome = running.get(30, TimeUnit.SECONDS);
            var possibly = assertInstanceOf(ValidationOutcome.PossiblyInvalid.class, outcome, () -> "outcome: " + outcome);
            assertEquals(ValidationOutcome.PossiblyInvalidKind.AmbiguousWorkerDeath, possibly.kind());
            var next = host.executePvf(Pvf.of(TestData.ownPvf("adder.wasm")), genesisParams(), ExecKind.BACKING, null)
                    .toCompletableFuture().get(60, TimeUnit.SECONDS);
            assertInstanceOf(ValidationOutcome.Valid.class, next, () -> "after the kill: " + next);
        }
    }

    @Test
    void shouldKillAStoppedWorkerAtTheWallClockBackstop() throws Exception {
        try (ValidationHost host = ValidationHost.start(TestData.config(cache, "pvf.host.execute.workers-max = 1"))) {
            Pvf halt = Pvf.of(TestData.ownPvf("halt.wasm"));
            assertInstanceOf(PrecheckOutcome.Valid.class, host.precheckPvf(halt).toCompletableFuture().get(60, TimeUnit.SECONDS));
            warmExecuteWorker(host);
            Duration timeout = Duration.ofSeconds(1);
            long start = System.nanoTime();
            CompletableFuture<ValidationOutcome> running = host.executePvf(halt, genesisParams(), ExecKind.BACKING, timeout)
                    .toCompletableFuture();
            ProcessHandle worker = awaitWorker("execute-worker", Duration.ofSeconds(10)).orElseThrow();
            new ProcessBuilder("kill", "-STOP", Long.toString(worker.pid())).start().waitFor();
            var outcome = running.get(30, TimeUnit.SECONDS);
            long ms = (System.nanoTime() - start) / 1_000_000;
            var invalid = assertInstanceOf(ValidationOutcome.Invalid.class, outcome, () -> "outcome: " + outcome);
            assertEquals(ValidationOutcome.InvalidKind.HardTimeout, invalid.kind());
            assertTrue(ms < 4 * timeout.toMillis(), "answered after " + ms + " ms");
            assertTrue(worker.onExit().get(5, TimeUnit.SECONDS) != null && !worker.isAlive(), "stopped worker still alive");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"exit", "wrong-version", "garbage-hello"})
    void shouldAnswerWhenNoWorkerCanBeStarted(String mode) throws Exception {
        String conf = "pvf.host.worker.main-class = \"io.pvfhost.host.FakeWorker\"\n"
                + "pvf.host.worker.jvm-options = [\"-Dfake.mode=" + mode + "\"]\n"
                + "pvf.host.worker.spawn-timeout = 2s\n"
                + "pvf.host.worker.spawn-retry-delay = 500ms\n";
        try (ValidationHost host = ValidationHost.start(TestData.config(cache, conf))) {
            var outcome = host.precheckPvf(Pvf.of(TestData.ownPvf("adder.wasm"))).toCompletableFuture().get(60, TimeUnit.SECONDS);
            var failed = assertInstanceOf(PrecheckOutcome.Failed.class, outcome, () -> "outcome: " + outcome);
            assertEquals(PrepareError.Kind.KERNEL, failed.error().kind());
            if (mode.equals("wrong-version")) {
                assertTrue(failed.error().detail().contains("pvf-host-9.9.9"), failed.error().detail());
            }
        }
    }

    /** Sockets this JVM has open, from /proc/self/fd. */
    static long openSockets() throws Exception {
        try (var fds = java.nio.file.Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(f -> {
                try {
                    return java.nio.file.Files.readSymbolicLink(f).toString().startsWith("socket:");
                } catch (java.io.IOException e) {
                    return false; // closed meanwhile
                }
            }).count();
        }
    }

    /** A worker that connected but was refused (wrong version, garbage hello) leaves no socket open here. */
    @ParameterizedTest
    @ValueSource(strings = {"wrong-version", "garbage-hello"})
    void shouldCloseTheConnectionOfARefusedWorker(String mode) throws Exception {
        var spec = new io.pvfhost.worker.host.WorkerSpec(io.pvfhost.worker.host.WorkerSpec.currentJava(),
                List.of("-Dfake.mode=" + mode), System.getProperty("java.class.path"), FakeWorker.class.getName());
        long before = -1;
        for (int i = 0; i < 4; i++) {
            if (i == 1) {
                before = openSockets(); // after a first spawn, which may open sockets of the JDK's own for good
            }
            var e = org.junit.jupiter.api.Assertions.assertThrows(io.pvfhost.worker.host.WorkerException.class,
                    () -> io.pvfhost.worker.host.WorkerHandle.spawn(spec, io.pvfhost.worker.host.WorkerKind.EXECUTE, cache,
                            Duration.ofSeconds(10)));
            assertEquals(mode.equals("wrong-version") ? io.pvfhost.worker.host.WorkerException.Kind.VERSION_MISMATCH
                    : io.pvfhost.worker.host.WorkerException.Kind.PROTOCOL, e.kind(), e.getMessage());
        }
        long after = openSockets();
        assertTrue(after <= before, "sockets open: " + before + " before 3 refused workers, " + after + " after");
    }

    /** A precheck of the adder by a host whose workers are {@link FakeWorker}s in {@code mode}: it must fail. */
    private PrepareError precheckWithFakeWorkers(String mode) throws Exception {
        String conf = "pvf.host.worker.main-class = \"io.pvfhost.host.FakeWorker\"\n"
                + "pvf.host.worker.jvm-options = [\"-Dfake.mode=" + mode + "\"]\n";
        try (ValidationHost host = ValidationHost.start(TestData.config(cache, conf))) {
            var outcome = host.precheckPvf(Pvf.of(TestData.ownPvf("adder.wasm"))).toCompletableFuture().get(60, TimeUnit.SECONDS);
            return assertInstanceOf(PrecheckOutcome.Failed.class, outcome, () -> "outcome: " + outcome).error();
        }
    }

    @Test
    void shouldTreatGarbageFromAWorkerAsAnErrorAndGoOn() throws Exception {
        PrepareError error = precheckWithFakeWorkers("garbage-reply");
        assertTrue(error.detail().contains("frame"), error.detail());
    }

    @Test
    void shouldTakeHalfAFrameFromAWorkerThatDiedForADeathNotForGarbage() throws Exception {
        PrepareError error = precheckWithFakeWorkers("half-reply-exit");
        assertEquals(PrepareError.Kind.JOB_DIED, error.kind(), error.detail());
        assertTrue(error.detail().contains("died while answering"), error.detail());
    }

    @Test
    void shouldLeaveNoWorkerProcessesOrFoldersAfterStop() throws Exception {
        ValidationHost host = ValidationHost.start(TestData.config(cache, ""));
        var outcome = host.executePvf(Pvf.of(TestData.ownPvf("adder.wasm")), genesisParams(), ExecKind.BACKING, null)
                .toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertInstanceOf(ValidationOutcome.Valid.class, outcome);
        List<ProcessHandle> before = workers("execute-worker");
        assertTrue(!before.isEmpty(), "no execute worker seen");
        host.close();
        for (ProcessHandle p : before) {
            p.onExit().get(10, TimeUnit.SECONDS);
        }
        assertTrue(workers("execute-worker").isEmpty() && workers("prepare-worker").isEmpty(), "workers left running");
        try (var files = java.nio.file.Files.list(cache)) {
            var left = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("pvf-worker-") || n.endsWith(".tmp")).toList();
            assertTrue(left.isEmpty(), "left behind: " + left);
        }
    }

    @Test
    void shouldReportJobDiedWhenAPrepareWorkerIsKilledMidJobAndGoOn() throws Exception {
        try (ValidationHost host = ValidationHost.start(TestData.config(cache, ""))) {
            var running = host.precheckPvf(Pvf.of(TestData.corpusFile("cumulus/coretime-polkadot-v1003000.code"))).toCompletableFuture();
            ProcessHandle worker = awaitWorker("prepare-worker", Duration.ofSeconds(10)).orElseThrow();
            Thread.sleep(1500); // well into the preparation, which takes seconds
            assertTrue(worker.destroyForcibly(), "kill -9 refused");
            var outcome = running.get(60, TimeUnit.SECONDS);
            var failed = assertInstanceOf(PrecheckOutcome.Failed.class, outcome, () -> "outcome: " + outcome);
            assertEquals(PrepareError.Kind.JOB_DIED, failed.error().kind());
            var next = host.precheckPvf(Pvf.of(TestData.ownPvf("adder.wasm"))).toCompletableFuture().get(60, TimeUnit.SECONDS);
            assertInstanceOf(PrecheckOutcome.Valid.class, next, () -> "after the kill: " + next);
        }
    }

    /**
     * Approval retries an ambiguous death once (reference section 5): the retry runs the endless
     * loop again and ends in a hard timeout, where backing would have answered possibly-invalid.
     */
    @Test
    void approvalShouldRetryAfterTheWorkerIsKilledMidJob() throws Exception {
        try (ValidationHost host = ValidationHost.start(TestData.config(cache,
                "pvf.host.execute.workers-max = 1\npvf.host.execute.retry-delay = 200ms"))) {
            Pvf halt = Pvf.of(TestData.ownPvf("halt.wasm"));
            assertInstanceOf(PrecheckOutcome.Valid.class, host.precheckPvf(halt).toCompletableFuture().get(60, TimeUnit.SECONDS));
            warmExecuteWorker(host);
            var running = host.executePvf(halt, genesisParams(), ExecKind.APPROVAL, Duration.ofSeconds(4)).toCompletableFuture();
            ProcessHandle worker = awaitWorker("execute-worker", Duration.ofSeconds(10)).orElseThrow();
            Thread.sleep(500);
            assertTrue(worker.destroyForcibly(), "kill -9 refused");
            var outcome = running.get(60, TimeUnit.SECONDS);
            var invalid = assertInstanceOf(ValidationOutcome.Invalid.class, outcome, () -> "outcome: " + outcome);
            assertEquals(ValidationOutcome.InvalidKind.HardTimeout, invalid.kind());
        }
    }

    @Test
    void oversizedParamsShouldBeInvalidWithoutCostingAWorker() throws Exception {
        try (ValidationHost host = ValidationHost.start(TestData.config(cache, ""))) {
            var huge = new ValidationParams(new byte[0], new byte[io.pvfhost.common.wire.Message.MAX_BLOB], 1, new byte[32]);
            var outcome = host.executePvf(Pvf.of(TestData.ownPvf("adder.wasm")), huge, ExecKind.BACKING, null)
                    .toCompletableFuture().get(60, TimeUnit.SECONDS);
            var invalid = assertInstanceOf(ValidationOutcome.Invalid.class, outcome, () -> "outcome: " + outcome);
            assertEquals(ValidationOutcome.InvalidKind.InvalidParams, invalid.kind());
            assertTrue(workers("execute-worker").isEmpty(), "a worker was started for params that cannot be sent");
        }
    }
}
