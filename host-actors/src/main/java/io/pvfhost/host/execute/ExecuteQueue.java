package io.pvfhost.host.execute;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import io.pvfhost.host.ActiveLeavesUpdate;
import io.pvfhost.host.BlockHash;
import io.pvfhost.host.HostMetrics;
import io.pvfhost.host.HostSettings;
import io.pvfhost.host.LogContext;
import io.pvfhost.worker.execute.ExecuteWorker;
import io.pvfhost.worker.host.WorkerException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Queues executions of prepared artifacts and hands them to execute workers. The decisions are
 * {@link ExecuteScheduler} (the reference's execute queue: priorities by kind in windows of 12,
 * workers bound to executor parameters, stale backing jobs dropped); this actor moves messages
 * between the host, the decisions and the {@link ExecutePool}.
 *
 * <p>Promises: every {@link Enqueue} is answered by exactly one {@link Finished} to the host, even
 * when no worker can be started or the job is dropped as stale, unless the host cancelled it
 * before it started ({@link Cancel}: then nothing is answered). A spawn that fails is tried again
 * after the spawn retry delay with its job still bound; after {@code maxSpawnFailures} failures in
 * a row the job goes back to the queue when workers are alive, and is failed (with every waiting
 * job) when none is.
 */
public final class ExecuteQueue extends AbstractBehavior<ExecuteQueue.Command> {

    public sealed interface Command {}

    public record Enqueue(ExecuteJob job) implements Command {}

    /** The caller went away: drop the job if it has not started. No answer follows for it. */
    public record Cancel(long requestId) implements Command {}

    /** The relay chain moved: remember the leaves and drop backing jobs that went stale. */
    public record UpdateActiveLeaves(ActiveLeavesUpdate update, List<BlockHash> ancestors) implements Command {}

    public sealed interface Event {}

    public record Finished(ExecuteJob job, ExecuteResult result) implements Event {}

    private record FromPool(ExecutePool.Event event) implements Command {}

    private record RetrySpawn(long ticket) implements Command {}

    /**
     * Worker cap and the timing of the decisions.
     *
     * @param keptArtifacts how many artifacts each worker keeps loaded (its {@code --kept-artifacts})
     */
    public record Limits(int maxWorkers, Duration maxKeepWaiting, Duration spawnRetryDelay, int maxSpawnFailures,
            int keptArtifacts) {
        public Limits(int maxWorkers, Duration maxKeepWaiting, Duration spawnRetryDelay, int maxSpawnFailures) {
            this(maxWorkers, maxKeepWaiting, spawnRetryDelay, maxSpawnFailures, ExecuteWorker.DEFAULT_KEPT_ARTIFACTS);
        }

        public static Limits of(HostSettings s) {
            return new Limits(s.executeWorkersMax(), s.executeMaxKeepWaiting(), s.spawnRetryDelay(), s.maxSpawnFailures(),
                    s.executeKeptArtifacts());
        }

        ExecuteScheduler scheduler() {
            return new ExecuteScheduler(maxWorkers, maxKeepWaiting, keptArtifacts);
        }
    }

    private final ActorRef<Event> host;
    private final ActorRef<ExecutePool.Command> pool;
    private final TimerScheduler<Command> timers;
    private final Clock clock;
    private final Limits limits;
    private final ExecuteScheduler scheduler;
    private final HostMetrics metrics;
    private final Map<Long, Integer> spawnFailures = new HashMap<>();
    /** When each job not yet handed to a worker was enqueued, by request id (for the queued time). */
    private final Map<Long, Instant> enqueuedAt = new HashMap<>();

    /** The pool is created by the factory so tests can pass a probe instead. */
    public interface PoolFactory {
        ActorRef<ExecutePool.Command> create(ActorContext<Command> ctx, ActorRef<ExecutePool.Event> events);
    }

    public static Behavior<Command> create(Limits limits, Clock clock, ActorRef<Event> host, PoolFactory poolFactory) {
        return create(limits.scheduler(), limits, clock, host, poolFactory);
    }

    public static Behavior<Command> create(Limits limits, Clock clock, HostMetrics metrics, ActorRef<Event> host,
            PoolFactory poolFactory) {
        return create(limits.scheduler(), limits, clock, metrics, host, poolFactory);
    }

    /** With the decisions passed in, so a simulation can look at them between messages. */
    public static Behavior<Command> create(ExecuteScheduler scheduler, Limits limits, Clock clock, ActorRef<Event> host,
            PoolFactory poolFactory) {
        return create(scheduler, limits, clock, HostMetrics.none(), host, poolFactory);
    }

