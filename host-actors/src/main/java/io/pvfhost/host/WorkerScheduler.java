package io.pvfhost.host;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pure decisions of a queue that feeds a pool of workers: which job goes to which idle
 * worker, when to spawn, when to retire. No actors, no time: the queue actors turn the returned
 * {@link Action}s into messages, and tests drive it directly.
 *
 * @param <J> a job
 */
public final class WorkerScheduler<J> {

    /** The parts that differ between preparation and execution. */
    public interface Policy<J> {
        /** The job that should run next, without removing it. */
        Optional<J> peek();

        /**
         * The job at {@code position} in run order (0 is the one {@link #peek()} shows), if that many
         * are queued. The scheduler asks for the first job no starting worker will take, so that a
         * spawn is judged by the job it will serve. The default looks only at the head: override it
         * when {@link #maySpawn} depends on the job.
         */
        default Optional<J> peekAt(int position) {
            return position < queued() ? peek() : Optional.empty();
        }

        /** Removes and returns the job {@link #peek()} showed. */
        J take();

        int queued();

        /** May a worker be spawned for this job, with {@code workers} alive or starting? */
        boolean maySpawn(int workers, J job);

        /**
         * Should a worker that just finished (or came up with nothing to do) be retired, with
         * {@code workers} alive or starting?
         */
        boolean retireAfterJob(int workers);

        /** Puts back a job whose worker vanished before it started: it goes first in its turn. */
        void putBack(J job);
    }

    public sealed interface Action<J> {}

    public record Spawn<J>() implements Action<J> {}

    public record Start<J>(WorkerId worker, J job) implements Action<J> {}

    public record Kill<J>(WorkerId worker) implements Action<J> {}

    private final Policy<J> policy;
    private final LinkedHashSet<WorkerId> idle = new LinkedHashSet<>();
    private final Map<WorkerId, J> busy = new LinkedHashMap<>();
    private int spawning;

    public WorkerScheduler(Policy<J> policy) {
        this.policy = policy;
    }

    public int workers() {
        return idle.size() + busy.size();
    }

    public int spawning() {
        return spawning;
    }

    public int busyCount() {
        return busy.size();
    }

    /** A new job was queued in the policy. */
    public List<Action<J>> onEnqueued() {
        return schedule();
    }

    /**
     * A worker came up. It takes the next job; with nothing to do it stays idle, unless the workers
     * alive and starting are over the policy's retirement line, when it is retired at once.
     */
    public List<Action<J>> onSpawned(WorkerId w) {
        spawning = Math.max(0, spawning - 1);
        idle.add(w);
        List<Action<J>> actions = schedule();
        if (idle.contains(w) && policy.retireAfterJob(workers() + spawning)) {
            idle.remove(w);
            actions.add(new Kill<>(w));
        }
        return actions;
    }

    /** Spawning failed; the caller decides when to try again by calling {@link #schedule()}. */
    public void onSpawnFailed() {
        spawning = Math.max(0, spawning - 1);
    }

    /**
     * A worker finished its job; {@code rip} when it died or must not be reused. A worker this
     * scheduler does not know as busy (it was reported dead before) is ignored.
     *
     * <p>A worker is retired when the workers alive and starting are over the policy's line (as the
     * reference counts them), unless a waiting job would get a new worker at once anyway.
     */
    public List<Action<J>> onConcluded(WorkerId w, boolean rip) {
        if (busy.remove(w) == null) {
            return new ArrayList<>();
        }
        List<Action<J>> actions = new ArrayList<>();
        if (rip) {
            actions.add(new Kill<>(w));
        } else if (policy.retireAfterJob(workers() + 1 + spawning) && !maySpawnForWaitingJob()) {
            // retire, unless a waiting job would get a new worker at once anyway: killing this one
            // and spawning a replacement would only cost a process start
            actions.add(new Kill<>(w));
        } else {
            idle.add(w);
        }
        actions.addAll(schedule());
        return actions;
    }

    /**
     * A worker died outside a job: idle, or before the job it was given reached it. It is
     * forgotten; its job, if any, goes back to the front of its turn; a replacement is spawned only
     * if there is work for it.
     */
    public List<Action<J>> onRip(WorkerId w) {
        idle.remove(w);
        J job = busy.remove(w);
        if (job != null) {
            policy.putBack(job);
        }
        return schedule();
    }

    /**
     * The worker has been idle as long as the policy keeps idle workers: it is retired, unless it
     * took a job since (then this is stale and does nothing). Waiting jobs cannot be stranded by
     * it: a worker is idle only while nothing is queued.
     */
    public List<Action<J>> onIdleTimeout(WorkerId w) {
        List<Action<J>> actions = new ArrayList<>();
        if (idle.remove(w)) {
            actions.add(new Kill<>(w));
        }
        return actions;
    }

    public boolean isIdle(WorkerId w) {
        return idle.contains(w);
    }

    /** The job the given worker is running, if it is busy. */
    public Optional<J> jobOf(WorkerId w) {
        return Optional.ofNullable(busy.get(w));
    }

    public List<Action<J>> schedule() {
        List<Action<J>> actions = new ArrayList<>();
        while (policy.queued() > 0) {
            if (!idle.isEmpty()) {
                WorkerId w = idle.iterator().next();
                idle.remove(w);
                J job = policy.take();
                busy.put(w, job);
                actions.add(new Start<>(w, job));
                continue;
            }
            // spawn only for jobs no starting worker will take, judged by the job it will serve
            if (maySpawnForWaitingJob()) {
                spawning++;
                actions.add(new Spawn<>());
                continue;
            }
            break;
        }
        return actions;
    }

    /**
     * Whether the policy allows one more worker for the first queued job that no worker being
     * spawned will take (those take the jobs ahead of it).
     */
    private boolean maySpawnForWaitingJob() {
        if (spawning >= policy.queued()) {
            return false;
        }
        Optional<J> job = policy.peekAt(spawning);
        return job.isPresent() && policy.maySpawn(workers() + spawning, job.get());
    }

    /** All workers, for shutdown. */
    public List<WorkerId> allWorkers() {
        List<WorkerId> all = new ArrayList<>(idle);
        all.addAll(busy.keySet());
        return all;
    }
}
