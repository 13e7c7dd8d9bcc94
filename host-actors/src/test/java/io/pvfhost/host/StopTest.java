package io.pvfhost.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.ConfigFactory;
import io.pvfhost.common.error.ValidationOutcome;
import io.pvfhost.common.types.ValidationParams;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping cleanly: no worker processes, worker folders, temp files or threads of the host left,
 * standalone and inside a caller's actor system (which runs on).
 */
class StopTest {
    /**
     * WorkerHandle's wall-clock watchdog: one daemon thread per JVM, shared by every host, started
     * with the first worker and idle between requests; it is not the host's to stop.
     */
    static final String SHARED_WATCHDOG = "pvf-worker-watchdog";

    @TempDir
    Path cache;

    static ValidationParams genesis() throws IOException {
        return ValidationParams.decode(TestData.corpusHex("adder/adder_genesis.params.hex"));
    }

    /** Threads of pvf-host or of Akka, by name. */
    static Set<String> hostThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.startsWith("pvf") || n.contains("akka"))
                .filter(n -> !n.equals(SHARED_WATCHDOG))
                .collect(Collectors.toSet());
    }

    static List<ProcessHandle> workerProcesses() {
        return ProcessHandle.current().descendants()
                .filter(p -> WorkerFaultTest.cmdline(p).contains("io.pvfhost.worker.WorkerMain"))
                .toList();
    }

    /** Waits for a condition that follows a stop shortly (threads ending), then asserts it. */
    static void eventually(String what, java.util.function.Supplier<Object> leftovers) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Object left = leftovers.get();
        while (!isEmpty(left) && System.nanoTime() < end) {
            Thread.sleep(100);
            left = leftovers.get();
        }
        assertTrue(isEmpty(left), what + " left: " + left);
    }

    private static boolean isEmpty(Object o) {
        return o instanceof java.util.Collection<?> c ? c.isEmpty() : o == null;
    }

    static List<String> leftoverFiles(Path cache) throws IOException {
        try (var files = Files.list(cache)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("pvf-worker-") || n.endsWith(".tmp"))
                    .toList();
        }
    }

    static List<String> socketFolders() throws IOException {
        try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("pvf-sock-")).toList();
        }
    }

    @Test
    void aStandaloneHostShouldLeaveNoThreadsProcessesOrFilesAfterStop() throws Exception {
        Set<String> threadsBefore = hostThreads();
        List<String> socketsBefore = socketFolders();
        ValidationHost host = ValidationHost.start(TestData.config(cache, """
                pvf.host.metrics.prometheus.enabled = true
                pvf.host.metrics.prometheus.port = 0
                """));
        var outcome = host.executePvf(Pvf.of(TestData.ownPvf("adder.wasm")), genesis(), ExecKind.BACKING, null)
                .get(60, TimeUnit.SECONDS);
        assertInstanceOf(ValidationOutcome.Valid.class, outcome, () -> "outcome: " + outcome);
        List<ProcessHandle> workers = workerProcesses();
        assertFalse(workers.isEmpty(), "no worker seen");
        assertTrue(hostThreads().stream().anyMatch(n -> n.startsWith("pvf-host-")), "the host's own threads: " + hostThreads());

        host.stop().toCompletableFuture().get(60, TimeUnit.SECONDS);

        // when stop() completes, the workers are gone and their files removed
        for (ProcessHandle w : workers) {
            assertFalse(w.isAlive(), "worker " + w.pid() + " alive after stop");
        }
        assertEquals(List.of(), workerProcesses());
        assertEquals(List.of(), leftoverFiles(cache));
        assertEquals(socketsBefore, socketFolders());
        // threads end on their own shortly after (Akka's dispatchers shut down when idle)
        eventually("threads", () -> hostThreads().stream().filter(t -> !threadsBefore.contains(t)).sorted().toList());
    }

    @Test
    void anEmbeddedHostShouldStopItsWorkersWhileTheCallersSystemRunsOn() throws Exception {
        ActorSystem<Void> caller = ActorSystem.create(Behaviors.empty(), "caller-node", ConfigFactory.load());
        try {
            ValidationHost host = ValidationHost.start(caller, TestData.config(cache, "pvf.host.execute.workers-max = 2"));
            var outcome = host.executePvf(Pvf.of(TestData.ownPvf("adder.wasm")), genesis(), ExecKind.APPROVAL, null)
                    .get(60, TimeUnit.SECONDS);
            assertInstanceOf(ValidationOutcome.Valid.class, outcome, () -> "outcome: " + outcome);
            List<ProcessHandle> workers = workerProcesses();
            assertFalse(workers.isEmpty(), "no worker seen");

            host.stop().toCompletableFuture().get(60, TimeUnit.SECONDS);

            for (ProcessHandle w : workers) {
                assertFalse(w.isAlive(), "worker " + w.pid() + " alive after stop");
            }
            assertEquals(List.of(), workerProcesses());
            assertEquals(List.of(), leftoverFiles(cache));
            // the caller's system runs on: it still spawns actors and answers
            assertFalse(caller.whenTerminated().isCompleted());
            ActorRef<Echo> echo = caller.systemActorOf(Behaviors.receive(Echo.class)
                    .onMessage(Echo.class, m -> {
                        m.replyTo().tell("still here");
                        return Behaviors.same();
                    }).build(), "echo", akka.actor.typed.Props.empty());
            String answer = AskPattern.<Echo, String>ask(echo, Echo::new, Duration.ofSeconds(5), caller.scheduler())
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals("still here", answer);
        } finally {
            caller.terminate();
            caller.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    record Echo(ActorRef<String> replyTo) {}

    /**
     * Requests sent from other threads while an embedded host stops: each is answered soon after
     * the stop, none waits for its backstop (a request whose message reached the host only after
     * it stopped went to dead letters and waited for ever minutes).
     */
    @Test
    void requestsRacingTheStopOfAnEmbeddedHostShouldAllBeAnswered() throws Exception {
        ActorSystem<Void> caller = ActorSystem.create(Behaviors.empty(), "caller-node-race", ConfigFactory.load());
        try {
            ValidationHost host = ValidationHost.start(caller, TestData.config(cache, ""));
            Pvf adder = Pvf.of(TestData.ownPvf("adder.wasm"));
            assertInstanceOf(PrecheckOutcome.Valid.class, host.precheckPvf(adder).get(60, TimeUnit.SECONDS));
            List<CompletableFuture<PrecheckOutcome>> sent = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            java.util.concurrent.atomic.AtomicBoolean go = new java.util.concurrent.atomic.AtomicBoolean(true);
            List<Thread> senders = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Thread t = new Thread(() -> {
                    for (int n = 0; go.get() && n < 20_000; n++) { // bounded: a request after the stop is answered at once
                        sent.add(host.precheckPvf(adder));
                    }
                });
                t.start();
                senders.add(t);
            }
            Thread.sleep(200);
            host.stop().toCompletableFuture().get(60, TimeUnit.SECONDS);
            Thread.sleep(50);
            go.set(false);
            for (Thread t : senders) {
                t.join(10_000);
            }
            List<CompletableFuture<PrecheckOutcome>> all;
            synchronized (sent) {
                all = List.copyOf(sent);
            }
            assertTrue(all.size() > 10, "requests sent: " + all.size());
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            for (var f : all) {
                var o = f.getNow(null);
                assertTrue(o instanceof PrecheckOutcome.Valid
                        || (o instanceof PrecheckOutcome.Failed failed && failed.error().detail().contains("host stopped")), String.valueOf(o));
            }
        } finally {
            caller.terminate();
            caller.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void requestsPendingAtStopShouldBeAnswered() throws Exception {
        ValidationHost host = ValidationHost.start(TestData.config(cache, "pvf.host.execute.workers-max = 1"));
        Pvf halt = Pvf.of(TestData.ownPvf("halt.wasm"));
        assertInstanceOf(PrecheckOutcome.Valid.class, host.precheckPvf(halt).get(60, TimeUnit.SECONDS));
        CompletableFuture<ValidationOutcome> running = host.executePvf(halt, genesis(), ExecKind.BACKING, Duration.ofSeconds(30));
        WorkerFaultTest.awaitWorker("execute-worker", Duration.ofSeconds(20)).orElseThrow();
        host.stop().toCompletableFuture().get(60, TimeUnit.SECONDS);
        var outcome = running.get(10, TimeUnit.SECONDS);
        var internal = assertInstanceOf(ValidationOutcome.InternalError.class, outcome, () -> "outcome: " + outcome);
        assertEquals("host stopped", internal.detail());
        assertEquals(List.of(), workerProcesses());
        assertEquals(List.of(), leftoverFiles(cache));
    }

    @Test
    void aPreparationRunningAtStopShouldBeAnsweredAndLeaveNothing() throws Exception {
        byte[] runtime = TestData.corpusFile("cumulus/coretime-polkadot-v1003000.code"); // seconds to compile
        ValidationHost host = ValidationHost.start(TestData.config(cache, ""));
        CompletableFuture<PrecheckOutcome> precheck = host.precheckPvf(Pvf.of(runtime));
        WorkerFaultTest.awaitWorker("prepare-worker", Duration.ofSeconds(20)).orElseThrow();
        Thread.sleep(500); // the job is under way
        host.stop().toCompletableFuture().get(60, TimeUnit.SECONDS);
        var outcome = precheck.get(10, TimeUnit.SECONDS);
        var failed = assertInstanceOf(PrecheckOutcome.Failed.class, outcome, () -> "outcome: " + outcome);
        assertEquals("host stopped", failed.error().detail());
        assertEquals(List.of(), workerProcesses());
        assertEquals(List.of(), leftoverFiles(cache));
    }

    @Test
    void stopShouldBeIdempotentAndLaterRequestsAnsweredAtOnce() throws Exception {
        ValidationHost host = ValidationHost.start(TestData.config(cache, ""));
        var first = host.stop();
        assertTrue(first == host.stop());
        first.toCompletableFuture().get(30, TimeUnit.SECONDS);
        host.close();
        var outcome = host.executePvf(Pvf.of(TestData.ownPvf("adder.wasm")), genesis(), ExecKind.BACKING, null)
                .getNow(null);
        var internal = assertInstanceOf(ValidationOutcome.InternalError.class, outcome, () -> "outcome: " + outcome);
        assertTrue(internal.detail().contains("host stopped"), internal.detail());
        var precheck = host.precheckPvf(Pvf.of(TestData.ownPvf("adder.wasm"))).getNow(null);
        assertInstanceOf(PrecheckOutcome.Failed.class, precheck, () -> "outcome: " + precheck);
    }
}
