package io.pvfhost.host.execute;

import static io.pvfhost.host.ExecKind.APPROVAL;
import static io.pvfhost.host.ExecKind.BACKING;
import static io.pvfhost.host.ExecKind.DISPUTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pvfhost.common.wire.Message;
import io.pvfhost.host.ActiveLeavesUpdate;
import io.pvfhost.host.BlockHash;
import io.pvfhost.host.ExecKind;
import io.pvfhost.host.Jobs;
import io.pvfhost.host.WorkerId;
import io.pvfhost.host.execute.ExecuteScheduler.Action;
import io.pvfhost.host.execute.ExecuteScheduler.Drop;
import io.pvfhost.host.execute.ExecuteScheduler.Kill;
import io.pvfhost.host.execute.ExecuteScheduler.Spawn;
import io.pvfhost.host.execute.ExecuteScheduler.Start;
import io.pvfhost.worker.host.WorkerException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Worker binding and job choice of the execute queue, without actors. */
class ExecuteSchedulerTest {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final Duration KEEP_WAITING = Duration.ofSeconds(4);
    private static final WorkerId W1 = new WorkerId("execute", 1);
    private static final WorkerId W2 = new WorkerId("execute", 2);
    private static final WorkerId W3 = new WorkerId("execute", 3);

    private final java.util.Map<Long, ExecuteJob> jobs = new java.util.HashMap<>();

    /** The job with this id (the same instance each time: jobs hold arrays and compare by identity). */
    private ExecuteJob job(long id, ExecKind kind, int params) {
        return jobs.computeIfAbsent(id, k -> Jobs.executeJob(id, kind, params, null));
    }

    private static ExecutorParamsHash hash(int params) {
        return ExecutorParamsHash.of(Jobs.params(params));
    }

    /** A scheduler with one idle worker per given params number: W1, W2... in order. */
    private ExecuteScheduler withIdleWorkers(int capacity, int... params) {
        ExecuteScheduler s = new ExecuteScheduler(capacity, KEEP_WAITING);
        List<Spawn> spawns = new java.util.ArrayList<>();
        for (int i = 0; i < params.length; i++) {
            spawns.add((Spawn) s.enqueue(job(1001 + i, BACKING, params[i]), T0).get(0));
        }
        for (int i = 0; i < params.length; i++) {
            s.onSpawned(spawns.get(i).ticket(), new WorkerId("execute", i + 1), T0);
        }
        for (int i = 0; i < params.length; i++) {
            s.onConcluded(new WorkerId("execute", i + 1), false, T0);
        }
        assertEquals(params.length, s.workers());
        assertEquals(0, s.busyCount());
        return s;
    }

    @Test
    void shouldSpawnAWorkerBoundToTheJobsParamsAndStartTheJobWhenItComesUp() {
        ExecuteScheduler s = new ExecuteScheduler(4, KEEP_WAITING);
        ExecuteJob j = job(1, BACKING, 1);
        assertEquals(List.of(new Spawn(1, hash(1))), s.enqueue(j, T0));
        assertEquals(1, s.spawning());
        assertEquals(List.of(new Start(W1, j)), s.onSpawned(1, W1, T0));
        assertEquals(Optional.of(hash(1)), s.bindingOf(W1));
        assertTrue(s.isRunning(W1, 1));
        assertEquals(0, s.spawning());
    }

    @Test
    void shouldNeverHaveMoreWorkersThanItsCapacity() {
        ExecuteScheduler s = new ExecuteScheduler(2, KEEP_WAITING);
        int spawns = 0;
        for (int i = 1; i <= 5; i++) {
            spawns += (int) s.enqueue(job(i, BACKING, 0), T0).stream().filter(a -> a instanceof Spawn).count();
        }
        assertEquals(2, spawns);
        assertEquals(3, s.queued());
        s.onSpawned(1, W1, T0);
        s.onSpawned(2, W2, T0);
        assertEquals(2, s.workers());
        assertEquals(List.of(new Start(W1, job(3, BACKING, 0))), s.onConcluded(W1, false, T0));
    }

    @Test
    void shouldPreferAnIdleWorkerBoundToTheSameParams() {
        ExecuteScheduler s = withIdleWorkers(2, 1, 2);
        ExecuteJob j = job(1, BACKING, 2);
        assertEquals(List.of(new Start(W2, j)), s.enqueue(j, T0));
    }

