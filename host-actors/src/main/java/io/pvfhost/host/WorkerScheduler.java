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

        /** Should a worker that just finished be retired, with {@code workers} alive? */
        boolean retireAfterJob(int workers);
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

    public List<Action<J>> onSpawned(WorkerId w) {
        spawning = Math.max(0, spawning - 1);
        idle.add(w);
        return schedule();
    }

    /** Spawning failed; the caller decides when to try again by calling {@link #schedule()}. */
    public void onSpawnFailed() {
        spawning = Math.max(0, spawning - 1);
    }

    /** A worker finished its job; {@code rip} when it died or must not be reused. */
    public List<Action<J>> onConcluded(WorkerId w, boolean rip) {
        busy.remove(w);
        List<Action<J>> actions = new ArrayList<>();
        if (rip) {
            actions.add(new Kill<>(w));
        } else if (policy.retireAfterJob(workers() + 1) && !maySpawnForWaitingJob()) {
            // retire, unless a waiting job would get a new worker at once anyway: killing this one
            // and spawning a replacement would only cost a process start
            actions.add(new Kill<>(w));
        } else {
            idle.add(w);
        }
        actions.addAll(schedule());
        return actions;
    }

    /** An idle worker died; it is forgotten and more may be spawned. */
    public List<Action<J>> onRip(WorkerId w) {
        idle.remove(w);
        return schedule();
    }

    /** Jobs the given worker was running when it vanished (so the queue can answer for it). */
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
