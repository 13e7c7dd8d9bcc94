package io.pvfhost.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.DeadLetter;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.ManualTime;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.Props;
import akka.actor.typed.eventstream.EventStream;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import ch.qos.logback.classic.Level;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pvfhost.artifacts.ArtifactId;
import io.pvfhost.artifacts.ArtifactState;
import io.pvfhost.artifacts.ArtifactStore;
import io.pvfhost.artifacts.ArtifactTable;
import io.pvfhost.common.error.PrepareError;
import io.pvfhost.common.error.ValidationOutcome;
import io.pvfhost.common.params.ExecutorParam;
import io.pvfhost.common.params.ExecutorParams;
import io.pvfhost.common.types.ValidationParams;
import io.pvfhost.common.wire.Message;
import io.pvfhost.host.execute.ExecuteJob;
import io.pvfhost.host.execute.ExecutePool;
import io.pvfhost.host.execute.ExecuteQueue;
import io.pvfhost.host.execute.ExecuteResult;
import io.pvfhost.host.execute.ExecuteScheduler;
import io.pvfhost.host.execute.ExecutorParamsHash;
import io.pvfhost.host.prepare.PrepareJob;
import io.pvfhost.host.prepare.PrepareJobQueue;
import io.pvfhost.host.prepare.PrepareOutcome;
import io.pvfhost.host.prepare.PreparePool;
import io.pvfhost.host.prepare.PrepareQueue;
import io.pvfhost.worker.host.WorkerException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Ten thousand requests through the real host, prepare queue and execute queue, with fake pools
 * whose workers start, work, fail and die at random (a seeded {@link Random}), all in virtual
 * time. Every actor runs on the calling thread ({@link InlineExecutorConfigurator}), so the run is
 * deterministic and takes seconds. Checked throughout: worker counts never exceed the caps, a
 * prepare job never starts while a job of higher priority waits (no Critical job waits behind a
 * Background one), an execute worker only runs jobs with the params hash it was spawned for, an
 * artifact in use is never pruned; at the end: every request got exactly one answer (none when
 * its caller went away first), no answer went to a dead caller, and the queues are empty.
 */
class SchedulingSimulationTest {
    static final Config CONFIG = ConfigFactory.parseString("""
            sim-dispatcher {
              type = Dispatcher
              executor = "io.pvfhost.host.InlineExecutorConfigurator"
              throughput = 1000
            }
            akka.log-dead-letters = off
            """).withFallback(ManualTime.config());
    static final ActorTestKit testKit = ActorTestKit.create(CONFIG);
    static final VirtualTime time = new VirtualTime(testKit.system());
    static final Props INLINE = DispatcherSelector.fromConfig("sim-dispatcher");

    static final int REQUESTS = 10_000;
    static final int SOFT = 1;
    static final int HARD = 2;
    static final int EXECUTE_WORKERS = 4;
    static final int PVFS = 150;
    static final int HEADS_UP_ONLY = 40;
    static final Duration LEAF_TIME = Duration.ofSeconds(6);