    /** A backing job on the artifact numbered {@code artifact} (its checksum), params 0. */
    private ExecuteJob onArtifact(long id, int artifact) {
        return jobs.computeIfAbsent(id, k -> {
            ExecuteJob j = Jobs.executeJob(id, BACKING, 0, null);
            byte[] checksum = new byte[32];
            checksum[0] = (byte) artifact;
            return new ExecuteJob(id, j.id(), j.artifactPath(), checksum, j.params(), j.executorParams(), j.kind(),
                    j.timeout(), j.relayParent());
        });
    }

    /** W1 ran artifact 1, W2 artifact 2 (and kept it or not); both idle now. */
    private ExecuteScheduler w1Ran1W2Ran2(boolean w2KeptIt) {
        ExecuteScheduler s = withIdleWorkers(2, 0, 0);
        assertEquals(List.of(new Start(W1, onArtifact(1, 1))), s.enqueue(onArtifact(1, 1), T0));
        assertEquals(List.of(new Start(W2, onArtifact(2, 2))), s.enqueue(onArtifact(2, 2), T0));
        assertEquals(List.of(), s.onConcluded(W1, false, T0));
        assertEquals(List.of(), s.onConcluded(W2, false, w2KeptIt, T0));
        return s;
    }

    @Test
    void shouldGiveAJobToTheIdleWorkerThatHasItsArtifactLoaded() {
        ExecuteScheduler s = w1Ran1W2Ran2(true);
        // both idle: W1 comes first, but W2 ran artifact 2 last
        assertEquals(List.of(new Start(W2, onArtifact(3, 2))), s.enqueue(onArtifact(3, 2), T0));
        assertEquals(List.of(), s.onConcluded(W2, false, T0));
        assertEquals(List.of(new Start(W1, onArtifact(4, 1))), s.enqueue(onArtifact(4, 1), T0));
        // an artifact no worker has: the first idle one, as before
        assertEquals(List.of(new Start(W2, onArtifact(5, 7))), s.enqueue(onArtifact(5, 7), T0));
    }

    /** Two workers keeping {@code kept} artifacts each: W1 busy on artifact 9, W2 idle after artifact 1. */
    private ExecuteScheduler w1BusyW2Ran1(int kept) {
        ExecuteScheduler s = new ExecuteScheduler(2, KEEP_WAITING, kept);
        Spawn first = (Spawn) s.enqueue(onArtifact(1, 9), T0).get(0);
        Spawn second = (Spawn) s.enqueue(onArtifact(2, 1), T0).get(0);
        s.onSpawned(first.ticket(), W1, T0);
        s.onSpawned(second.ticket(), W2, T0);
        assertEquals(List.of(), s.onConcluded(W2, false, T0));
        return s;
    }

    /** The worker keeps only its last {@code kept} artifacts loaded; the scheduler counts the same way. */
    @Test
    void shouldForgetAnArtifactTheWorkerNoLongerKeeps() {
        for (int kept : new int[] {2, 3}) {
            jobs.clear();
            ExecuteScheduler s = w1BusyW2Ran1(kept);
            for (int a = 2; a <= 3; a++) { // W2 runs 2, then 3, while W1 is busy
                assertEquals(List.of(new Start(W2, onArtifact(a + 1, a))), s.enqueue(onArtifact(a + 1, a), T0));
                assertEquals(List.of(), s.onConcluded(W2, false, T0));
            }
            assertEquals(List.of(), s.onConcluded(W1, false, T0));
            // W2 still has artifact 1 when it keeps 3, not when it keeps 2 (then the first idle worker takes it)
            WorkerId expected = kept == 3 ? W2 : W1;
            assertEquals(List.of(new Start(expected, onArtifact(9, 1))), s.enqueue(onArtifact(9, 1), T0), "kept " + kept);
        }
    }

