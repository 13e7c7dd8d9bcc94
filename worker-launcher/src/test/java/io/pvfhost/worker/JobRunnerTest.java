package io.pvfhost.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JobRunnerTest {

    @Test
    void shouldStopWaitingOnceTheJobUsedItsCpuTime() throws Exception {
        long start = System.nanoTime();
        var r = JobRunner.run("spin", () -> {
            long x = 0;
            while (!Thread.currentThread().isInterrupted()) {
                x++;
            }
            return x;
        }, 300);
        long ms = (System.nanoTime() - start) / 1_000_000;
        var t = assertInstanceOf(JobRunner.TimedOut.class, r);
        assertTrue(t.cpuNanos() >= 300_000_000L, "cpu " + t.cpuNanos());
        assertTrue(ms >= 300, "returned after " + ms + " ms");
    }

    @Test
    void shouldReturnTheValueOfAJobWithinItsTime() throws Exception {
        var r = JobRunner.run("quick", () -> 42, 1000);
        assertEquals(42, assertInstanceOf(JobRunner.Done.class, r).value());
    }

    @Test
    void shouldReturnTheFailureOfAJob() throws Exception {
        var r = JobRunner.run("fail", () -> {
            throw new IllegalStateException("boom");
        }, 1000);
        assertEquals("boom", assertInstanceOf(JobRunner.Failed.class, r).error().getMessage());
    }

    @Test
    void shouldStopAJobWhoseLiveHeapStaysOverTheLimit() throws Exception {
        var r = JobRunner.run("hog", () -> {
            java.util.List<byte[]> keep = new java.util.ArrayList<>();
            while (!Thread.currentThread().isInterrupted()) {
                keep.add(new byte[1 << 20]);
                Thread.sleep(1);
            }
            return keep.size();
        }, 60_000, 64L << 20);
        var m = assertInstanceOf(JobRunner.OverMemory.class, r);
        assertTrue(m.usedBytes() > 64L << 20, "used " + m.usedBytes());
    }

    @Test
    void shouldCountTheCpuTimeOfTheJobsHelperThreads() throws Exception {
        // the job thread only waits; its two helpers spin: their CPU time is the job's
        var r = JobRunner.run("helped", () -> {
            var pool = JobThreads.pool("spin-helper", 2);
            try {
                var a = pool.submit(JobRunnerTest::spinUntilInterrupted);
                var b = pool.submit(JobRunnerTest::spinUntilInterrupted);
                return a.get() + b.get();
            } finally {
                pool.shutdownNow();
            }
        }, 300);
        var t = assertInstanceOf(JobRunner.TimedOut.class, r);
        assertTrue(t.cpuNanos() >= 300_000_000L, "cpu " + t.cpuNanos());
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (JobThreads.live() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, JobThreads.live(), "helper threads stopped with their job");
    }

    @Test
    void shouldAddFinishedHelpersToTheJobsCpuTime() throws Exception {
        var r = JobRunner.run("helped-once", () -> {
            var pool = JobThreads.pool("busy-helper", 1);
            try {
                return pool.submit(() -> {
                    long end = System.nanoTime() + 200_000_000L;
                    long x = 0;
                    while (System.nanoTime() < end) {
                        x++;
                    }
                    return x;
                }).get();
            } finally {
                pool.shutdownNow();
            }
        }, 10_000);
        var d = assertInstanceOf(JobRunner.Done.class, r);
        // 200 ms of wall time spinning; on a loaded machine the CPU share can be lower, never zero
        assertTrue(d.cpuNanos() >= 50_000_000L, "cpu " + d.cpuNanos());
    }

    @Test
    void shouldRunTheNextJobOnTheSameThreadAndCountOnlyItsOwnCpuTime() throws Exception {
        var first = assertInstanceOf(JobRunner.Done.class, JobRunner.run("busy", () -> {
            spinCpu(100_000_000L);
            return Thread.currentThread();
        }, 10_000));
        assertTrue(first.cpuNanos() >= 100_000_000L, "cpu " + first.cpuNanos());
        var second = assertInstanceOf(JobRunner.Done.class, JobRunner.run("idle", Thread::currentThread, 10_000));
        assertSame(first.value(), second.value(), "the job thread is kept for the next job");
        assertTrue(second.cpuNanos() < first.cpuNanos() / 2,
                "a job's CPU time is its own, not the thread's: " + second.cpuNanos() + " after " + first.cpuNanos());
    }

    @Test
    void shouldStartAJobUninterruptedOnTheThreadOfAJobThatInterruptedItself() throws Exception {
        var first = assertInstanceOf(JobRunner.Done.class, JobRunner.run("self-interrupt", () -> {
            Thread.currentThread().interrupt();
            return Thread.currentThread();
        }, 10_000));
        var r = assertInstanceOf(JobRunner.Done.class, JobRunner.run("check",
                () -> new Object[] {Thread.currentThread(), Thread.currentThread().isInterrupted()}, 10_000));
        Object[] seen = (Object[]) r.value();
        assertSame(first.value(), seen[0], "the thread was kept");
        assertEquals(false, seen[1], "the next job starts uninterrupted");
    }

    @Test
    void shouldTimeOutAJobThatUsedMoreThanItsCpuTimeAlsoWhenItEndedBetweenTwoLooks() throws Exception {
        // 2 ms over a 50 ms limit: the job often ends before the runner looks again (it looks every 5 ms);
        // the verdict must not depend on when it looked
        for (int i = 0; i < 20; i++) {
            var r = JobRunner.run("just-over", () -> {
                spinCpu(52_000_000L);
                return 1;
            }, 50);
            var t = assertInstanceOf(JobRunner.TimedOut.class, r, "run " + i);
            assertTrue(t.cpuNanos() > 50_000_000L, "cpu " + t.cpuNanos());
        }
    }

    @Test
    void shouldRunTheJobAfterATimedOutOneOnANewThread() throws Exception {
        var timedOut = new java.util.concurrent.atomic.AtomicReference<Thread>();
        var r = JobRunner.run("spin", () -> {
            timedOut.set(Thread.currentThread());
            return spinUntilInterrupted();
        }, 100);
        assertInstanceOf(JobRunner.TimedOut.class, r);
        var next = assertInstanceOf(JobRunner.Done.class, JobRunner.run("after", Thread::currentThread, 10_000));
        assertNotSame(timedOut.get(), next.value(), "the given-up thread may still be in its job");
        timedOut.get().join(5_000);
        assertFalse(timedOut.get().isAlive(), "a given-up job thread ends once its job has");
    }

    private static void spinCpu(long nanos) {
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long end = mx.getCurrentThreadCpuTime() + nanos;
        while (mx.getCurrentThreadCpuTime() < end) {
            Thread.onSpinWait();
        }
    }

    private static long spinUntilInterrupted() {
        long x = 0;
        while (!Thread.currentThread().isInterrupted()) {
            x++;
        }
        return x;
    }
}
