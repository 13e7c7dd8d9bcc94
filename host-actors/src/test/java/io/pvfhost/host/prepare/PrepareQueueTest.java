package io.pvfhost.host.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.ManualTime;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import io.pvfhost.common.error.PrepareError;
import io.pvfhost.host.Jobs;
import io.pvfhost.host.PreparePriority;
import io.pvfhost.host.WorkerId;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The prepare queue with the pool replaced by a probe, in virtual time. The first tests port the
 * reference's prepare/queue.rs tests (named in a comment on each); the reference's pool is faked
 * the same way, by holding both ends of its channels.
 */
class PrepareQueueTest {
    static final ActorTestKit testKit = ActorTestKit.create(ManualTime.config());
    static final ManualTime manualTime = ManualTime.get(testKit.system());
    static final Duration SPAWN_RETRY = Duration.ofSeconds(3);

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    /** One queue with its host and pool probes, as the reference's {@code Test}. */
    static final class Fixture {
        final TestProbe<PrepareQueue.Event> host = testKit.createTestProbe();
        final TestProbe<PreparePool.Command> pool = testKit.createTestProbe();
        final AtomicReference<ActorRef<PreparePool.Event>> fromPool = new AtomicReference<>();
        final ActorRef<PrepareQueue.Command> queue;
        private long workers;

        Fixture(int soft, int hard) {
            this(new PrepareQueue.Limits(soft, hard, SPAWN_RETRY, 3));
        }

        Fixture(PrepareQueue.Limits limits) {
            queue = testKit.spawn(PrepareQueue.create(limits, host.ref(),
                    (ctx, events) -> {
                        fromPool.set(events);
                        return pool.ref();
                    }));
        }

        void enqueue(int pvf, PreparePriority priority) {
            queue.tell(new PrepareQueue.Enqueue(Jobs.prepareJob(pvf, priority)));
        }

        WorkerId newWorker() {
            return new WorkerId("prepare", ++workers);
        }

        void fromPool(PreparePool.Event e) {
            fromPool.get().tell(e);
        }

        void expectSpawn() {
            pool.expectMessageClass(PreparePool.Spawn.class);
        }

        PreparePool.StartWork expectStartWork() {
            return pool.expectMessageClass(PreparePool.StartWork.class);
        }

        PrepareOutcome.Success ok(int pvf) {
            return new PrepareOutcome.Success(Jobs.prepareJob(pvf, PreparePriority.NORMAL).artifactPath(), new byte[32], 1, 1, 0, 0);
        }

        void conclude(WorkerId w, PreparePool.StartWork work, boolean rip) {
            fromPool(new PreparePool.Concluded(w, work.job(), rip, ok(1)));
        }
    }

    // Port of properly_concludes.
    @Test
    void shouldConcludeProperly() {
        Fixture t = new Fixture(2, 2);
        t.enqueue(1, PreparePriority.NORMAL);
        t.expectSpawn();
        WorkerId w = t.newWorker();
        t.fromPool(new PreparePool.Spawned(w));
        var work = t.expectStartWork();
        t.conclude(w, work, false);
        assertEquals(Jobs.artifactId(1), t.host.expectMessageClass(PrepareQueue.Prepared.class).job().id());
    }

    // Port of dont_spawn_over_soft_limit_unless_critical.
    @Test
    void shouldNotSpawnOverTheSoftLimitUnlessCritical() {
        Fixture t = new Fixture(2, 3);
        t.enqueue(1, PreparePriority.NORMAL);
        t.enqueue(2, PreparePriority.NORMAL);
        t.enqueue(3, PreparePriority.NORMAL);
        // only two spawns
        t.expectSpawn();
        t.expectSpawn();
        t.pool.expectNoMessage(Duration.ofMillis(100));
        WorkerId w1 = t.newWorker();
        WorkerId w2 = t.newWorker();
        t.fromPool(new PreparePool.Spawned(w1));
        t.fromPool(new PreparePool.Spawned(w2));
        var first = t.expectStartWork();
        t.expectStartWork();
        t.conclude(w1, first, false);
        assertEquals(Jobs.artifactId(3), t.expectStartWork().job().id());
        // 2 of 2 are working, but a critical job warrants another worker
        t.enqueue(4, PreparePriority.CRITICAL);
        t.expectSpawn();
    }

