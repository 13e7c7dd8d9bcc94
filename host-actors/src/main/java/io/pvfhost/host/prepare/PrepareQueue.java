package io.pvfhost.host.prepare;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import io.pvfhost.artifacts.ArtifactId;
import io.pvfhost.common.error.PrepareError;
import io.pvfhost.host.HostMetrics;
import io.pvfhost.host.HostSettings;
import io.pvfhost.host.LogContext;
import io.pvfhost.host.PreparePriority;
import io.pvfhost.host.WorkerId;
import io.pvfhost.host.WorkerScheduler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Orders preparation jobs by priority and hands them to prepare workers (reference section 3).
 * The decisions are {@link PrepareJobQueue} and {@link WorkerScheduler}; this actor moves
 * messages between the host, the decisions and the {@link PreparePool}.
 *
 * <p>Promises: every {@link Enqueue} is answered by exactly one {@link Prepared} to the host. A
 * worker that fails to start is tried again after the spawn retry delay; when starts keep failing
 * and no worker is alive, the waiting jobs are failed with a transient error rather than left
 * waiting. A worker that dies before its job reached it gives the job back to the front of its
 * priority level; a replacement is spawned only when there is work. A worker left idle for the
 * idle timeout is retired (the reference runs each preparation in a process of its own, so its
 * idle workers hold little; ours keep the heap their last preparation grew to).
 */
public final class PrepareQueue extends AbstractBehavior<PrepareQueue.Command> {

    public sealed interface Command {}

    /** Prepare this artifact (the host sends each artifact once until it hears back). */
    public record Enqueue(PrepareJob job) implements Command {}

    /** Raise the priority of a queued job; ignored when lower or when the job already runs. */
    public record AmendPriority(ArtifactId id, PreparePriority priority) implements Command {}

    public sealed interface Event {}

    public record Prepared(PrepareJob job, PrepareOutcome outcome) implements Event {}

    private record FromPool(PreparePool.Event event) implements Command {}

    private enum RetrySpawn implements Command { INSTANCE }

    /** A worker's idle timer went off; also the timer's key, one per worker. */
    private record IdleTimeout(WorkerId worker) implements Command {}

    /**
     * Worker caps, the spawn retry policy, and how long a worker may stay idle before it is
     * retired (empty: never).
     */
    public record Limits(int softMax, int hardMax, Duration spawnRetryDelay, int maxSpawnFailures,
            Optional<Duration> workerIdleTimeout) {
        /** Idle workers kept for good, as the reference keeps them. */
        public Limits(int softMax, int hardMax, Duration spawnRetryDelay, int maxSpawnFailures) {
            this(softMax, hardMax, spawnRetryDelay, maxSpawnFailures, Optional.empty());
        }

        public static Limits of(HostSettings s) {
            return new Limits(s.prepareWorkersSoftMax(), s.prepareWorkersHardMax(), s.spawnRetryDelay(), s.maxSpawnFailures(),
                    s.prepareWorkerIdleTimeout());
        }
    }

    private final ActorRef<Event> host;
    private final ActorRef<PreparePool.Command> pool;
    private final TimerScheduler<Command> timers;
    private final PrepareJobQueue queue;
    private final WorkerScheduler<PrepareJob> scheduler;
    private final Limits limits;
    private final HostMetrics metrics;
    private int spawnFailures;

    /** The pool is created by the factory so tests can pass a probe instead. */
    public interface PoolFactory {
        ActorRef<PreparePool.Command> create(ActorContext<Command> ctx, ActorRef<PreparePool.Event> events);
    }

    public static Behavior<Command> create(Limits limits, ActorRef<Event> host, PoolFactory poolFactory) {
        return create(new PrepareJobQueue(limits.softMax(), limits.hardMax()), limits, host, poolFactory);
    }

    public static Behavior<Command> create(Limits limits, HostMetrics metrics, ActorRef<Event> host, PoolFactory poolFactory) {
        return create(new PrepareJobQueue(limits.softMax(), limits.hardMax()), limits, metrics, host, poolFactory);
    }

    /** With the decisions passed in, so a simulation can look at the queue between messages. */
    public static Behavior<Command> create(PrepareJobQueue queue, Limits limits, ActorRef<Event> host, PoolFactory poolFactory) {
        return create(queue, limits, HostMetrics.none(), host, poolFactory);
    }

