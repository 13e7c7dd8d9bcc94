package io.pvfhost.host.execute;

import io.pvfhost.host.ExecKind;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The execute jobs waiting for a worker, one FIFO per kind, and the choice of the kind to serve
 * next: a port of the reference's {@code Unscheduled} (polkadot-sdk
 * {@code polkadot/node/core/pvf/src/execute/queue.rs}).
 *
 * <p>Kinds in priority order: dispute, approval, backing of system parachains, backing. Every
 * scheduled job is counted; the counter restarts when the count reaches
 * {@link #SCHEDULING_WINDOW_SIZE}. A kind that has reached its threshold (its share of the jobs
 * scheduled at its level or below, {@link #thresholdOf}) yields to the next kind with work, so no
 * kind starves: with all four busy a window runs 8 disputes, 3 approvals and 1 system-para backing.
 * When every kind with work has reached its threshold, the highest one with work goes.
 *
 * <p>Pure and not thread-safe: one owner.
 */
public final class ExecuteJobQueue {

    /** Jobs counted before the counter restarts (reference: 12, the jobs of a relay block on 4 cores). */
    public static final int SCHEDULING_WINDOW_SIZE = 12;

    /** The kinds, highest priority first. */
    public static final List<ExecKind> PRIORITY_ORDER =
            List.of(ExecKind.DISPUTE, ExecKind.APPROVAL, ExecKind.BACKING_SYSTEM_PARAS, ExecKind.BACKING);

    /** One waiting job and when it was queued. */
    public record Queued(ExecuteJob job, Instant waitingSince) {}

    private final Map<ExecKind, ArrayDeque<Queued>> unscheduled = new EnumMap<>(ExecKind.class);
    private final Map<ExecKind, Integer> counter = new EnumMap<>(ExecKind.class);

    public ExecuteJobQueue() {
        for (ExecKind k : ExecKind.values()) {
            unscheduled.put(k, new ArrayDeque<>());
        }
        resetCounter();
    }

    /**
     * The reference's {@code PRIORITY_ALLOCATION_THRESHOLDS}, in percent: how much of the jobs
     * scheduled at its level or below a kind may take before it yields to lower kinds.
     */
    public static int thresholdOf(ExecKind kind) {
        return switch (kind) {
            case DISPUTE -> 70;
            case APPROVAL -> 80;
            case BACKING_SYSTEM_PARAS, BACKING -> 100;
        };
    }

    private static int rank(ExecKind kind) {
        return PRIORITY_ORDER.indexOf(kind);
    }

    /** The kind to serve next; {@link ExecKind#BACKING} when nothing waits at all. */
    public ExecKind selectNextPriority() {
        for (ExecKind k : PRIORITY_ORDER) {
            if (hasPending(k) && !hasReachedThreshold(k)) {
                return k;
            }
        }
        for (ExecKind k : PRIORITY_ORDER) {
            if (hasPending(k)) {
                return k;
            }
        }
        return ExecKind.BACKING;
    }

    public void add(ExecuteJob job, Instant now) {
        unscheduled.get(job.kind()).addLast(new Queued(job, now));
    }

    /** Puts back a job whose worker died before it started: first of its kind, keeping its age. */
    public void putBack(Queued queued) {
        unscheduled.get(queued.job().kind()).addFirst(queued);
    }

    public boolean hasPending(ExecKind kind) {
        return !unscheduled.get(kind).isEmpty();
    }

    /** The waiting jobs of a kind, eldest first (a live view: the scheduler removes from it). */
    public ArrayDeque<Queued> queue(ExecKind kind) {
        return unscheduled.get(kind);
    }

    /** Whether the kind has had its share of the jobs scheduled at its level or below. */
    public boolean hasReachedThreshold(ExecKind kind) {
        int count = counter.get(kind);
        int totalAtOrBelow = 0;
        for (var e : counter.entrySet()) {
            if (rank(e.getKey()) >= rank(kind)) {
                totalAtOrBelow += e.getValue();
            }
        }
        if (totalAtOrBelow == 0) {
            return false;
        }
        return count * 100 / totalAtOrBelow >= thresholdOf(kind);
    }

    /** Counts a scheduled job of this kind; the window restarts when it is full. */
    public void markScheduled(ExecKind kind) {
        counter.merge(kind, 1, Integer::sum);
        int total = 0;
        for (int c : counter.values()) {
            total += c;
        }
        if (total >= SCHEDULING_WINDOW_SIZE) {
            resetCounter();
        }
    }

    private void resetCounter() {
        for (ExecKind k : ExecKind.values()) {
            counter.put(k, 0);
        }
    }

    /** Jobs scheduled per kind in the current window. */
    public int scheduledInWindow(ExecKind kind) {
        return counter.get(kind);
    }

    /** Removes a waiting job by its request id. */
    public Optional<ExecuteJob> remove(long requestId) {
        for (var q : unscheduled.values()) {
            for (Iterator<Queued> it = q.iterator(); it.hasNext(); ) {
                Queued e = it.next();
                if (e.job().requestId() == requestId) {
                    it.remove();
                    return Optional.of(e.job());
                }
            }
        }
        return Optional.empty();
    }

    /** Removes and returns the waiting jobs that match, in queue order per kind. */
    public List<ExecuteJob> removeIf(Predicate<ExecuteJob> which) {
        List<ExecuteJob> out = new ArrayList<>();
        for (ExecKind k : PRIORITY_ORDER) {
            for (Iterator<Queued> it = unscheduled.get(k).iterator(); it.hasNext(); ) {
                Queued e = it.next();
                if (which.test(e.job())) {
                    it.remove();
                    out.add(e.job());
                }
            }
        }
        return out;
    }

    public int size() {
        int n = 0;
        for (var q : unscheduled.values()) {
            n += q.size();
        }
        return n;
    }

    public int size(ExecKind kind) {
        return unscheduled.get(kind).size();
    }
}
