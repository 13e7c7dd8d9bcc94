package io.pvfhost.host.execute;

import static io.pvfhost.host.ExecKind.APPROVAL;
import static io.pvfhost.host.ExecKind.BACKING;
import static io.pvfhost.host.ExecKind.BACKING_SYSTEM_PARAS;
import static io.pvfhost.host.ExecKind.DISPUTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.ManualTime;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import io.pvfhost.common.wire.Message;
import io.pvfhost.host.ActiveLeavesUpdate;
import io.pvfhost.host.ExecKind;
import io.pvfhost.host.Jobs;
import io.pvfhost.host.VirtualTime;
import io.pvfhost.host.WorkerId;
import io.pvfhost.worker.host.WorkerException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The execute queue with the pool replaced by a probe, in virtual time. */
class ExecuteQueueTest {
    static final ActorTestKit testKit = ActorTestKit.create(ManualTime.config());
    static final ManualTime manualTime = ManualTime.get(testKit.system());
    static final VirtualTime time = new VirtualTime(testKit.system());
    static final Duration SPAWN_RETRY = Duration.ofSeconds(3);

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    static final class Fixture {
        final TestProbe<ExecuteQueue.Event> host = testKit.createTestProbe();
        final TestProbe<ExecutePool.Command> pool = testKit.createTestProbe();
        final AtomicReference<ActorRef<ExecutePool.Event>> fromPool = new AtomicReference<>();
        final ActorRef<ExecuteQueue.Command> queue;
        final Map<Long, ExecuteJob> jobs = new HashMap<>();
        private long workers;

        Fixture(int capacity) {
            var limits = new ExecuteQueue.Limits(capacity, Duration.ofSeconds(4), SPAWN_RETRY, 3);
            queue = testKit.spawn(ExecuteQueue.create(limits, time.clock(), host.ref(), (ctx, events) -> {
                fromPool.set(events);
                return pool.ref();
            }));
        }

        ExecuteJob enqueue(long id, ExecKind kind) {
            return enqueue(Jobs.executeJob(id, kind));
        }

        ExecuteJob enqueue(ExecuteJob j) {
            jobs.put(j.requestId(), j);
            queue.tell(new ExecuteQueue.Enqueue(j));
            return j;
        }

        WorkerId spawned(ExecutePool.Spawn spawn) {
            WorkerId w = new WorkerId("execute", ++workers);
            fromPool.get().tell(new ExecutePool.Spawned(spawn.ticket(), w));
            return w;
        }

        ExecutePool.Spawn expectSpawn() {
            return pool.expectMessageClass(ExecutePool.Spawn.class);
        }

        ExecutePool.StartWork expectStartWork() {
            return pool.expectMessageClass(ExecutePool.StartWork.class);
        }

        void conclude(ExecutePool.StartWork work) {
            var ok = new ExecuteResult.Response(new Message.ExecuteResponse(Message.Status.INVALID, null, "test", 1));
            fromPool.get().tell(new ExecutePool.Concluded(work.worker(), work.job(), false, ok));
        }

        /** Brings up one worker running the job with the given id. */
        ExecutePool.StartWork runOnNewWorker(long id, ExecKind kind) {
            enqueue(id, kind);
            spawned(expectSpawn());
            return expectStartWork();
        }
    }

    /** A backing job whose artifact's checksum starts with {@code artifact}. */
    private static ExecuteJob onArtifact(long id, int artifact) {
        ExecuteJob j = Jobs.executeJob(id, BACKING);
        byte[] checksum = new byte[32];
        checksum[0] = (byte) artifact;
        return new ExecuteJob(id, j.id(), j.artifactPath(), checksum, j.params(), j.executorParams(), j.kind(), j.timeout(),
                j.relayParent());
    }

