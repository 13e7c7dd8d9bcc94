package io.pvfhost.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pvfhost.artifacts.ArtifactId;
import io.pvfhost.common.params.ExecutorParams;
import io.pvfhost.host.WorkerScheduler.Action;
import io.pvfhost.host.WorkerScheduler.Kill;
import io.pvfhost.host.WorkerScheduler.Spawn;
import io.pvfhost.host.WorkerScheduler.Start;
import io.pvfhost.host.prepare.PrepareJob;
import io.pvfhost.host.prepare.PrepareJobQueue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class WorkerSchedulerTest {

    private static final WorkerId W1 = new WorkerId("test", 1);
    private static final WorkerId W2 = new WorkerId("test", 2);
    private static final WorkerId W3 = new WorkerId("test", 3);

    /** First in, first out; spawns up to {@code maxWorkers}; retires workers over {@code softCap}. */
    static final class Fifo implements WorkerScheduler.Policy<String> {
        final ArrayDeque<String> jobs = new ArrayDeque<>();
        final int maxWorkers;
        final int softCap;
        final List<Integer> maySpawnAsked = new ArrayList<>();
        final List<Integer> retireAsked = new ArrayList<>();

        Fifo(int maxWorkers, int softCap) {
            this.maxWorkers = maxWorkers;
            this.softCap = softCap;
        }

        @Override
        public Optional<String> peek() {
            return Optional.ofNullable(jobs.peekFirst());
        }

        @Override
        public String take() {
            return jobs.removeFirst();
        }

        @Override
        public int queued() {
            return jobs.size();
        }

        @Override
        public boolean maySpawn(int workers, String job) {
            maySpawnAsked.add(workers);
            return workers < maxWorkers;
        }

        @Override
        public boolean retireAfterJob(int workers) {
            retireAsked.add(workers);
            return workers > softCap;
        }

        @Override
        public void putBack(String job) {
            jobs.addFirst(job);
        }
    }

    private final Fifo fifo = new Fifo(4, 4);
    private final WorkerScheduler<String> scheduler = new WorkerScheduler<>(fifo);

    private List<Action<String>> enqueue(String... jobs) {
        List<Action<String>> all = new ArrayList<>();
        for (String j : jobs) {
            fifo.jobs.addLast(j);
            all.addAll(scheduler.onEnqueued());
        }
        return all;
    }

    private static <J> long spawns(List<Action<J>> actions) {
        return actions.stream().filter(a -> a instanceof Spawn).count();
    }

    /** Brings up {@code ids} as workers (spawned for queued jobs), returns what that caused. */
    private List<Action<String>> spawned(WorkerId... ids) {
        List<Action<String>> all = new ArrayList<>();
        for (WorkerId w : ids) {
            all.addAll(scheduler.onSpawned(w));
        }
        return all;
    }

    @Test
    void shouldSpawnOneWorkerPerQueuedJob() {
        assertEquals(List.of(new Spawn<>()), enqueue("a"));
        assertEquals(List.of(new Spawn<>(), new Spawn<>()), enqueue("b", "c"));
        assertEquals(3, scheduler.spawning());
        assertEquals(List.of(), scheduler.schedule());
        assertEquals(3, scheduler.spawning());
    }

    @Test
    void shouldNotSpawnMoreWorkersThanThePolicyAllows() {
        List<Action<String>> actions = enqueue("a", "b", "c", "d", "e", "f");
        assertEquals(4, spawns(actions));
        assertEquals(4, scheduler.spawning());
        assertEquals(List.of(), scheduler.schedule());
    }

    @Test
    void shouldCountWorkersBeingSpawnedWhenAskingThePolicy() {
        enqueue("a", "b");
        assertEquals(List.of(0, 1), fifo.maySpawnAsked);
        spawned(W1);
        enqueue("c");
        // W1 busy with a, b's spawn still in flight: 2 workers
        assertEquals(2, fifo.maySpawnAsked.get(fifo.maySpawnAsked.size() - 1));
    }

    @Test
    void shouldNotSpawnWhenNothingIsQueued() {
        assertEquals(List.of(), scheduler.onEnqueued());
        assertEquals(List.of(), scheduler.schedule());
        assertEquals(0, scheduler.spawning());
    }

    @Test
    void shouldStartTheQueuedJobsInOrderOnSpawnedWorkers() {
        enqueue("a", "b");
        assertEquals(List.of(new Start<>(W1, "a")), scheduler.onSpawned(W1));
        assertEquals(List.of(new Start<>(W2, "b")), scheduler.onSpawned(W2));
        assertEquals(0, scheduler.spawning());
        assertEquals(2, scheduler.busyCount());
        assertEquals(Optional.of("a"), scheduler.jobOf(W1));
        assertEquals(Optional.of("b"), scheduler.jobOf(W2));
    }

    @Test
    void shouldKeepASpawnedWorkerIdleWhenThereIsNoJob() {
        enqueue("a");
        fifo.jobs.clear(); // the job went away meanwhile
        assertEquals(List.of(), scheduler.onSpawned(W1));
        assertEquals(1, scheduler.workers());
        assertEquals(0, scheduler.busyCount());
        assertEquals(List.of(new Start<>(W1, "b")), enqueue("b"));
    }

    @Test
    void shouldGiveTheNextJobToAnIdleWorkerInsteadOfSpawning() {
        enqueue("a");
        spawned(W1);
        scheduler.onConcluded(W1, false);
        assertEquals(List.of(new Start<>(W1, "b")), enqueue("b"));
        assertEquals(0, scheduler.spawning());
    }

    @Test
    void shouldHandTheNextQueuedJobToAWorkerThatConcluded() {
        Fifo one = new Fifo(1, 1);
        WorkerScheduler<String> s = new WorkerScheduler<>(one);
        one.jobs.addAll(List.of("a", "b"));
        assertEquals(List.of(new Spawn<>()), s.onEnqueued());
        assertEquals(List.of(new Start<>(W1, "a")), s.onSpawned(W1));
        assertEquals(List.of(new Start<>(W1, "b")), s.onConcluded(W1, false));
        assertEquals(List.of(), s.onConcluded(W1, false));
        assertEquals(1, s.workers());
        assertEquals(Optional.empty(), s.jobOf(W1));
    }

    @Test
    void shouldRetireAWorkerOnItsIdleTimeoutOnlyWhileItIsIdle() {
        enqueue("a");
        spawned(W1);
        assertFalse(scheduler.isIdle(W1));
        assertEquals(List.of(), scheduler.onIdleTimeout(W1), "busy: a stale timeout does nothing");
        assertEquals(Optional.of("a"), scheduler.jobOf(W1));
        scheduler.onConcluded(W1, false);
        assertTrue(scheduler.isIdle(W1));
        assertEquals(List.of(new Kill<>(W1)), scheduler.onIdleTimeout(W1));
        assertEquals(0, scheduler.workers());
        assertFalse(scheduler.isIdle(W1));
        assertEquals(List.of(), scheduler.onIdleTimeout(W1), "already retired");
        // the next job gets a new worker
        assertEquals(List.of(new Spawn<>()), enqueue("b"));
        assertEquals(List.of(new Start<>(W2, "b")), spawned(W2));
    }

    @Test
    void shouldKillAWorkerThatConcludedWithRip() {
        enqueue("a");
        spawned(W1);
        assertEquals(List.of(new Kill<>(W1)), scheduler.onConcluded(W1, true));
        assertEquals(0, scheduler.workers());
        assertEquals(List.of(), scheduler.allWorkers());
        assertEquals(Optional.empty(), scheduler.jobOf(W1));
    }

    @Test
    void shouldReplaceAWorkerThatConcludedWithRipWhenJobsWait() {
        Fifo one = new Fifo(1, 1);
        WorkerScheduler<String> s = new WorkerScheduler<>(one);
        one.jobs.addAll(List.of("a", "b"));
        s.onEnqueued();
        s.onSpawned(W1);
        assertEquals(List.of(new Kill<>(W1), new Spawn<>()), s.onConcluded(W1, true));
        assertEquals(List.of(new Start<>(W2, "b")), s.onSpawned(W2));
    }

    @Test
    void shouldNotReuseAWorkerThatConcludedWithRipEvenWithJobsQueued() {
        enqueue("a");
        spawned(W1);
        fifo.jobs.add("b");
        List<Action<String>> actions = scheduler.onConcluded(W1, true);
        assertTrue(actions.stream().noneMatch(a -> a instanceof Start<String> st && st.worker().equals(W1)), actions::toString);
    }

    @Test
    void shouldRetireAWorkerOverTheSoftCapAfterItsJob() {
        Fifo soft1 = new Fifo(2, 1);
        WorkerScheduler<String> s = new WorkerScheduler<>(soft1);
        soft1.jobs.addAll(List.of("a", "b"));
        assertEquals(2, spawns(s.onEnqueued()));
        s.onSpawned(W1);
        s.onSpawned(W2);
        // two workers alive, soft cap 1: the first to finish goes
        assertEquals(List.of(new Kill<>(W1)), s.onConcluded(W1, false));
        assertEquals(List.of(2), soft1.retireAsked);
        assertEquals(1, s.workers());
        // the last one is within the cap: it stays
        assertEquals(List.of(), s.onConcluded(W2, false));
        assertEquals(List.of(2, 1), soft1.retireAsked);
        assertEquals(List.of(W2), s.allWorkers());
    }

    // Killing the worker and spawning a new one for the waiting job would only cost a process start.
    @Test
    void shouldKeepAWorkerOverTheSoftCapWhenTheWaitingJobWouldGetANewWorkerAnyway() {
        Fifo soft1 = new Fifo(2, 1);
        WorkerScheduler<String> s = new WorkerScheduler<>(soft1);
        soft1.jobs.addAll(List.of("a", "b"));
        s.onEnqueued();
        s.onSpawned(W1);
        s.onSpawned(W2);
        soft1.jobs.add("c"); // maySpawn allows a second worker for any job
        assertEquals(List.of(new Start<>(W1, "c")), s.onConcluded(W1, false));
        assertEquals(2, s.workers());
        assertEquals(0, s.spawning());
    }

    @Test
    void shouldKeepAWorkerWithinTheSoftCapIdleAfterItsJob() {
        Fifo soft1 = new Fifo(2, 1);
        WorkerScheduler<String> s = new WorkerScheduler<>(soft1);
        soft1.jobs.add("a");
        s.onEnqueued();
        s.onSpawned(W1);
        assertEquals(List.of(), s.onConcluded(W1, false));
        assertEquals(List.of(1), soft1.retireAsked);
        assertEquals(List.of(W1), s.allWorkers());
        assertEquals(0, s.busyCount());
    }

    @Test
    void shouldAllowANewSpawnAfterAnIdleWorkerDied() {
        Fifo one = new Fifo(1, 1);
        WorkerScheduler<String> s = new WorkerScheduler<>(one);
        one.jobs.add("a");
        s.onEnqueued();
        s.onSpawned(W1);
        s.onConcluded(W1, false);
        one.jobs.add("b");
        one.jobs.add("c");
        // W1 idle takes b; c cannot spawn at the cap of 1
        assertEquals(List.of(new Start<>(W1, "b")), s.onEnqueued());
        s.onConcluded(W1, false); // takes c
        assertEquals(Optional.of("c"), s.jobOf(W1));
        s.onConcluded(W1, false);
        assertEquals(List.of(), s.onRip(W1));
        assertEquals(0, s.workers());
        one.jobs.add("d");
        assertEquals(List.of(new Spawn<>()), s.onEnqueued());
    }

    @Test
    void shouldSpawnForWaitingJobsWhenAnIdleWorkerDies() {
        Fifo two = new Fifo(2, 2);
        WorkerScheduler<String> s = new WorkerScheduler<>(two);
        two.jobs.addAll(List.of("a", "b"));
        s.onEnqueued();
        s.onSpawned(W1);
        s.onSpawned(W2);
        s.onConcluded(W2, false); // W2 idle, W1 busy
        two.jobs.addAll(List.of("c", "d"));
        s.onEnqueued(); // W2 takes c; d waits (2 workers)
        assertEquals(List.of(), s.schedule());
        s.onConcluded(W2, false); // W2 takes d
        s.onConcluded(W2, false); // W2 idle
        two.jobs.add("e");
        // the scheduler was told nothing yet: W2 dies idle, and the rip makes room for a spawn
        assertEquals(List.of(new Spawn<>()), s.onRip(W2));
    }

    @Test
    void shouldForgetAWorkerOnlyOnceWhenItDiesIdle() {
        enqueue("a");
        spawned(W1);
        scheduler.onConcluded(W1, false);
        scheduler.onRip(W1);
        scheduler.onRip(W1);
        assertEquals(0, scheduler.workers());
    }

    @Test
    void shouldDecrementTheInFlightCountWhenASpawnFails() {
        enqueue("a", "b");
        assertEquals(2, scheduler.spawning());
        scheduler.onSpawnFailed();
        assertEquals(1, scheduler.spawning());
        assertEquals(0, scheduler.workers());
        // a retry spawns again for the job that lost its worker
        assertEquals(List.of(new Spawn<>()), scheduler.schedule());
        assertEquals(2, scheduler.spawning());
    }

    @Test
    void shouldNeverLetTheInFlightCountGoNegative() {
        scheduler.onSpawnFailed();
        assertEquals(0, scheduler.spawning());
        assertEquals(List.of(new Spawn<>()), enqueue("a"));
        assertEquals(1, scheduler.spawning());
    }

    @Test
    void shouldFreeTheSpawnSlotForThePolicyWhenASpawnFails() {
        Fifo one = new Fifo(1, 1);
        WorkerScheduler<String> s = new WorkerScheduler<>(one);
        one.jobs.add("a");
        assertEquals(List.of(new Spawn<>()), s.onEnqueued());
        assertEquals(List.of(), s.schedule()); // at the cap while the spawn is in flight
        s.onSpawnFailed();
        assertEquals(List.of(new Spawn<>()), s.schedule());
    }

    @Test
    void shouldListIdleAndBusyWorkersForShutdown() {
        enqueue("a", "b");
        spawned(W1, W2);
        scheduler.onConcluded(W1, false);
        assertEquals(Set.of(W1, W2), Set.copyOf(scheduler.allWorkers()));
        assertEquals(2, scheduler.workers());
        assertEquals(1, scheduler.busyCount());
    }

    @Test
    void shouldKeepAWorkerIdleThatCameUpAfterItsJobWasTakenByAnother() {
        enqueue("a", "b");
        spawned(W1);                   // takes a
        scheduler.onConcluded(W1, false); // takes b: W2's spawn has nothing left to do
        assertEquals(Optional.of("b"), scheduler.jobOf(W1));
        assertEquals(List.of(), scheduler.onSpawned(W2));
        assertEquals(Set.of(W1, W2), Set.copyOf(scheduler.allWorkers()));
        assertEquals(List.of(new Start<>(W2, "c")), enqueue("c"));
        assertEquals(List.of(new Spawn<>()), enqueue("d"));
        assertEquals(List.of(new Start<>(W3, "d")), scheduler.onSpawned(W3));
    }

    /** The scheduler driven by the real preparation policy (soft and hard caps, priorities). */
    @Nested
    class WithPrepareJobQueue {
        private final PrepareJobQueue queue = new PrepareJobQueue(1, 2);
        private final WorkerScheduler<PrepareJob> s = new WorkerScheduler<>(queue);
        private int next;

        private PrepareJob job(PreparePriority p) {
            byte[] code = new byte[32];
            code[0] = (byte) ++next;
            return new PrepareJob(new ArtifactId(code, new byte[32]), code, ExecutorParams.DEFAULT, p,
                    Duration.ofSeconds(360), Path.of("a" + next), 3 << 20, 30 << 20);
        }

        private List<Action<PrepareJob>> add(PrepareJob j) {
            queue.add(j);
            return s.onEnqueued();
        }

        @Test
        void shouldSpawnOnlyUpToTheSoftCapForNormalWork() {
            assertEquals(1, spawns(add(job(PreparePriority.NORMAL))));
            assertEquals(0, spawns(add(job(PreparePriority.NORMAL))));
            assertEquals(0, spawns(add(job(PreparePriority.BACKGROUND))));
            assertEquals(1, s.spawning());
        }

        @Test
        void shouldSpawnBeyondTheSoftCapForCriticalWorkUpToTheHardCap() {
            PrepareJob n = job(PreparePriority.NORMAL);
            add(n);
            assertEquals(List.of(new Start<>(W1, n)), s.onSpawned(W1));
            assertEquals(1, spawns(add(job(PreparePriority.CRITICAL))));
            assertEquals(0, spawns(add(job(PreparePriority.CRITICAL))));
            assertEquals(1, s.spawning());
            assertEquals(1, s.workers());
        }

        // The starting worker will take the Critical job (it runs first); a second worker would
        // serve the Normal one, which may not spawn beyond the soft cap.
        @Test
        void shouldLetACriticalJobTakeTheWorkerStartingForANormalOne() {
            PrepareJob n = job(PreparePriority.NORMAL);
            PrepareJob c = job(PreparePriority.CRITICAL);
            assertEquals(1, spawns(add(n)));
            assertEquals(0, spawns(add(c)));
            assertEquals(List.of(new Start<>(W1, c)), s.onSpawned(W1));
            assertEquals(List.of(new Start<>(W1, n)), s.onConcluded(W1, false));
        }

        // The spawn beyond the soft cap would serve the second job in line: a Normal one. Only
        // Critical work may spawn beyond the soft cap, so none is spawned.
        @Test
        void shouldNotLetACriticalJobAtTheHeadSpawnExtraWorkersForTheNormalJobsBehindIt() {
            assertEquals(1, spawns(add(job(PreparePriority.CRITICAL))));
            assertEquals(0, spawns(add(job(PreparePriority.NORMAL))));
            assertEquals(0, spawns(add(job(PreparePriority.BACKGROUND))));
            assertEquals(1, s.spawning());
        }

        @Test
        void shouldSpawnForEachCriticalJobThatNoStartingWorkerWillTake() {
            PrepareJobQueue wide = new PrepareJobQueue(1, 4);
            WorkerScheduler<PrepareJob> ws = new WorkerScheduler<>(wide);
            wide.add(job(PreparePriority.NORMAL));
            wide.add(job(PreparePriority.CRITICAL));
            wide.add(job(PreparePriority.CRITICAL));
            wide.add(job(PreparePriority.NORMAL));
            // in line: C, C, N, N; one worker within the soft cap, one more for the second C
            assertEquals(2, spawns(ws.schedule()));
            assertEquals(2, ws.spawning());
        }

        @Test
        void shouldStartCriticalWorkFirstOnASpawnedWorker() {
            PrepareJob normal = job(PreparePriority.NORMAL);
            PrepareJob background = job(PreparePriority.BACKGROUND);
            PrepareJob critical = job(PreparePriority.CRITICAL);
            add(background);
            add(normal);
            add(critical);
            assertEquals(List.of(new Start<>(W1, critical)), s.onSpawned(W1));
            assertEquals(List.of(new Start<>(W1, normal)), s.onConcluded(W1, false));
            assertEquals(List.of(new Start<>(W1, background)), s.onConcluded(W1, false));
        }

        @Test
        void shouldRetireTheWorkerOverTheSoftCapWhenOnlyNormalWorkWaits() {
            PrepareJob c1 = job(PreparePriority.CRITICAL);
            PrepareJob c2 = job(PreparePriority.CRITICAL);
            assertEquals(1, spawns(add(c1)));
            assertEquals(1, spawns(add(c2)));
            s.onSpawned(W1); // takes c1
            s.onSpawned(W2); // takes c2
            PrepareJob n = job(PreparePriority.NORMAL);
            assertEquals(List.of(), add(n)); // two workers: Normal work may not spawn a third or wait on a second
            assertEquals(List.of(new Kill<>(W2)), s.onConcluded(W2, false));
            assertEquals(List.of(new Start<>(W1, n)), s.onConcluded(W1, false));
            assertEquals(List.of(W1), s.allWorkers());
        }

        @Test
        void shouldKeepTheWorkerOverTheSoftCapForWaitingCriticalWork() {
            PrepareJob c1 = job(PreparePriority.CRITICAL);
            PrepareJob c2 = job(PreparePriority.CRITICAL);
            add(c1);
            add(c2);
            s.onSpawned(W1);
            s.onSpawned(W2);
            PrepareJob c3 = job(PreparePriority.CRITICAL);
            assertEquals(List.of(), add(c3)); // at the hard cap
            assertEquals(List.of(new Start<>(W2, c3)), s.onConcluded(W2, false));
            // nothing waits now: W1 finishes with two alive and is retired
            assertEquals(List.of(new Kill<>(W1)), s.onConcluded(W1, false));
            assertEquals(List.of(W2), s.allWorkers());
        }

        @Test
        void shouldPeekJobsInRunOrderByPosition() {
            PrepareJob b = job(PreparePriority.BACKGROUND);
            PrepareJob n1 = job(PreparePriority.NORMAL);
            PrepareJob c = job(PreparePriority.CRITICAL);
            PrepareJob n2 = job(PreparePriority.NORMAL);
            for (PrepareJob j : List.of(b, n1, c, n2)) {
                queue.add(j);
            }
            assertEquals(Optional.of(c), queue.peekAt(0));
            assertEquals(Optional.of(n1), queue.peekAt(1));
            assertEquals(Optional.of(n2), queue.peekAt(2));
            assertEquals(Optional.of(b), queue.peekAt(3));
            assertEquals(Optional.empty(), queue.peekAt(4));
            assertEquals(queue.peek(), queue.peekAt(0));
        }
    }
}