    /** With the metrics to count into. */
    public static Behavior<Command> create(PrepareJobQueue queue, Limits limits, HostMetrics metrics, ActorRef<Event> host,
            PoolFactory poolFactory) {
        return Behaviors.withMdc(Command.class, PrepareQueue::mdc,
                Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new PrepareQueue(ctx, timers, queue, limits, metrics, host,
                        poolFactory))));
    }

    private static Map<String, String> mdc(Command c) {
        if (c instanceof Enqueue e) {
            return LogContext.of(e.job().id(), LogContext.PREPARE);
        }
        if (c instanceof FromPool f && f.event() instanceof PreparePool.Concluded done) {
            return LogContext.of(done.job().id(), LogContext.PREPARE);
        }
        return Map.of();
    }

    private PrepareQueue(ActorContext<Command> ctx, TimerScheduler<Command> timers, PrepareJobQueue queue, Limits limits,
            HostMetrics metrics, ActorRef<Event> host, PoolFactory poolFactory) {
        super(ctx);
        ctx.setLoggerName(PrepareQueue.class); // not the wrapping behaviors' classes
        this.metrics = metrics;
        this.timers = timers;
        this.host = host;
        this.limits = limits;
        this.queue = queue;
        this.scheduler = new WorkerScheduler<>(queue);
        this.pool = poolFactory.create(ctx, ctx.messageAdapter(PreparePool.Event.class, FromPool::new));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Enqueue.class, this::onEnqueue)
                .onMessage(AmendPriority.class, this::onAmend)
                .onMessage(FromPool.class, this::onPool)
                .onMessageEquals(RetrySpawn.INSTANCE, () -> act(scheduler.schedule()))
                .onMessage(IdleTimeout.class, this::onIdleTimeout)
                .build();
    }

    private Behavior<Command> onEnqueue(Enqueue m) {
        metrics.prepareEnqueued();
        queue.add(m.job());
        return act(scheduler.onEnqueued());
    }

    private Behavior<Command> onAmend(AmendPriority m) {
        if (queue.raise(m.id(), m.priority())) {
            // a job raised to Critical may spawn beyond the soft cap
            return act(scheduler.schedule());
        }
        return this;
    }

    private Behavior<Command> onPool(FromPool m) {
        PreparePool.Event e = m.event();
        if (e instanceof PreparePool.Spawned s) {
            spawnFailures = 0;
            act(scheduler.onSpawned(s.worker()));
            return whenIdleStartTimer(s.worker());
        }
        if (e instanceof PreparePool.SpawnFailed f) {
            return onSpawnFailed(f);
        }
        if (e instanceof PreparePool.Concluded c) {
            if (scheduler.jobOf(c.worker()).isEmpty()) {
                // not a job we gave out (its worker was reported dead before): nothing to answer
                return this;
            }
            conclude(c.job(), c.outcome());
            act(scheduler.onConcluded(c.worker(), c.rip()));
            return whenIdleStartTimer(c.worker());
        }
        if (e instanceof PreparePool.Rip r) {
            timers.cancel(new IdleTimeout(r.worker()));
            return act(scheduler.onRip(r.worker()));
        }
        return this;
    }

    private Behavior<Command> onIdleTimeout(IdleTimeout m) {
        var actions = scheduler.onIdleTimeout(m.worker());
        if (!actions.isEmpty()) {
            getContext().getLog().debug("retiring prepare worker {}: idle for {}", m.worker(), limits.workerIdleTimeout().get());
        }
        return act(actions);
    }

    private Behavior<Command> onSpawnFailed(PreparePool.SpawnFailed f) {
        scheduler.onSpawnFailed();
        spawnFailures++;
        if (spawnFailures >= limits.maxSpawnFailures() && scheduler.workers() == 0 && scheduler.spawning() == 0) {
            // no worker can be had: answer every waiting job rather than leave it hanging
            getContext().getLog().warn("{} prepare worker starts failed in a row; failing {} queued jobs", spawnFailures,
                    queue.queued());
            while (queue.queued() > 0) {
                conclude(queue.take(), new PrepareOutcome.Failure(
                        new PrepareError(PrepareError.Kind.KERNEL, "cannot start a prepare worker: " + f.reason())));
            }
            spawnFailures = 0;
            return this;
        }
        if (!timers.isTimerActive(RetrySpawn.INSTANCE)) {
            timers.startSingleTimer(RetrySpawn.INSTANCE, limits.spawnRetryDelay());
        }
        return this;
    }

    /**
     * Workers become idle only on coming up or concluding, so the timer starts there; a worker that
     * takes a job before it goes off makes it stale ({@link WorkerScheduler#onIdleTimeout}), and the
     * next idle spell starts it again (a timer with the same key replaces the old one).
     */
    private Behavior<Command> whenIdleStartTimer(WorkerId worker) {
        if (limits.workerIdleTimeout().isPresent() && scheduler.isIdle(worker)) {
            IdleTimeout t = new IdleTimeout(worker);
            timers.startSingleTimer(t, t, limits.workerIdleTimeout().get());
        }
        return this;
    }

    /** Answers the host for a job; every {@link Enqueue} ends here once. */
    private void conclude(PrepareJob job, PrepareOutcome outcome) {
        metrics.prepareConcluded();
        host.tell(new Prepared(job, outcome));
    }

    private Behavior<Command> act(List<WorkerScheduler.Action<PrepareJob>> actions) {
        for (var a : actions) {
            if (a instanceof WorkerScheduler.Spawn<PrepareJob>) {
                pool.tell(new PreparePool.Spawn());
            } else if (a instanceof WorkerScheduler.Start<PrepareJob> s) {
                pool.tell(new PreparePool.StartWork(s.worker(), s.job()));
            } else if (a instanceof WorkerScheduler.Kill<PrepareJob> k) {
                timers.cancel(new IdleTimeout(k.worker()));
                pool.tell(new PreparePool.Kill(k.worker()));
            }
        }
        return this;
    }
}