    /** Running an artifact again makes it the worker's most recent, as the worker's own LRU does, without a second entry. */
    @Test
    void shouldKeepAnArtifactRunAgainAsTheMostRecent() {
        ExecuteScheduler s = w1BusyW2Ran1(2);
        // W2 (W1 busy) runs 2, 2 again (no second entry), 1 again (now the most recent), then 3:
        // keeping 2, it has 1 and 3, and 2 went
        int[][] runs = {{3, 2}, {4, 2}, {5, 1}, {6, 3}};
        for (int[] r : runs) {
            assertEquals(List.of(new Start(W2, onArtifact(r[0], r[1]))), s.enqueue(onArtifact(r[0], r[1]), T0));
            assertEquals(List.of(), s.onConcluded(W2, false, T0));
        }
        assertEquals(List.of(), s.onConcluded(W1, false, T0));
        assertEquals(List.of(new Start(W2, onArtifact(7, 1))), s.enqueue(onArtifact(7, 1), T0), "W2 still has 1");
        assertEquals(List.of(), s.onConcluded(W2, false, T0));
        assertEquals(List.of(new Start(W1, onArtifact(8, 2))), s.enqueue(onArtifact(8, 2), T0), "nobody has 2: the first idle");
    }

    /** A job that ended without the artifact kept (not loadable, found corrupt) does not count as loaded. */
    @Test
    void shouldNotCountAnArtifactTheWorkerCouldNotKeep() {
        ExecuteScheduler s = w1Ran1W2Ran2(false); // W2 could not load artifact 2
        assertEquals(List.of(new Start(W1, onArtifact(3, 2))), s.enqueue(onArtifact(3, 2), T0));
    }

    @Test
    void shouldTellWhichAnswersLeaveTheArtifactLoaded() {
        for (Message.Status st : Message.Status.values()) {
            boolean kept = ExecuteResult.workerKeepsArtifact(new ExecuteResult.Response(
                    new Message.ExecuteResponse(st, null, "", 0)));
            assertEquals(st != Message.Status.CORRUPTED_ARTIFACT && st != Message.Status.RUNTIME_CONSTRUCTION, kept, st.name());
        }
        assertFalse(ExecuteResult.workerKeepsArtifact(new ExecuteResult.WorkerFailed(WorkerException.Kind.DIED, "gone")));
        assertFalse(ExecuteResult.workerKeepsArtifact(new ExecuteResult.Dropped("stale")));
    }

    @Test
    void shouldRetireAnIdleWorkerOfOtherParamsToSpawnOneForTheJob() {
        ExecuteScheduler s = withIdleWorkers(1, 1);
        List<Action> actions = s.enqueue(job(1, BACKING, 2), T0);
        assertEquals(List.of(new Kill(W1), new Spawn(2, hash(2))), actions);
        assertEquals(0, s.workers());
        assertEquals(1, s.spawning());
    }

    @Test
    void shouldSpawnBesideAnIdleWorkerOfOtherParamsOnlyByRetiringIt() {
        // capacity left: the idle mismatching worker is still retired, as in the reference
        ExecuteScheduler s = withIdleWorkers(4, 1);
        assertEquals(List.of(new Kill(W1), new Spawn(2, hash(2))), s.enqueue(job(1, BACKING, 2), T0));
    }

    @Test
    void shouldGiveAFinishedWorkerAQueuedJobWithItsParamsWhileTheEldestJobIsYoung() {
        ExecuteScheduler s = new ExecuteScheduler(1, KEEP_WAITING);
        s.enqueue(job(1, BACKING, 1), T0);
        s.onSpawned(1, W1, T0);
        s.enqueue(job(2, BACKING, 2), T0); // eldest, other params
        s.enqueue(job(3, BACKING, 1), T0); // same params as W1
        assertEquals(List.of(new Start(W1, job(3, BACKING, 1))), s.onConcluded(W1, false, T0.plusSeconds(3)));
    }

    @Test
    void shouldRunTheEldestJobOnceItHasWaitedLongerThanMaxKeepWaiting() {
        ExecuteScheduler s = new ExecuteScheduler(1, KEEP_WAITING);
        s.enqueue(job(1, BACKING, 1), T0);
        s.onSpawned(1, W1, T0);
        s.enqueue(job(2, BACKING, 2), T0);
        s.enqueue(job(3, BACKING, 1), T0);
        assertEquals(List.of(new Kill(W1), new Spawn(2, hash(2))), s.onConcluded(W1, false, T0.plus(KEEP_WAITING)));
        assertEquals(List.of(new Start(W2, job(2, BACKING, 2))), s.onSpawned(2, W2, T0.plusSeconds(5)));
    }