    @TempDir
    Path cache;

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    @Test
    void shouldAnswerTenThousandRequestsExactlyOnceWithinTheCapsAndPriorities() throws Exception {
        var hostLogger = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.pvfhost.host");
        Level before = hostLogger.getLevel();
        hostLogger.setLevel(Level.WARN); // thousands of expected failures are logged at INFO
        long start = System.nanoTime();
        Sim sim;
        try {
            sim = new Sim(new Random(20250101L), cache);
            sim.run();
        } finally {
            hostLogger.setLevel(before);
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.println("simulation: " + sim.summary() + " in " + ms + " ms of real time");

        assertEquals(List.of(), sim.violations.subList(0, Math.min(20, sim.violations.size())));
        assertEquals(REQUESTS, sim.issued);
        for (int id = 1; id <= REQUESTS; id++) {
            Req r = sim.requests.get(id);
            int expected = !r.expectsReply ? 0 : r.cancelledUnanswered ? 0 : 1;
            assertEquals(expected, r.replies, () -> "answers to " + r);
        }
        assertEquals(0, sim.deadLetterAnswers, "answers sent to callers that went away");
        assertEquals(0, sim.prepareJobs.queued());
        assertEquals(0, sim.executeScheduler.queued());
        assertTrue(sim.prepareBusy.isEmpty() && sim.executeBusy.isEmpty());
        assertTrue(sim.maxPrepareWorkers <= HARD && sim.maxExecuteWorkers <= EXECUTE_WORKERS);
        // the run covered what it claims to
        assertEquals(HARD, sim.maxPrepareWorkers, "Critical work never spawned beyond the soft cap");
        assertEquals(EXECUTE_WORKERS, sim.maxExecuteWorkers);
        for (PreparePriority p : PreparePriority.values()) {
            assertTrue(sim.prepareStarts.getOrDefault(p, 0) > 0, "no prepare job ran at " + p);
        }
        for (String what : List.of("stale", "overloaded", "cancelled", "spawn failures", "deaths", "swept", "valid prechecks",
                "ambiguous approval or dispute deaths", "idle prepare workers retired")) {
            assertTrue(sim.counted(what) > 0, () -> "never " + what + ": " + sim.summary());
        }
        assertTrue(ms < 60_000, "the simulation took " + ms + " ms");
    }

    /** One request as the simulation sees it. */
    static final class Req {
        final int id;
        final String what;
        final boolean expectsReply;
        ActorRef<?> caller;
        int replies;
        boolean cancelledUnanswered;
        Object answer;

        Req(int id, String what, boolean expectsReply) {
            this.id = id;
            this.what = what;
            this.expectsReply = expectsReply;
        }

        @Override
        public String toString() {
            return "request " + id + " (" + what + ", " + replies + " answers, last " + answer
                    + (cancelledUnanswered ? ", cancelled" : "") + ")";
        }
    }

    /** The parent of the callers: spawns one reply actor per request, on the simulation's thread. */
    sealed interface ClientCommand {}

    record SpawnCaller(Consumer<ActorContext<ClientCommand>> body) implements ClientCommand {}

    record StopCaller(ActorRef<?> caller) implements ClientCommand {}

    /** The simulation: the driver, the fake pools, the fake workers and the checks. */
    static final class Sim {
        final Random rnd;
        final HostSettings settings;
        final ArtifactTable table = new ArtifactTable();
        final PrepareJobQueue prepareJobs = new PrepareJobQueue(SOFT, HARD);
        final ExecuteScheduler executeScheduler;
        final ActorRef<Host.Command> host;
        final ActorRef<ClientCommand> clients;
        final List<String> violations = new ArrayList<>();
        final Map<Integer, Req> requests = new HashMap<>();
        final Map<String, Integer> counts = new java.util.TreeMap<>();
        final Map<PreparePriority, Integer> prepareStarts = new EnumMap<>(PreparePriority.class);
        final Set<ArtifactId> corrupted = new HashSet<>();
        int issued;
        int outstanding;
        int maxOutstanding;
        int deadLetterAnswers;
        int leaf = 10;
        boolean running = true;

        // the fake prepare pool
        ActorRef<PreparePool.Event> prepareEvents;
        final Set<WorkerId> prepareAlive = new LinkedHashSet<>();
        final Map<WorkerId, PrepareJob> prepareBusy = new HashMap<>();
        int prepareSpawning;
        int maxPrepareWorkers;

        // the fake execute pool
        ActorRef<ExecutePool.Event> executeEvents;
        final Set<WorkerId> executeAlive = new LinkedHashSet<>();
        final Map<WorkerId, ExecuteJob> executeBusy = new HashMap<>();
        final Map<WorkerId, ExecutorParamsHash> binding = new HashMap<>();
        int executeSpawning;
        int maxExecuteWorkers;
        long nextWorker;

        Sim(Random rnd, Path cache) throws Exception {
            this.rnd = rnd;
            this.settings = HostSettings.from(TestData.config(cache, """
                    pvf.host.max-pending-requests = 500
                    pvf.host.pruning.interval = 10002ms
                    pvf.host.execute.retry-delay = 3001ms
                    pvf.host.worker.spawn-retry-delay = 3001ms
                    pvf.host.pruning.ttl = 60s
                    pvf.host.pruning.cache-size-limit = 400MiB
                    pvf.host.prepare.retry-cooldown = 20s
                    pvf.host.prepare.worker-idle-timeout = 30001ms
                    """));
            this.executeScheduler = new ExecuteScheduler(EXECUTE_WORKERS, settings.executeMaxKeepWaiting());
            ArtifactStore store = ArtifactStore.open(cache);
            Host.Queues queues = new Host.Queues() {
                @Override
                public ActorRef<PrepareQueue.Command> prepareQueue(ActorContext<Host.Command> ctx, ActorRef<PrepareQueue.Event> events) {
                    var limits = PrepareQueue.Limits.of(settings);
                    return ctx.spawn(PrepareQueue.create(prepareJobs, limits, events, (qctx, poolEvents) -> {
                        prepareEvents = poolEvents;
                        return qctx.spawn(fakePreparePool(), "prepare-pool", INLINE);
                    }), "prepare-queue", INLINE);
                }

                @Override
                public ActorRef<ExecuteQueue.Command> executeQueue(ActorContext<Host.Command> ctx, ActorRef<ExecuteQueue.Event> events) {
                    var limits = ExecuteQueue.Limits.of(settings);
                    return ctx.spawn(ExecuteQueue.create(executeScheduler, limits, time.clock(), events, (qctx, poolEvents) -> {
                        executeEvents = poolEvents;
                        return qctx.spawn(fakeExecutePool(), "execute-pool", INLINE);
                    }), "execute-queue", INLINE);
                }

                @Override
                public void pruner(ActorContext<Host.Command> ctx, ActorRef<Host.Command> self) {
                    ctx.spawn(ArtifactsPruner.create(self, settings.pruneInterval(), (paths, needed) -> count("swept", paths.size())),
                            "pruner", INLINE);
                }
            };
            String name = "sim-" + System.nanoTime();
            host = testKit.spawn(Host.create(settings, time.clock(), store, table, queues), name + "-host", INLINE);
            clients = testKit.spawn(Behaviors.<ClientCommand>setup(ctx -> Behaviors.receive(ClientCommand.class)
                    .onMessage(SpawnCaller.class, m -> {
                        m.body().accept(ctx);
                        return Behaviors.same();
                    })
                    .onMessage(StopCaller.class, m -> {
                        ctx.stop(m.caller());
                        return Behaviors.same();
                    })
                    .build()), name + "-clients", INLINE);
            ActorRef<DeadLetter> deadLetters = testKit.spawn(Behaviors.receive(DeadLetter.class)
                    .onMessage(DeadLetter.class, d -> {
                        if (d.message() instanceof ValidationOutcome || d.message() instanceof PrecheckOutcome) {
                            deadLetterAnswers++;
                        }
                        return Behaviors.same();
                    }).build(), name + "-dead-letters", INLINE);
            testKit.system().eventStream().tell(new EventStream.Subscribe<>(DeadLetter.class, deadLetters));
            Thread.sleep(200); // the subscription is made on another thread
        }

        void count(String what) {
            count(what, 1);
        }

        void count(String what, int n) {
            counts.merge(what, n, Integer::sum);
        }

        int counted(String what) {
            return counts.getOrDefault(what, 0);
        }

        String summary() {
            return issued + " requests (at most " + maxOutstanding + " unanswered at once), virtual " + Duration.between(VirtualTime.BASE, time.now()).toSeconds() + " s, "
                    + counts + ", prepare starts " + prepareStarts;
        }

        void violation(String what) {
            violations.add(time.now() + ": " + what);
        }

        /**
         * Runs the task after the delay, at an odd millisecond. The actors' timers here all have odd
         * delays and are started at odd times (by these tasks), so they fire at even ones: no task of
         * ours shares a millisecond with a timer, whose order the manual scheduler does not fix, and
         * the seeded run repeats itself exactly.
         */
        void at(Duration delay, Runnable task) {
            long now = Duration.between(VirtualTime.BASE, time.now()).toMillis();
            long due = now + Math.max(1, delay.toMillis());
            if (due % 2 == 0) {
                due++;
            }
            time.at(Duration.ofMillis(due - now), task);
        }

        Duration millis(int from, int to) {
            return Duration.ofMillis(from + rnd.nextInt(to - from + 1));
        }

        // ---- the driver ----

        void run() {
            at(Duration.ZERO, this::arrival);
            at(LEAF_TIME, this::newLeaf);
            at(Duration.ofSeconds(1), this::randomDeaths);
            Instant limit = time.now().plus(Duration.ofHours(6));
            while (issued < REQUESTS || outstanding > 0) {
                time.advance(Duration.ofSeconds(1));
                if (time.now().isAfter(limit)) {
                    violation("stalled with " + outstanding + " requests unanswered: " + summary());
                    break;
                }
            }
            running = false;
            time.advance(Duration.ofMinutes(10)); // nothing more may arrive
        }

        int burst;

        /** Requests arrive 25 ms apart on average, now and then in a burst of 400 a millisecond apart. */
        void arrival() {
            issue();
            maxOutstanding = Math.max(maxOutstanding, outstanding);
            if (burst == 0 && rnd.nextInt(1000) == 0) {
                burst = 400;
            }
            if (issued < REQUESTS) {
                long gap = burst > 0 ? 1 : (long) (-Math.log(1 - rnd.nextDouble()) * 25);
                burst = Math.max(0, burst - 1);
                at(Duration.ofMillis(gap), this::arrival);
            }
        }

        Pvf randomPvf() {
            int d = 1 + (rnd.nextInt(3) == 0 ? rnd.nextInt(15) : rnd.nextInt(PVFS)); // some are popular
            var params = new ExecutorParams(List.of(new ExecutorParam.PrecheckingMaxMemory((1L << 30) + rnd.nextInt(3))));
            return Jobs.pvf(d, params);
        }

        void issue() {
            int id = ++issued;
            Pvf pvf = randomPvf();
            double r = rnd.nextDouble();
            if (r < 0.10) {
                requests.put(id, new Req(id, "heads-up", false));
                // half of them for PVFs of a next session that nothing executes yet: those run at Background
                Pvf next = rnd.nextBoolean() ? pvf : Jobs.pvf(PVFS + 1 + rnd.nextInt(HEADS_UP_ONLY), pvf.executorParams());
                host.tell(new Host.HeadsUp(List.of(next)));
                return;
            }
            outstanding++;
            if (r < 0.25) {
                Req req = new Req(id, "precheck", true);
                requests.put(id, req);
                clients.tell(new SpawnCaller(ctx -> {
                    ActorRef<PrecheckOutcome> caller = ctx.spawnAnonymous(replies(req, PrecheckOutcome.class), INLINE);
                    req.caller = caller;
                    host.tell(new Host.Precheck(pvf, caller));
                }));
            } else {
                ExecKind kind = ExecKind.values()[rnd.nextInt(ExecKind.values().length)];
                BlockHash relayParent = kind.isBacking() && rnd.nextInt(10) < 7 ? Jobs.block(leaf - rnd.nextInt(6)) : null;
                Req req = new Req(id, kind + (relayParent != null ? " at " + relayParent.toString().substring(0, 8) : ""), true);
                requests.put(id, req);
                clients.tell(new SpawnCaller(ctx -> {
                    ActorRef<ValidationOutcome> caller = ctx.spawnAnonymous(replies(req, ValidationOutcome.class), INLINE);
                    req.caller = caller;
                    host.tell(new Host.Execute(pvf, new ValidationParams(new byte[0], new byte[] {1}, 1, new byte[32]), kind,
                            null, relayParent, caller));
                }));
            }
            if (rnd.nextInt(100) < 3) {
                at(millis(0, 3000), () -> cancel(requests.get(id)));
            }
        }

        <T> Behavior<T> replies(Req req, Class<T> type) {
            return Behaviors.receive(type).onAnyMessage(m -> {
                req.replies++;
                req.answer = m;
                if (req.replies == 1) {
                    outstanding--;
                    classify(m);
                } else {
                    violation("second answer to " + req);
                }
                return Behaviors.same();
            }).build();
        }

        void classify(Object answer) {
            if (answer instanceof ValidationOutcome.Deadline d) {
                count(d.detail().contains("overloaded") ? "overloaded" : "stale");
            } else if (answer == PrecheckOutcome.Valid.INSTANCE) {
                count("valid prechecks");
            } else {
                count(answer.getClass().getSimpleName());
            }
        }

        /** The caller goes away: by telling the host, or by stopping its reply actor (the host watches it). */
        void cancel(Req req) {
            if (req.replies > 0) {
                return;
            }
            count("cancelled");
            req.cancelledUnanswered = true;
            outstanding--;
            if (rnd.nextBoolean()) {
                host.tell(new Host.Cancel(req.caller));
            } else {
                clients.tell(new StopCaller(req.caller));
            }
        }

        void newLeaf() {
            if (!running) {
                return;
            }
            leaf++;
            var update = new ActiveLeavesUpdate(Jobs.block(leaf), List.of(Jobs.block(leaf - 1)));
            host.tell(new Host.UpdateActiveLeaves(update, List.of(Jobs.block(leaf - 1), Jobs.block(leaf - 2), Jobs.block(leaf - 3))));
            at(LEAF_TIME, this::newLeaf);
        }

        /** Now and then an idle worker dies: the pool reports it with Rip. */
        void randomDeaths() {
            if (!running) {
                return;
            }
            for (WorkerId w : List.copyOf(prepareAlive)) {
                if (!prepareBusy.containsKey(w) && rnd.nextInt(100) < 3) {
                    count("deaths");
                    prepareAlive.remove(w);
                    prepareEvents.tell(new PreparePool.Rip(w));
                }
            }
            for (WorkerId w : List.copyOf(executeAlive)) {
                if (!executeBusy.containsKey(w) && rnd.nextInt(100) < 3) {
                    count("deaths");
                    executeAlive.remove(w);
                    executeEvents.tell(new ExecutePool.Rip(w));
                }
            }
            at(Duration.ofSeconds(1), this::randomDeaths);
        }

        // ---- the fake prepare pool ----

        Behavior<PreparePool.Command> fakePreparePool() {
            return Behaviors.receive(PreparePool.Command.class)
                    .onMessage(PreparePool.Spawn.class, m -> {
                        prepareSpawn();
                        return Behaviors.same();
                    })
                    .onMessage(PreparePool.StartWork.class, m -> {
                        prepareStart(m.worker(), m.job());
                        return Behaviors.same();
                    })
                    .onMessage(PreparePool.Kill.class, m -> {
                        if (prepareBusy.containsKey(m.worker())) {
                            violation("killed busy " + m.worker());
                        } else if (prepareAlive.contains(m.worker())) {
                            count("idle prepare workers retired"); // over the soft cap, or idle for the timeout
                        }
                        prepareAlive.remove(m.worker());
                        return Behaviors.same();
                    })
                    .build();
        }

        void prepareSpawn() {
            prepareSpawning++;
            maxPrepareWorkers = Math.max(maxPrepareWorkers, prepareAlive.size() + prepareSpawning);
            if (prepareAlive.size() + prepareSpawning > HARD) {
                violation("prepare workers over the hard cap: " + prepareAlive.size() + " + " + prepareSpawning);
            }
            at(millis(50, 400), () -> {
                prepareSpawning--;
                if (rnd.nextInt(100) < 5) {
                    count("spawn failures");
                    prepareEvents.tell(new PreparePool.SpawnFailed("spawn timed out"));
                    return;
                }
                WorkerId w = new WorkerId("prepare", ++nextWorker);
                prepareAlive.add(w);
                prepareEvents.tell(new PreparePool.Spawned(w));
            });
        }

        void prepareStart(WorkerId w, PrepareJob job) {
            if (!prepareAlive.contains(w)) {
                prepareEvents.tell(new PreparePool.Rip(w)); // died before the job reached it
                return;
            }
            if (prepareBusy.containsKey(w)) {
                violation(w + " given a second job");
            }
            prepareStarts.merge(job.priority(), 1, Integer::sum);
            for (PreparePriority higher : PreparePriority.values()) {
                if (higher.compareTo(job.priority()) > 0 && prepareJobs.queued(higher) > 0) {
                    violation(job.priority() + " job started while " + prepareJobs.queued(higher) + " " + higher + " wait");
                }
            }
            if (!(table.state(job.id()).orElse(null) instanceof ArtifactState.Preparing)) {
                violation("preparing " + job.id() + " which the table does not show as Preparing");
            }
            prepareBusy.put(w, job);
            at(millis(100, 1500), () -> {
                prepareBusy.remove(w);
                int d = discriminator(job.id());
                PrepareOutcome outcome;
                boolean rip = false;
                int roll = rnd.nextInt(100);
                if (d % 37 == 0) {
                    outcome = new PrepareOutcome.Failure(new PrepareError(PrepareError.Kind.PREVALIDATION, "bad code"));
                } else if (roll < 3) {
                    outcome = new PrepareOutcome.Failure(new PrepareError(PrepareError.Kind.TIMED_OUT, "slow"));
                    rip = true;
                } else if (roll < 5) {
                    outcome = new PrepareOutcome.Failure(new PrepareError(PrepareError.Kind.JOB_DIED, "killed"));
                    rip = true;
                    count("deaths");
                } else {
                    HostTest.writeFile(job.artifactPath()); // as a prepare worker does
                    outcome = new PrepareOutcome.Success(job.artifactPath(), new byte[32], (1 + rnd.nextInt(20)) << 20, 1, 0, 0);
                }
                if (rip) {
                    prepareAlive.remove(w);
                }
                prepareEvents.tell(new PreparePool.Concluded(w, job, rip, outcome));
            });
        }

        final Map<String, Integer> discriminators = new HashMap<>();

        int discriminator(ArtifactId id) {
            if (discriminators.isEmpty()) {
                for (int d = 1; d <= PVFS + HEADS_UP_ONLY; d++) {
                    discriminators.put(Jobs.artifactId(d).codeHashHex(), d);
                }
            }
            return discriminators.get(id.codeHashHex());
        }

        // ---- the fake execute pool ----

        Behavior<ExecutePool.Command> fakeExecutePool() {
            return Behaviors.receive(ExecutePool.Command.class)
                    .onMessage(ExecutePool.Spawn.class, m -> {
                        executeSpawn(m);
                        return Behaviors.same();
                    })
                    .onMessage(ExecutePool.StartWork.class, m -> {
                        executeStart(m.worker(), m.job());
                        return Behaviors.same();
                    })
                    .onMessage(ExecutePool.Kill.class, m -> {
                        if (executeBusy.containsKey(m.worker())) {
                            violation("killed busy " + m.worker());
                        }
                        executeAlive.remove(m.worker());
                        return Behaviors.same();
                    })
                    .build();
        }

        void executeSpawn(ExecutePool.Spawn m) {
            executeSpawning++;
            maxExecuteWorkers = Math.max(maxExecuteWorkers, executeAlive.size() + executeSpawning);
            if (executeAlive.size() + executeSpawning > EXECUTE_WORKERS) {
                violation("execute workers over the cap: " + executeAlive.size() + " + " + executeSpawning);
            }
            at(millis(50, 300), () -> {
                executeSpawning--;
                if (rnd.nextInt(100) < 5) {
                    count("spawn failures");
                    executeEvents.tell(new ExecutePool.SpawnFailed(m.ticket(), "spawn timed out"));
                    return;
                }
                WorkerId w = new WorkerId("execute", ++nextWorker);
                executeAlive.add(w);
                binding.put(w, m.paramsHash());
                executeEvents.tell(new ExecutePool.Spawned(m.ticket(), w));
            });
        }

        void executeStart(WorkerId w, ExecuteJob job) {
            if (!executeAlive.contains(w)) {
                executeEvents.tell(new ExecutePool.Rip(w));
                return;
            }
            if (executeBusy.containsKey(w)) {
                violation(w + " given a second job");
            }
            if (!binding.get(w).equals(job.paramsHash())) {
                violation(w + " bound to " + binding.get(w) + " given a job with " + job.paramsHash());
            }
            if (!corrupted.contains(job.id()) && !(table.state(job.id()).orElse(null) instanceof ArtifactState.Prepared)) {
                violation("executing " + job.id() + " which is not prepared (pruned while in use?)");
            }
            executeBusy.put(w, job);
            at(millis(10, 200), () -> {
                executeBusy.remove(w);
                int roll = rnd.nextInt(100);
                ExecuteResult result;
                boolean rip = false;
                if (roll < 4) {
                    result = new ExecuteResult.WorkerFailed(WorkerException.Kind.DIED, "killed");
                    rip = true;
                    count("deaths");
                    if (job.kind().retriesAmbiguous()) {
                        count("ambiguous approval or dispute deaths");
                    }
                } else if (roll < 6) {
                    result = new ExecuteResult.Response(new Message.ExecuteResponse(Message.Status.TIMED_OUT, null, "slow", 2000));
                    rip = true;
                } else if (roll < 7) {
                    corrupted.add(job.id());
                    result = new ExecuteResult.Response(new Message.ExecuteResponse(Message.Status.CORRUPTED_ARTIFACT, null, "bad", 1));
                } else {
                    result = new ExecuteResult.Response(new Message.ExecuteResponse(Message.Status.INVALID, null, "bad block", 5));
                }
                if (rip) {
                    executeAlive.remove(w);
                }
                executeEvents.tell(new ExecutePool.Concluded(w, job, rip, result));
            });
        }
    }
}
