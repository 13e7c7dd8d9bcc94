package io.pvfhost.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
