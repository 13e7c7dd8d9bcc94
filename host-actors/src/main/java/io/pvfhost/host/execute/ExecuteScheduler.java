package io.pvfhost.host.execute;

import io.pvfhost.common.Hex;
import io.pvfhost.host.ActiveLeaves;
import io.pvfhost.host.ActiveLeavesUpdate;
import io.pvfhost.host.BlockHash;
import io.pvfhost.host.ExecKind;
import io.pvfhost.host.WorkerId;
import io.pvfhost.worker.execute.ExecuteWorker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pure decisions of the execute queue: which waiting job runs next and on which worker. A port
 * of the reference's execute queue ({@code try_assign_next_job}, {@code Workers}; polkadot-sdk
 * {@code polkadot/node/core/pvf/src/execute/queue.rs}); the actor turns the returned
 * {@link Action}s into messages.
 *
 * <p>Each call assigns at most one job, as in the reference:
 * <ol>
 *   <li>the kind comes from {@link ExecuteJobQueue#selectNextPriority()}; its eldest job is the
 *       candidate;
 *   <li>while that job has waited less than {@code maxKeepWaiting}, a worker that just finished
 *       takes the first job of the kind with its own executor parameters instead;
 *   <li>otherwise an idle worker bound to the job's parameters takes it; failing that, an idle
 *       worker bound to other parameters is killed, and a worker is spawned for the job (never
 *       beyond the capacity). A worker is never spawned idle: the job is bound to the spawn.
 * </ol>
 * Among idle workers for a job's parameters, one that has the job's artifact loaded takes it (not
 * in the reference, whose worker loads its artifact for every job; here a worker keeps the last
 * {@code keptArtifacts} it ran loaded, and loading the largest runtime again costs 15-70 ms). This
 * changes only which idle worker runs a job, never which job runs next; a worker that has just
 * finished still takes a queued job of its own parameters first (step 2), as in the reference.
 * Workers are bound to the executor-params hash of the job they were spawned for and run only
 * jobs with that hash. Backing jobs whose relay parent is not viable ({@link ActiveLeaves}) are
 * dropped: at enqueue, when the leaves change, and when their spawned worker comes up.
 *
 * <p>Not thread-safe: one owner.
 */
public final class ExecuteScheduler {

    public sealed interface Action {}

    /** Run the job on the (idle, matching) worker. */
    public record Start(WorkerId worker, ExecuteJob job) implements Action {}

    /** Spawn a worker bound to the hash; its job is kept here and started when it comes up. */
    public record Spawn(long ticket, ExecutorParamsHash paramsHash) implements Action {}

    /** Kill the idle worker (retired to make room for other parameters). */
    public record Kill(WorkerId worker) implements Action {}

    /** Answer the job without running it. */
    public record Drop(ExecuteJob job, String reason) implements Action {}

    private static final class WorkerData {
        final ExecutorParamsHash hash;
        ExecuteJobQueue.Queued job; // null while idle
        /**
         * Checksums of the artifacts it ran last, most recent last: what the worker keeps loaded
         * (it keeps them least recently used first, as here). Recorded when a job starts, taken out
         * when the job ended without the artifact kept ({@link #onConcluded(WorkerId, boolean,
         * boolean, Instant)}); a wrong guess would only cost a load.
         */
        final ArrayDeque<String> recent = new ArrayDeque<>();

        WorkerData(ExecutorParamsHash hash) {
            this.hash = hash;
        }

        boolean hasLoaded(String artifactKey) {
            return recent.contains(artifactKey);
        }

        void forget(ExecuteJob job) {
            recent.remove(key(job));
        }

        void ran(ExecuteJob job, int kept) {
            String k = key(job);
            recent.remove(k);
            recent.addLast(k);
            while (recent.size() > kept) {
                recent.removeFirst();
            }
        }

        /** What the worker keys its loaded artifacts by: the checksum, as hex. */
        static String key(ExecuteJob job) {
            return Hex.toHex(job.checksum());
        }
    }

    private static final class SpawnData {
        final ExecutorParamsHash hash;
        ExecuteJobQueue.Queued job; // null when the job was cancelled or dropped meanwhile

        SpawnData(ExecutorParamsHash hash, ExecuteJobQueue.Queued job) {
            this.hash = hash;
            this.job = job;
        }
    }

    private final ExecuteJobQueue unscheduled = new ExecuteJobQueue();
    private final Map<WorkerId, WorkerData> running = new LinkedHashMap<>();
    private final Map<Long, SpawnData> spawnInflight = new LinkedHashMap<>();
    private final ActiveLeaves leaves = new ActiveLeaves();
    private final int capacity;
    private final Duration maxKeepWaiting;
    private final int keptArtifacts;
    private long nextTicket;

    public ExecuteScheduler(int capacity, Duration maxKeepWaiting) {
        this(capacity, maxKeepWaiting, ExecuteWorker.DEFAULT_KEPT_ARTIFACTS);
    }

    /** @param keptArtifacts how many artifacts each worker keeps loaded */
    public ExecuteScheduler(int capacity, Duration maxKeepWaiting, int keptArtifacts) {
        if (keptArtifacts < 1) {
            throw new IllegalArgumentException("keptArtifacts must be at least 1, not " + keptArtifacts);
        }
        this.capacity = capacity;
        this.maxKeepWaiting = maxKeepWaiting;
        this.keptArtifacts = keptArtifacts;
    }

    /** Workers alive (idle or busy). */
    public int workers() {
        return running.size();
    }

    /** Workers being spawned. */
    public int spawning() {
        return spawnInflight.size();
    }

    public int busyCount() {
        int n = 0;
        for (WorkerData d : running.values()) {
            if (d.job != null) {
                n++;
            }
        }
        return n;
    }

    public int queued() {
        return unscheduled.size();
    }

    public ExecuteJobQueue queue() {
        return unscheduled;
    }

    /** The hash a live worker is bound to. */
    public Optional<ExecutorParamsHash> bindingOf(WorkerId worker) {
        WorkerData d = running.get(worker);
        return d == null ? Optional.empty() : Optional.of(d.hash);
    }

    /** Whether the worker is running the job with this request id. */
    public boolean isRunning(WorkerId worker, long requestId) {
        WorkerData d = running.get(worker);
        return d != null && d.job != null && d.job.job().requestId() == requestId;
    }

    private String staleReason(BlockHash relayParent) {
        return "relay parent " + relayParent + " of this backing job is no longer an active leaf or an ancestor of one";
    }

    private boolean viable(ExecuteJob job) {
        return leaves.isViable(job.relayParent());
    }

    /** A new job: dropped at once when its relay parent is no longer viable, else queued. */
    public List<Action> enqueue(ExecuteJob job, Instant now) {
        if (!viable(job)) {
            return new ArrayList<>(List.of(new Drop(job, staleReason(job.relayParent()))));
        }
        unscheduled.add(job, now);
        return tryAssignNextJob(null, now);
    }

    /** The worker spawned for {@code ticket} came up: it runs the job bound to the spawn. */
    public List<Action> onSpawned(long ticket, WorkerId worker, Instant now) {
        SpawnData d = spawnInflight.remove(ticket);
        List<Action> actions = new ArrayList<>();
        if (d == null) {
            actions.add(new Kill(worker)); // a spawn we gave up on: nothing is bound to it
            return actions;
        }
        WorkerData w = new WorkerData(d.hash);
        running.put(worker, w);
        if (d.job != null && viable(d.job.job())) {
            assign(worker, d.job, actions);
            return actions;
        }
        if (d.job != null) {
            actions.add(new Drop(d.job.job(), staleReason(d.job.job().relayParent())));
        }
        actions.addAll(tryAssignNextJob(worker, now));
        return actions;
    }

    /** A spawn to try again (after a failure), with the job still bound to it. */
    public List<Action> respawn(long ticket) {
        SpawnData d = spawnInflight.get(ticket);
        return d == null ? new ArrayList<>() : new ArrayList<>(List.of(new Spawn(ticket, d.hash)));
    }

    /**
     * Gives up a spawn that keeps failing. With workers alive its job goes back to the front of its
     * kind, to be served by them (or by a new spawn); without, it is returned so it can be failed.
     */
    public Optional<ExecuteJob> abandonSpawn(long ticket, boolean requeue) {
        SpawnData d = spawnInflight.remove(ticket);
        if (d == null || d.job == null) {
            return Optional.empty();
        }
        if (requeue) {
            unscheduled.putBack(d.job);
            return Optional.empty();
        }
        return Optional.of(d.job.job());
    }

    /** Removes every waiting job (no worker can be had), eldest first per kind. */
    public List<ExecuteJob> drainQueued() {
        return unscheduled.removeIf(j -> true);
    }

    /**
     * A worker finished its job. A worker that must not be reused ({@code rip}) is forgotten (the
     * pool has closed it); a healthy one is offered the next job first.
     */
    public List<Action> onConcluded(WorkerId worker, boolean rip, Instant now) {
        return onConcluded(worker, rip, true, now);
    }

    /**
     * As {@link #onConcluded(WorkerId, boolean, Instant)}; {@code artifactKept} false says the
     * worker did not keep the job's artifact loaded (it could not load it, or dropped it).
     */
    public List<Action> onConcluded(WorkerId worker, boolean rip, boolean artifactKept, Instant now) {
        WorkerData d = running.get(worker);
        if (d == null) {
            return new ArrayList<>();
        }
        if (!artifactKept && d.job != null) {
            d.forget(d.job.job());
        }
        d.job = null;
        if (rip) {
            running.remove(worker);
            return tryAssignNextJob(null, now);
        }
        return tryAssignNextJob(worker, now);
    }

    /**
     * A worker died outside a job: idle, or before its job reached it. It is forgotten; its job
     * goes back to the front of its kind.
     */
    public List<Action> onRip(WorkerId worker, Instant now) {
        WorkerData d = running.remove(worker);
        if (d == null) {
            return new ArrayList<>();
        }
        if (d.job != null) {
            unscheduled.putBack(d.job);
        }
        return tryAssignNextJob(null, now);
    }

    /** The caller no longer wants the answer: a waiting job is removed. Returns whether it was. */
    public boolean cancel(long requestId) {
        if (unscheduled.remove(requestId).isPresent()) {
            return true;
        }
        for (SpawnData d : spawnInflight.values()) {
            if (d.job != null && d.job.job().requestId() == requestId) {
                d.job = null;
                return true;
            }
        }
        return false;
    }

    /** New active leaves; waiting backing jobs whose relay parent is no longer viable are dropped. */
    public List<Action> updateActiveLeaves(ActiveLeavesUpdate update, List<BlockHash> ancestors) {
        leaves.update(update, ancestors);
        List<Action> actions = new ArrayList<>();
        for (ExecuteJob j : unscheduled.removeIf(j -> !viable(j))) {
            actions.add(new Drop(j, staleReason(j.relayParent())));
        }
        for (SpawnData d : spawnInflight.values()) {
            if (d.job != null && !viable(d.job.job())) {
                actions.add(new Drop(d.job.job(), staleReason(d.job.job().relayParent())));
                d.job = null;
            }
        }
        return actions;
    }

    /**
     * Assigns at most one job to a worker: the reference's {@code try_assign_next_job}. Call it
     * whenever a job arrives or a worker frees up; {@code finishedWorker} is the worker that just
     * finished a job, if any.
     */
    public List<Action> tryAssignNextJob(WorkerId finishedWorker, Instant now) {
        List<Action> actions = new ArrayList<>();
        ExecKind priority = unscheduled.selectNextPriority();
        ArrayDeque<ExecuteJobQueue.Queued> queue = unscheduled.queue(priority);
        ExecuteJobQueue.Queued eldest = queue.peekFirst();
        if (eldest == null) {
            return actions;
        }
        // by default the eldest job runs on any worker slot, even if a worker must be killed and
        // spawned again; not pressed for time, a better pair that needs no respawn is looked for
        WorkerId worker = null;
        ExecuteJobQueue.Queued chosen = eldest;
        if (eldest.waitingSince().plus(maxKeepWaiting).isAfter(now) && finishedWorker != null) {
            WorkerData finished = running.get(finishedWorker);
            if (finished != null) {
                for (ExecuteJobQueue.Queued q : queue) {
                    if (finished.hash.equals(q.job().paramsHash())) {
                        worker = finishedWorker;
                        chosen = q;
                        break;
                    }
                }
            }
        }
        if (worker == null) {
            worker = findAvailable(chosen.job());
        }
        if (worker == null) {
            WorkerId idle = findIdle();
            if (idle != null) {
                // no idle worker for these parameters, but one for others: retire it to make room
                running.remove(idle);
                actions.add(new Kill(idle));
            }
        }
        if (worker == null && !canAffordOneMore()) {
            return actions;
        }
        removeExactly(queue, chosen);
        if (worker != null) {
            assign(worker, chosen, actions);
        } else {
            long ticket = ++nextTicket;
            spawnInflight.put(ticket, new SpawnData(chosen.job().paramsHash(), chosen));
            actions.add(new Spawn(ticket, chosen.job().paramsHash()));
        }
        unscheduled.markScheduled(priority);
        return actions;
    }

    private static void removeExactly(ArrayDeque<ExecuteJobQueue.Queued> queue, ExecuteJobQueue.Queued q) {
        for (Iterator<ExecuteJobQueue.Queued> it = queue.iterator(); it.hasNext(); ) {
            if (it.next() == q) {
                it.remove();
                return;
            }
        }
    }

    private boolean canAffordOneMore() {
        return spawnInflight.size() + running.size() < capacity;
    }

    /** An idle worker for the job's parameters, one that has its artifact loaded if there is one. */
    private WorkerId findAvailable(ExecuteJob job) {
        String artifact = WorkerData.key(job);
        WorkerId any = null;
        for (var e : running.entrySet()) {
            WorkerData d = e.getValue();
            if (d.job == null && d.hash.equals(job.paramsHash())) {
                if (d.hasLoaded(artifact)) {
                    return e.getKey();
                }
                if (any == null) {
                    any = e.getKey();
                }
            }
        }
        return any;
    }

    private WorkerId findIdle() {
        for (var e : running.entrySet()) {
            if (e.getValue().job == null) {
                return e.getKey();
            }
        }
        return null;
    }

    private void assign(WorkerId worker, ExecuteJobQueue.Queued job, List<Action> actions) {
        WorkerData d = running.get(worker);
        if (!d.hash.equals(job.job().paramsHash()) || d.job != null) {
            throw new IllegalStateException(worker + " cannot take " + job.job() + ": busy or bound to other parameters");
        }
        d.job = job;
        d.ran(job.job(), keptArtifacts);
        actions.add(new Start(worker, job.job()));
    }
}
