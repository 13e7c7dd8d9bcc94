package io.pvfhost.host;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Adapter;
import akka.testkit.ExplicitlyTriggeredScheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Virtual time for tests of a system started with {@code ManualTime.config()}: a {@link Clock} that
 * reads the manual scheduler's time, so the host's clock and its timers move together, and a way to
 * move time without {@code ManualTime.timePasses}' 100 ms real sleep (for simulations that move
 * time thousands of times and run every actor on the calling thread). Tasks scheduled here for the
 * same millisecond run in the order they were scheduled.
 */
public final class VirtualTime {
    /** Virtual time zero. */
    public static final Instant BASE = Instant.parse("2025-01-01T00:00:00Z");

    private final ExplicitlyTriggeredScheduler scheduler;
    private final Clock clock;
    private final java.util.Map<Long, java.util.ArrayDeque<Runnable>> buckets = new java.util.concurrent.ConcurrentHashMap<>();

    public VirtualTime(ActorSystem<?> system) {
        this.scheduler = (ExplicitlyTriggeredScheduler) Adapter.toClassic(system).scheduler();
        this.clock = new SchedulerClock(scheduler);
    }

    public Clock clock() {
        return clock;
    }

    public Instant now() {
        return clock.instant();
    }

    /**
     * Runs {@code task} on the thread that moves time, {@code delay} from now (at least 1 ms: the
     * manual scheduler runs a task due now at once, inside the call, even from a running task).
     */
    public void at(Duration delay, Runnable task) {
        Duration d = delay.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : delay;
        long due = scheduler.currentTimeMs() + d.toMillis();
        // the manual scheduler runs tasks due at the same millisecond in no fixed order; ours run
        // in the order they were scheduled, so a seeded simulation repeats itself
        java.util.ArrayDeque<Runnable> bucket = buckets.get(due);
        if (bucket == null) {
            bucket = new java.util.ArrayDeque<>();
            buckets.put(due, bucket);
            scheduler.scheduleOnce(d, () -> runBucket(due), scala.concurrent.ExecutionContext.global());
        }
        bucket.add(task);
    }

    private void runBucket(long due) {
        java.util.ArrayDeque<Runnable> bucket = buckets.remove(due);
        while (bucket != null && !bucket.isEmpty()) {
            bucket.poll().run();
        }
    }

    /**
     * Moves time forward by {@code d}, running every task due meanwhile in time order on this
     * thread (with the clock at each task's time), and leaves the clock at now + d.
     */
    public void advance(Duration d) {
        if (d.toMillis() < 1) {
            throw new IllegalArgumentException("advance by at least 1 ms");
        }
        long target = scheduler.currentTimeMs() + d.toMillis();
        at(d, () -> { }); // the last task due sets the scheduler's time to the target
        scheduler.executeTasks(target);
    }

    private static final class SchedulerClock extends Clock {
        private final ExplicitlyTriggeredScheduler scheduler;

        SchedulerClock(ExplicitlyTriggeredScheduler scheduler) {
            this.scheduler = scheduler;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return BASE.plusMillis(scheduler.currentTimeMs());
        }
    }
}