    @Test
    void shouldServeADisputeBeforeQueuedApprovalAndBackingJobs() {
        ExecuteScheduler s = new ExecuteScheduler(1, KEEP_WAITING);
        s.enqueue(job(1, BACKING, 0), T0);
        s.onSpawned(1, W1, T0);
        s.enqueue(job(2, BACKING, 0), T0);
        s.enqueue(job(3, APPROVAL, 0), T0);
        s.enqueue(job(4, DISPUTE, 0), T0);
        assertEquals(List.of(new Start(W1, job(4, DISPUTE, 0))), s.onConcluded(W1, false, T0));
        assertEquals(List.of(new Start(W1, job(3, APPROVAL, 0))), s.onConcluded(W1, false, T0));
        assertEquals(List.of(new Start(W1, job(2, BACKING, 0))), s.onConcluded(W1, false, T0));
    }

    @Test
    void shouldKeepEveryBackingJobWhileNoLeavesAreKnown() {
        ExecuteScheduler s = new ExecuteScheduler(1, KEEP_WAITING);
        assertTrue(s.enqueue(Jobs.executeJob(1, BACKING, 0, Jobs.block(1)), T0).get(0) instanceof Spawn);
    }

    // The reference drops backing jobs whose relay parent left the active leaves (PR 5616).
    @Test
    void shouldDropWaitingBackingJobsWhoseRelayParentLeftTheActiveLeaves() {
        ExecuteScheduler s = new ExecuteScheduler(1, KEEP_WAITING);
        s.enqueue(job(1, DISPUTE, 0), T0);
        s.onSpawned(1, W1, T0);
        ExecuteJob old = Jobs.executeJob(2, BACKING, 0, Jobs.block(1));
        ExecuteJob ancestor = Jobs.executeJob(3, ExecKind.BACKING_SYSTEM_PARAS, 0, Jobs.block(2));
        ExecuteJob leaf = Jobs.executeJob(4, BACKING, 0, Jobs.block(3));
        ExecuteJob none = Jobs.executeJob(5, BACKING, 0, null);
        for (ExecuteJob j : List.of(old, ancestor, leaf, none)) {
            s.enqueue(j, T0);
        }
        List<Action> dropped = s.updateActiveLeaves(ActiveLeavesUpdate.activated(Jobs.block(3)), List.of(Jobs.block(2)));
        assertEquals(1, dropped.size());
        assertEquals(old, ((Drop) dropped.get(0)).job());
        assertEquals(3, s.queued());
        // the leaf moves on: block 3 is deactivated and block 4 (child of 3) is active
        dropped = s.updateActiveLeaves(new ActiveLeavesUpdate(Jobs.block(4), List.of(Jobs.block(3))), List.of(Jobs.block(3)));
        assertEquals(List.of(ancestor), dropped.stream().map(a -> ((Drop) a).job()).toList());
        assertEquals(2, s.queued());
    }

    @Test
    void shouldDropABackingJobThatArrivesWithAStaleRelayParent() {
        ExecuteScheduler s = new ExecuteScheduler(1, KEEP_WAITING);
        s.updateActiveLeaves(ActiveLeavesUpdate.activated(Jobs.block(9)), List.of(Jobs.block(8)));
        ExecuteJob stale = Jobs.executeJob(1, BACKING, 0, Jobs.block(1));
        List<Action> actions = s.enqueue(stale, T0);
        assertEquals(1, actions.size());
        assertEquals(stale, ((Drop) actions.get(0)).job());
        assertTrue(((Drop) actions.get(0)).reason().contains(Jobs.block(1).toString()));
        assertEquals(0, s.spawning());
        assertTrue(s.enqueue(Jobs.executeJob(2, BACKING, 0, Jobs.block(8)), T0).get(0) instanceof Spawn);
    }

    @Test
    void shouldDropAStaleJobBoundToASpawnAndKeepTheWorker() {
        ExecuteScheduler s = new ExecuteScheduler(1, KEEP_WAITING);
        s.updateActiveLeaves(ActiveLeavesUpdate.activated(Jobs.block(1)), List.of());
        ExecuteJob j = Jobs.executeJob(1, BACKING, 0, Jobs.block(1));
        assertEquals(List.of(new Spawn(1, hash(0))), s.enqueue(j, T0));
        List<Action> dropped = s.updateActiveLeaves(new ActiveLeavesUpdate(Jobs.block(2), List.of(Jobs.block(1))), List.of());
        assertEquals(List.of(j), dropped.stream().map(a -> ((Drop) a).job()).toList());
        assertEquals(List.of(), s.onSpawned(1, W1, T0));
        assertEquals(1, s.workers());
        assertEquals(0, s.busyCount());
    }