    // Port of cull_unwanted.
    @Test
    void shouldCullAWorkerOverTheSoftCapAfterItsJob() {
        Fixture t = new Fixture(1, 2);
        t.enqueue(1, PreparePriority.NORMAL);
        t.expectSpawn();
        WorkerId w1 = t.newWorker();
        t.fromPool(new PreparePool.Spawned(w1));
        var work = t.expectStartWork();
        // a critical job warrants spawning over the soft limit
        t.enqueue(2, PreparePriority.CRITICAL);
        t.expectSpawn();
        // before the new worker comes up, the first finishes: it is killed, the new one lives
        t.conclude(w1, work, false);
        assertEquals(new PreparePool.Kill(w1), t.pool.receiveMessage());
        WorkerId w2 = t.newWorker();
        t.fromPool(new PreparePool.Spawned(w2));
        var critical = t.expectStartWork();
        assertEquals(w2, critical.worker());
        assertEquals(Jobs.artifactId(2), critical.job().id());
    }

    // Port of worker_mass_die_out_doesnt_stall_queue.
    @Test
    void shouldNotStallWhenWorkersDieEnMasse() {
        Fixture t = new Fixture(2, 2);
        t.enqueue(1, PreparePriority.NORMAL);
        t.enqueue(2, PreparePriority.NORMAL);
        t.enqueue(3, PreparePriority.NORMAL);
        t.expectSpawn();
        t.expectSpawn();
        WorkerId w1 = t.newWorker();
        WorkerId w2 = t.newWorker();
        t.fromPool(new PreparePool.Spawned(w1));
        t.fromPool(new PreparePool.Spawned(w2));
        var first = t.expectStartWork();
        t.expectStartWork();
        t.conclude(w1, first, true);
        // the pool has closed the worker already; our Kill is a no-op there (the reference sends none)
        assertEquals(new PreparePool.Kill(w1), t.pool.receiveMessage());
        // work remains: one extra worker is requested for it
        t.expectSpawn();
        assertEquals(Jobs.artifactId(1), t.host.expectMessageClass(PrepareQueue.Prepared.class).job().id());
    }

    // Port of doesnt_resurrect_ripped_worker_if_no_work.
    @Test
    void shouldNotResurrectARippedWorkerWithoutWork() {
        Fixture t = new Fixture(2, 2);
        t.enqueue(1, PreparePriority.NORMAL);
        t.expectSpawn();
        WorkerId w1 = t.newWorker();
        t.fromPool(new PreparePool.Spawned(w1));
        var work = t.expectStartWork();
        t.fromPool(new PreparePool.Concluded(w1, work.job(), true,
                new PrepareOutcome.Failure(new PrepareError(PrepareError.Kind.IO_ERR, "test"))));
        assertEquals(new PreparePool.Kill(w1), t.pool.receiveMessage());
        t.pool.expectNoMessage(Duration.ofMillis(200));
    }

    // Port of rip_for_start_work.
    @Test
    void shouldRestartAJobWhoseWorkerDiedBeforeItReachedIt() {
        Fixture t = new Fixture(2, 2);
        t.enqueue(1, PreparePriority.NORMAL);
        t.expectSpawn();
        WorkerId w1 = t.newWorker();
        t.fromPool(new PreparePool.Spawned(w1));
        t.expectStartWork();
        // the pool reports the worker dead before it received the job
        t.fromPool(new PreparePool.Rip(w1));
        t.expectSpawn();
        WorkerId w2 = t.newWorker();
        t.fromPool(new PreparePool.Spawned(w2));
        var again = t.expectStartWork();
        assertEquals(w2, again.worker());
        assertEquals(Jobs.artifactId(1), again.job().id());
        // a late conclusion from the dead worker is not a second answer
        t.fromPool(new PreparePool.Concluded(w1, again.job(), true, t.ok(1)));
        t.host.expectNoMessage(Duration.ofMillis(100));
    }

