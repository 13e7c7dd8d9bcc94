package io.pvfhost.host.execute;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import io.pvfhost.host.WorkerScheduler;
import io.pvfhost.worker.host.WorkerException;
import java.time.Duration;
import java.util.List;

/**
 * Queues executions of prepared artifacts and hands them to execute workers.
 *
 * <p>Promises: every {@link Enqueue} is answered by exactly one {@link Finished} to the host,
 * even when no worker can be started.
 */
public final class ExecuteQueue extends AbstractBehavior<ExecuteQueue.Command> {

    public sealed interface Command {}

    public record Enqueue(ExecuteJob job) implements Command {}

    public sealed interface Event {}

    public record Finished(ExecuteJob job, ExecuteResult result) implements Event {}

    private record FromPool(ExecutePool.Event event) implements Command {}

    private enum RetrySpawn implements Command { INSTANCE }

    static final int MAX_SPAWN_FAILURES = 3;
    static final Duration SPAWN_RETRY_DELAY = Duration.ofMillis(500);

    private final ActorRef<Event> host;
    private final ActorRef<ExecutePool.Command> pool;
    private final TimerScheduler<Command> timers;
    private final ExecuteJobQueue queue;
    private final WorkerScheduler<ExecuteJob> scheduler;
    private int spawnFailures;

    /** The pool is created by the factory so tests can pass a probe instead. */
    public interface PoolFactory {
        ActorRef<ExecutePool.Command> create(ActorContext<Command> ctx, ActorRef<ExecutePool.Event> events);
    }

    public static Behavior<Command> create(int maxWorkers, ActorRef<Event> host, PoolFactory poolFactory) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new ExecuteQueue(ctx, timers, maxWorkers, host, poolFactory)));
    }

    private ExecuteQueue(ActorContext<Command> ctx, TimerScheduler<Command> timers, int maxWorkers,
            ActorRef<Event> host, PoolFactory poolFactory) {
        super(ctx);
        this.timers = timers;
        this.host = host;
        this.queue = new ExecuteJobQueue(maxWorkers);
        this.scheduler = new WorkerScheduler<>(queue);
        this.pool = poolFactory.create(ctx, ctx.messageAdapter(ExecutePool.Event.class, FromPool::new));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Enqueue.class, this::onEnqueue)
                .onMessage(FromPool.class, this::onPool)
                .onMessage(RetrySpawn.class, m -> act(scheduler.schedule()))
                .build();
    }

    private Behavior<Command> onEnqueue(Enqueue m) {
        queue.add(m.job());
        return act(scheduler.onEnqueued());
    }

    private Behavior<Command> onPool(FromPool m) {
        ExecutePool.Event e = m.event();
        if (e instanceof ExecutePool.Spawned s) {
            spawnFailures = 0;
            return act(scheduler.onSpawned(s.worker()));
        }
        if (e instanceof ExecutePool.SpawnFailed f) {
            scheduler.onSpawnFailed();
            spawnFailures++;
            if (spawnFailures >= MAX_SPAWN_FAILURES && scheduler.workers() == 0 && scheduler.spawning() == 0) {
                while (queue.queued() > 0) {
                    host.tell(new Finished(queue.take(), new ExecuteResult.WorkerFailed(WorkerException.Kind.SPAWN_FAILED,
                            "cannot start an execute worker: " + f.reason())));
                }
                spawnFailures = 0;
                return this;
            }
            timers.startSingleTimer(RetrySpawn.INSTANCE, SPAWN_RETRY_DELAY);
            return this;
        }
        if (e instanceof ExecutePool.Concluded c) {
            host.tell(new Finished(c.job(), c.result()));
            return act(scheduler.onConcluded(c.worker(), c.rip()));
        }
        if (e instanceof ExecutePool.Rip r) {
            return act(scheduler.onRip(r.worker()));
        }
        return this;
    }

    private Behavior<Command> act(List<WorkerScheduler.Action<ExecuteJob>> actions) {
        for (var a : actions) {
            if (a instanceof WorkerScheduler.Spawn<ExecuteJob>) {
                pool.tell(new ExecutePool.Spawn());
            } else if (a instanceof WorkerScheduler.Start<ExecuteJob> s) {
                pool.tell(new ExecutePool.StartWork(s.worker(), s.job()));
            } else if (a instanceof WorkerScheduler.Kill<ExecuteJob> k) {
                pool.tell(new ExecutePool.Kill(k.worker()));
            }
        }
        return this;
    }
}
