package io.pvfhost.worker;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Threads a job starts to help it (the parallel compilation), so that the job's CPU-time limit
 * counts their CPU time too: {@link JobRunner} adds {@link #cpuNanos()} to the job thread's own.
 * A worker runs one job at a time, so one count per worker JVM is enough.
 */
public final class JobThreads {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final Set<Thread> LIVE = ConcurrentHashMap.newKeySet();
    private static final AtomicLong FINISHED_NANOS = new AtomicLong();
    private static final AtomicInteger IDS = new AtomicInteger();

    private JobThreads() {}

    /**
     * A pool of {@code threads} daemon threads whose CPU time counts as the running job's. The
     * caller shuts it down when its work is done ({@code shutdownNow} on every path).
     */
    public static ExecutorService pool(String name, int threads) {
        return Executors.newFixedThreadPool(threads, task -> {
            Thread t = new Thread(null, () -> {
                Thread self = Thread.currentThread();
                LIVE.add(self);
                try {
                    task.run();
                } finally {
                    long own = THREADS.getCurrentThreadCpuTime();
                    // removed before counted: a sample in between counts too little for 5 ms, never twice
                    LIVE.remove(self);
                    FINISHED_NANOS.addAndGet(Math.max(0, own));
                }
            }, name + "-" + IDS.incrementAndGet(), JobRunner.JOB_STACK_BYTES);
            t.setDaemon(true);
            return t;
        });
    }

    /** CPU time of the helper threads since the last {@link #reset()}: the finished ones' and the running ones' so far. */
    public static long cpuNanos() {
        long sum = FINISHED_NANOS.get();
        for (Thread t : LIVE) {
            long c = THREADS.getThreadCpuTime(t.getId());
            if (c > 0) {
                sum += c;
            }
        }
        return sum;
    }

    /** Forgets the finished helpers' CPU time, at the start of a job. */
    static void reset() {
        FINISHED_NANOS.set(0);
    }

    /** Helper threads running now (tests: none may outlive its job). */
    public static int live() {
        return LIVE.size();
    }
}