    @Test
    void shouldRetireAWorkerIdleForTheIdleTimeoutAndSpawnAFreshOneForTheNextJob() {
        Duration idle = Duration.ofMinutes(5);
        Fixture t = new Fixture(new PrepareQueue.Limits(1, 2, SPAWN_RETRY, 3, Optional.of(idle)));
        t.enqueue(1, PreparePriority.NORMAL);
        t.expectSpawn();
        WorkerId w1 = t.newWorker();
        t.fromPool(new PreparePool.Spawned(w1));
        t.conclude(w1, t.expectStartWork(), false);
        t.host.expectMessageClass(PrepareQueue.Prepared.class);
        // idle for less than the timeout: kept, and given the next job
        manualTime.timePasses(idle.minusSeconds(1));
        t.enqueue(2, PreparePriority.NORMAL);
        var second = t.expectStartWork();
        assertEquals(w1, second.worker());
        // busy when the first idle spell's timer would have gone off: kept
        manualTime.expectNoMessageFor(Duration.ofSeconds(2), t.pool);
        t.conclude(w1, second, false);
        // the second idle spell counts from its own start
        manualTime.expectNoMessageFor(idle.minusMillis(1), t.pool);
        manualTime.timePasses(Duration.ofMillis(1));
        assertEquals(new PreparePool.Kill(w1), t.pool.receiveMessage());
        // no worker left: the next job spawns one
        t.enqueue(3, PreparePriority.NORMAL);
        t.expectSpawn();
    }

    @Test
    void shouldRetireAWorkerThatCameUpWithNothingToDoAfterTheIdleTimeout() {
        Duration idle = Duration.ofSeconds(30);
        Fixture t = new Fixture(new PrepareQueue.Limits(2, 2, SPAWN_RETRY, 3, Optional.of(idle)));
        t.enqueue(1, PreparePriority.NORMAL);
        t.enqueue(2, PreparePriority.NORMAL);
        t.expectSpawn();
        t.expectSpawn();
        WorkerId w1 = t.newWorker();
        WorkerId w2 = t.newWorker();
        t.fromPool(new PreparePool.Spawned(w1));
        var first = t.expectStartWork();
        t.conclude(w1, first, false);
        var second = t.expectStartWork();
        assertEquals(w1, second.worker());
        // w2 comes up with both jobs taken: idle from now
        t.fromPool(new PreparePool.Spawned(w2));
        manualTime.timePasses(Duration.ofSeconds(10));
        t.conclude(w1, second, false);
        manualTime.expectNoMessageFor(idle.minusSeconds(10).minusMillis(1), t.pool);
        manualTime.timePasses(Duration.ofMillis(1));
        assertEquals(new PreparePool.Kill(w2), t.pool.receiveMessage());
        manualTime.expectNoMessageFor(Duration.ofSeconds(9), t.pool);
        manualTime.timePasses(Duration.ofSeconds(1));
        assertEquals(new PreparePool.Kill(w1), t.pool.receiveMessage());
    }

    @Test
    void shouldKeepIdleWorkersWithoutAnIdleTimeout() {
        Fixture t = new Fixture(1, 2);
        t.enqueue(1, PreparePriority.NORMAL);
        t.expectSpawn();
        WorkerId w1 = t.newWorker();
        t.fromPool(new PreparePool.Spawned(w1));
        t.conclude(w1, t.expectStartWork(), false);
        manualTime.expectNoMessageFor(Duration.ofDays(8), t.pool);
        t.enqueue(2, PreparePriority.NORMAL);
        assertEquals(w1, t.expectStartWork().worker());
    }