    /**
     * A job goes to the idle worker that ran its artifact; once that worker answered that it could
     * not keep the artifact (a corrupted one), the job goes to the first idle worker again.
     */
    @Test
    void shouldSendAJobToTheWorkerThatKeepsItsArtifactUntilItSaysItDoesNot() {
        Fixture t = new Fixture(2);
        t.enqueue(onArtifact(1, 1));
        WorkerId w1 = t.spawned(t.expectSpawn());
        var first = t.expectStartWork();
        t.enqueue(onArtifact(2, 2));
        WorkerId w2 = t.spawned(t.expectSpawn());
        var second = t.expectStartWork();
        t.conclude(first);
        t.conclude(second);
        t.host.expectMessageClass(ExecuteQueue.Finished.class);
        t.host.expectMessageClass(ExecuteQueue.Finished.class);

        t.enqueue(onArtifact(3, 2));
        var third = t.expectStartWork();
        assertEquals(w2, third.worker(), "the worker that ran artifact 2");
        var corrupted = new ExecuteResult.Response(new Message.ExecuteResponse(Message.Status.CORRUPTED_ARTIFACT, null,
                "artifact checksum mismatch", 0));
        t.fromPool.get().tell(new ExecutePool.Concluded(third.worker(), third.job(), false, corrupted));
        t.host.expectMessageClass(ExecuteQueue.Finished.class);

        t.enqueue(onArtifact(4, 2));
        assertEquals(w1, t.expectStartWork().worker(), "nobody keeps artifact 2 now: the first idle worker");
    }

    @Test
    void shouldRunADisputeBeforeTheBackingJobsQueuedBeforeIt() {
        Fixture t = new Fixture(1);
        var running = t.runOnNewWorker(1, BACKING);
        t.enqueue(2, BACKING);
        t.enqueue(3, BACKING);
        t.enqueue(4, DISPUTE);
        t.conclude(running);
        assertEquals(1L, t.host.expectMessageClass(ExecuteQueue.Finished.class).job().requestId());
        assertEquals(4L, t.expectStartWork().job().requestId());
    }