    @Test
    void shouldCancelAWaitingJobSoThatItCostsNoWorker() {
        ExecuteScheduler s = new ExecuteScheduler(1, KEEP_WAITING);
        s.enqueue(job(1, BACKING, 0), T0);
        s.onSpawned(1, W1, T0);
        s.enqueue(job(2, BACKING, 0), T0);
        assertTrue(s.cancel(2));
        assertFalse(s.cancel(2));
        assertFalse(s.cancel(1)); // running: too late
        assertEquals(List.of(), s.onConcluded(W1, false, T0));
    }

    @Test
    void shouldCancelAJobBoundToASpawn() {
        ExecuteScheduler s = new ExecuteScheduler(1, KEEP_WAITING);
        s.enqueue(job(1, BACKING, 0), T0);
        assertTrue(s.cancel(1));
        assertEquals(List.of(), s.onSpawned(1, W1, T0));
        assertEquals(0, s.busyCount());
    }

    // The execute side of the reference's rip_for_start_work.
    @Test
    void shouldPutBackTheJobOfAWorkerThatDiedBeforeItStarted() {
        ExecuteScheduler s = new ExecuteScheduler(1, KEEP_WAITING);
        ExecuteJob j = job(1, BACKING, 0);
        s.enqueue(j, T0);
        s.onSpawned(1, W1, T0);
        assertEquals(List.of(new Spawn(2, hash(0))), s.onRip(W1, T0));
        assertEquals(List.of(new Start(W2, j)), s.onSpawned(2, W2, T0));
    }

    @Test
    void shouldForgetAWorkerThatConcludedWithRipAndServeTheQueueWithANewOne() {
        ExecuteScheduler s = new ExecuteScheduler(1, KEEP_WAITING);
        s.enqueue(job(1, BACKING, 0), T0);
        s.onSpawned(1, W1, T0);
        s.enqueue(job(2, BACKING, 0), T0);
        assertEquals(List.of(new Spawn(2, hash(0))), s.onConcluded(W1, true, T0));
        assertEquals(0, s.workers());
        assertFalse(s.isRunning(W1, 1));
    }

    @Test
    void shouldIgnoreTheConclusionOfAnUnknownWorker() {
        ExecuteScheduler s = new ExecuteScheduler(1, KEEP_WAITING);
        assertEquals(List.of(), s.onConcluded(W3, false, T0));
        assertEquals(List.of(), s.onRip(W3, T0));
        assertEquals(0, s.workers());
    }

    @Test
    void shouldRetryASpawnWithItsJobAndGiveItUpToTheQueueOrTheCaller() {
        ExecuteScheduler s = new ExecuteScheduler(2, KEEP_WAITING);
        ExecuteJob j = job(1, BACKING, 0);
        s.enqueue(j, T0);
        assertEquals(List.of(new Spawn(1, hash(0))), s.respawn(1));
        assertEquals(Optional.of(j), s.abandonSpawn(1, false));
        assertEquals(0, s.spawning());
        assertEquals(List.of(), s.respawn(1));

        s.enqueue(job(2, BACKING, 0), T0);
        assertEquals(Optional.empty(), s.abandonSpawn(2, true));
        assertEquals(1, s.queued());
        assertEquals(List.of(job(2, BACKING, 0)), s.drainQueued());
    }

    @Test
    void shouldKillAWorkerThatComesUpForAnAbandonedSpawn() {
        ExecuteScheduler s = new ExecuteScheduler(1, KEEP_WAITING);
        s.enqueue(job(1, BACKING, 0), T0);
        s.abandonSpawn(1, false);
        assertEquals(List.of(new Kill(W1)), s.onSpawned(1, W1, T0));
    }

    @Test
    void shouldTellAWorkerApartByTheBlockHashesItsJobCarries() {
        BlockHash a = Jobs.block(1);
        assertEquals(a, BlockHash.of(a.bytes()));
        assertFalse(a.equals(Jobs.block(2)));
    }
}