    /** With the metrics to count into. */
    public static Behavior<Command> create(ExecuteScheduler scheduler, Limits limits, Clock clock, HostMetrics metrics,
            ActorRef<Event> host, PoolFactory poolFactory) {
        return Behaviors.withMdc(Command.class, ExecuteQueue::mdc,
                Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new ExecuteQueue(ctx, timers, scheduler, limits, clock, metrics,
                        host, poolFactory))));
    }

    private static Map<String, String> mdc(Command c) {
        if (c instanceof Enqueue e) {
            return LogContext.of(e.job().id(), e.job().kind());
        }
        if (c instanceof FromPool f && f.event() instanceof ExecutePool.Concluded done) {
            return LogContext.of(done.job().id(), done.job().kind());
        }
        return Map.of();
    }

    private ExecuteQueue(ActorContext<Command> ctx, TimerScheduler<Command> timers, ExecuteScheduler scheduler, Limits limits,
            Clock clock, HostMetrics metrics, ActorRef<Event> host, PoolFactory poolFactory) {
        super(ctx);
        ctx.setLoggerName(ExecuteQueue.class); // not the wrapping behaviors' classes
        this.metrics = metrics;
        this.timers = timers;
        this.host = host;
        this.clock = clock;
        this.limits = limits;
        this.scheduler = scheduler;
        this.pool = poolFactory.create(ctx, ctx.messageAdapter(ExecutePool.Event.class, FromPool::new));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Enqueue.class, this::onEnqueue)
                .onMessage(Cancel.class, this::onCancel)
                .onMessage(UpdateActiveLeaves.class, m -> act(scheduler.updateActiveLeaves(m.update(), m.ancestors())))
                .onMessage(FromPool.class, this::onPool)
                .onMessage(RetrySpawn.class, m -> act(scheduler.respawn(m.ticket())))
                .build();
    }

    private Behavior<Command> onEnqueue(Enqueue m) {
        Instant now = clock.instant();
        metrics.executeEnqueued();
        enqueuedAt.put(m.job().requestId(), now);
        return act(scheduler.enqueue(m.job(), now));
    }

    /** Answers the host for a job; every {@link Enqueue} ends here once (unless cancelled: see {@link #onCancel}). */
    private void finish(ExecuteJob job, ExecuteResult result) {
        enqueuedAt.remove(job.requestId());
        metrics.executeFinished();
        host.tell(new Finished(job, result));
    }

    private Behavior<Command> onCancel(Cancel m) {
        if (scheduler.cancel(m.requestId())) {
            enqueuedAt.remove(m.requestId());
            metrics.executeFinished(); // it left the pipeline, unanswered as the host asked
            getContext().getLog().debug("execution of request {} cancelled before it started", m.requestId());
        }
        return this;
    }

    private Behavior<Command> onPool(FromPool m) {
        ExecutePool.Event e = m.event();
        if (e instanceof ExecutePool.Spawned s) {
            spawnFailures.remove(s.ticket());
            return act(scheduler.onSpawned(s.ticket(), s.worker(), clock.instant()));
        }
        if (e instanceof ExecutePool.SpawnFailed f) {
            return onSpawnFailed(f);
        }
        if (e instanceof ExecutePool.Concluded c) {
            if (!scheduler.isRunning(c.worker(), c.job().requestId())) {
                return this; // not a job we gave out (its worker was reported dead before)
            }
            finish(c.job(), c.result());
            return act(scheduler.onConcluded(c.worker(), c.rip(), ExecuteResult.workerKeepsArtifact(c.result()),
                    clock.instant()));
        }
        if (e instanceof ExecutePool.Rip r) {
            return act(scheduler.onRip(r.worker(), clock.instant()));
        }
        return this;
    }

    private Behavior<Command> onSpawnFailed(ExecutePool.SpawnFailed f) {
        int failures = spawnFailures.merge(f.ticket(), 1, Integer::sum);
        if (failures < limits.maxSpawnFailures()) {
            timers.startSingleTimer(new RetrySpawn(f.ticket()), limits.spawnRetryDelay());
            return this;
        }
        spawnFailures.remove(f.ticket());
        if (scheduler.workers() > 0) {
            // workers are alive: the job waits for one of them instead
            scheduler.abandonSpawn(f.ticket(), true);
            return act(scheduler.tryAssignNextJob(null, clock.instant()));
        }
        getContext().getLog().warn("{} execute worker starts failed in a row and none is alive; failing the waiting jobs", failures);
        var failure = new ExecuteResult.WorkerFailed(WorkerException.Kind.SPAWN_FAILED, "cannot start an execute worker: " + f.reason());
        scheduler.abandonSpawn(f.ticket(), false).ifPresent(j -> finish(j, failure));
        for (ExecuteJob j : scheduler.drainQueued()) {
            finish(j, failure);
        }
        return this;
    }

    private Behavior<Command> act(List<ExecuteScheduler.Action> actions) {
        for (var a : actions) {
            if (a instanceof ExecuteScheduler.Spawn s) {
                pool.tell(new ExecutePool.Spawn(s.ticket(), s.paramsHash()));
            } else if (a instanceof ExecuteScheduler.Start s) {
                Instant since = enqueuedAt.remove(s.job().requestId());
                if (since != null) {
                    // the first start only: a job given back after its worker died is not counted twice
                    metrics.executionQueuedTime(Duration.between(since, clock.instant()));
                    metrics.execKindSelected(s.job().kind());
                }
                pool.tell(new ExecutePool.StartWork(s.worker(), s.job()));
            } else if (a instanceof ExecuteScheduler.Kill k) {
                pool.tell(new ExecutePool.Kill(k.worker()));
            } else if (a instanceof ExecuteScheduler.Drop d) {
                // a stale backing job is routine while the relay chain moves on: not worth more than debug
                getContext().getLog().debug("dropping {}: {}", d.job(), d.reason());
                finish(d.job(), new ExecuteResult.Dropped(d.reason()));
            }
        }
        return this;
    }
}