    @Test
    void shouldEscalateAQueuedBackgroundJobToCriticalAndRunItFirst() {
        Fixture t = new Fixture(1, 2);
        t.enqueue(1, PreparePriority.NORMAL);
        t.expectSpawn();
        WorkerId w1 = t.newWorker();
        t.fromPool(new PreparePool.Spawned(w1));
        var running = t.expectStartWork();
        t.enqueue(2, PreparePriority.BACKGROUND); // a heads-up
        t.enqueue(3, PreparePriority.NORMAL);
        t.pool.expectNoMessage(Duration.ofMillis(100)); // soft cap reached, nothing critical
        // a dispute needs PVF 2: its job becomes Critical, may spawn beyond the soft cap and goes first
        t.queue.tell(new PrepareQueue.AmendPriority(Jobs.artifactId(2), PreparePriority.CRITICAL));
        t.expectSpawn();
        WorkerId w2 = t.newWorker();
        t.fromPool(new PreparePool.Spawned(w2));
        var escalated = t.expectStartWork();
        assertEquals(Jobs.artifactId(2), escalated.job().id());
        assertEquals(PreparePriority.CRITICAL, escalated.job().priority());
        // two workers, soft cap one: the first to finish is retired; the Normal job waits for the other
        t.conclude(w1, running, false);
        assertEquals(new PreparePool.Kill(w1), t.pool.receiveMessage());
        t.conclude(w2, escalated, false);
        var normal = t.expectStartWork();
        assertEquals(w2, normal.worker());
        assertEquals(Jobs.artifactId(3), normal.job().id());
    }

    @Test
    void shouldNeverLowerAQueuedJobsPriority() {
        Fixture t = new Fixture(1, 1);
        t.enqueue(1, PreparePriority.NORMAL);
        t.expectSpawn();
        WorkerId w1 = t.newWorker();
        t.fromPool(new PreparePool.Spawned(w1));
        var running = t.expectStartWork();
        t.enqueue(2, PreparePriority.NORMAL);
        t.enqueue(3, PreparePriority.CRITICAL);
        t.queue.tell(new PrepareQueue.AmendPriority(Jobs.artifactId(3), PreparePriority.BACKGROUND));
        t.queue.tell(new PrepareQueue.AmendPriority(Jobs.artifactId(3), PreparePriority.NORMAL));
        t.conclude(w1, running, false);
        var next = t.expectStartWork();
        assertEquals(Jobs.artifactId(3), next.job().id());
        assertEquals(PreparePriority.CRITICAL, next.job().priority());
    }

    @Test
    void shouldRetryAFailedSpawnAfterTheDelayInVirtualTime() {
        Fixture t = new Fixture(1, 2);
        t.enqueue(1, PreparePriority.NORMAL);
        t.expectSpawn();
        t.fromPool(new PreparePool.SpawnFailed("spawn timed out after 3s"));
        manualTime.expectNoMessageFor(SPAWN_RETRY.minusMillis(1), t.pool);
        manualTime.timePasses(Duration.ofMillis(1));
        t.expectSpawn();
        WorkerId w1 = t.newWorker();
        t.fromPool(new PreparePool.Spawned(w1));
        assertEquals(Jobs.artifactId(1), t.expectStartWork().job().id());
    }

    @Test
    void shouldFailTheWaitingJobsWhenNoWorkerCanBeStarted() {
        Fixture t = new Fixture(1, 2);
        t.enqueue(1, PreparePriority.NORMAL);
        t.enqueue(2, PreparePriority.BACKGROUND);
        for (int attempt = 1; attempt <= 3; attempt++) {
            t.expectSpawn();
            t.fromPool(new PreparePool.SpawnFailed("no java"));
            if (attempt < 3) {
                manualTime.timePasses(SPAWN_RETRY);
            }
        }
        for (int i = 0; i < 2; i++) {
            var failed = t.host.expectMessageClass(PrepareQueue.Prepared.class);
            var failure = assertInstanceOf(PrepareOutcome.Failure.class, failed.outcome());
            assertEquals(PrepareError.Kind.KERNEL, failure.error().kind());
        }
        t.pool.expectNoMessage(Duration.ofMillis(100));
    }

    @Test
    void shouldSpawnAReplacementForAnIdleWorkerThatDiedOnlyWhenWorkWaits() {
        Fixture t = new Fixture(1, 1);
        t.enqueue(1, PreparePriority.NORMAL);
        t.expectSpawn();
        WorkerId w1 = t.newWorker();
        t.fromPool(new PreparePool.Spawned(w1));
        var work = t.expectStartWork();
        t.conclude(w1, work, false);
        t.host.expectMessageClass(PrepareQueue.Prepared.class);
        t.fromPool(new PreparePool.Rip(w1)); // died idle, nothing to do
        t.pool.expectNoMessage(Duration.ofMillis(100));
        t.enqueue(2, PreparePriority.BACKGROUND);
        t.expectSpawn();
    }
}