    // The distribution of test_unscheduled_priority_distribution, through the actor.
    @Test
    void shouldRunAWindowOfEightDisputesThreeApprovalsAndOneSystemParaBacking() {
        Fixture t = new Fixture(1);
        long id = 0;
        for (int i = 0; i < 12; i++) {
            for (ExecKind k : List.of(DISPUTE, APPROVAL, BACKING_SYSTEM_PARAS, BACKING)) {
                t.enqueue(++id, k);
            }
        }
        t.spawned(t.expectSpawn());
        List<ExecKind> ran = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            var work = t.expectStartWork();
            ran.add(work.job().kind());
            t.conclude(work);
        }
        assertEquals(8, Collections.frequency(ran, DISPUTE));
        assertEquals(3, Collections.frequency(ran, APPROVAL));
        assertEquals(1, Collections.frequency(ran, BACKING_SYSTEM_PARAS));
    }

    @Test
    void shouldRetireAnIdleWorkerBoundToOtherParamsAndSpawnOneForTheJob() {
        Fixture t = new Fixture(1);
        var running = t.runOnNewWorker(1, BACKING);
        t.conclude(running);
        ExecuteJob other = t.enqueue(Jobs.executeJob(2, BACKING, 7, null));
        assertEquals(new ExecutePool.Kill(running.worker()), t.pool.receiveMessage());
        var spawn = t.expectSpawn();
        assertEquals(ExecutorParamsHash.of(Jobs.params(7)), spawn.paramsHash());
        WorkerId w2 = t.spawned(spawn);
        var work = t.expectStartWork();
        assertEquals(w2, work.worker());
        assertSame(other, work.job());
    }

    @Test
    void shouldReuseAnIdleWorkerBoundToTheSameParams() {
        Fixture t = new Fixture(2);
        var running = t.runOnNewWorker(1, BACKING);
        t.conclude(running);
        t.enqueue(2, APPROVAL);
        var work = t.expectStartWork();
        assertEquals(running.worker(), work.worker());
    }

    @Test
    void shouldDropAWaitingBackingJobWhenItsRelayParentLeavesTheActiveLeaves() {
        Fixture t = new Fixture(1);
        // leaf 2 with ancestor 1: both are viable relay parents
        t.queue.tell(new ExecuteQueue.UpdateActiveLeaves(ActiveLeavesUpdate.activated(Jobs.block(2)), List.of(Jobs.block(1))));
        var running = t.runOnNewWorker(1, DISPUTE);
        ExecuteJob stale = t.enqueue(Jobs.executeJob(2, BACKING, 0, Jobs.block(1)));
        ExecuteJob fresh = t.enqueue(Jobs.executeJob(3, BACKING, 0, Jobs.block(2)));
        // leaf 3 replaces leaf 2, and only 2 is still an ancestor (the view moved past 1)
        t.queue.tell(new ExecuteQueue.UpdateActiveLeaves(new ActiveLeavesUpdate(Jobs.block(3), List.of(Jobs.block(2))),
                List.of(Jobs.block(2))));
        var dropped = t.host.expectMessageClass(ExecuteQueue.Finished.class);
        assertSame(stale, dropped.job());
        assertInstanceOf(ExecuteResult.Dropped.class, dropped.result());
        t.conclude(running);
        t.host.expectMessageClass(ExecuteQueue.Finished.class);
        assertSame(fresh, t.expectStartWork().job());
    }

    @Test
    void shouldForgetACancelledJobSoThatItCostsNoWorker() {
        Fixture t = new Fixture(1);
        var running = t.runOnNewWorker(1, BACKING);
        t.enqueue(2, BACKING);
        t.queue.tell(new ExecuteQueue.Cancel(2));
        t.conclude(running);
        t.host.expectMessageClass(ExecuteQueue.Finished.class);
        t.pool.expectNoMessage(Duration.ofMillis(200));
        t.host.expectNoMessage(Duration.ofMillis(10));
    }

    @Test
    void shouldRetryAFailedSpawnWithTheSameJobAfterTheDelay() {
        Fixture t = new Fixture(1);
        ExecuteJob j = t.enqueue(1, APPROVAL);
        var spawn = t.expectSpawn();
        t.fromPool.get().tell(new ExecutePool.SpawnFailed(spawn.ticket(), "spawn timed out"));
        manualTime.expectNoMessageFor(SPAWN_RETRY.minusMillis(1), t.pool);
        manualTime.timePasses(Duration.ofMillis(1));
        var again = t.expectSpawn();
        assertEquals(spawn, again);
        t.spawned(again);
        assertSame(j, t.expectStartWork().job());
    }

    @Test
    void shouldFailTheJobsWhenNoWorkerCanBeStarted() {
        Fixture t = new Fixture(1);
        t.enqueue(1, APPROVAL);
        t.enqueue(2, BACKING);
        for (int attempt = 1; attempt <= 3; attempt++) {
            var spawn = t.expectSpawn();
            t.fromPool.get().tell(new ExecutePool.SpawnFailed(spawn.ticket(), "no java"));
            if (attempt < 3) {
                manualTime.timePasses(SPAWN_RETRY);
            }
        }
        for (int i = 0; i < 2; i++) {
            var failed = t.host.expectMessageClass(ExecuteQueue.Finished.class);
            var f = assertInstanceOf(ExecuteResult.WorkerFailed.class, failed.result());
            assertEquals(WorkerException.Kind.SPAWN_FAILED, f.kind());
        }
    }

    // The execute side of the reference's rip_for_start_work.
    @Test
    void shouldRestartAJobWhoseWorkerDiedBeforeItReachedIt() {
        Fixture t = new Fixture(1);
        var work = t.runOnNewWorker(1, BACKING);
        t.fromPool.get().tell(new ExecutePool.Rip(work.worker()));
        WorkerId w2 = t.spawned(t.expectSpawn());
        var again = t.expectStartWork();
        assertEquals(w2, again.worker());
        assertSame(work.job(), again.job());
    }
}
