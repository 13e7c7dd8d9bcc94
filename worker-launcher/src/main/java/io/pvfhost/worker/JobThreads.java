package io.pvfhost.worker;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads a job starts to help it (the parallel compilation), so that the job's CPU-time limit
 * counts their CPU time too: {@link JobRunner} adds {@link #cpuNanos()} to the job thread's own.
 * A worker runs one job at a time, so one count per worker JVM is enough.
 */
public final class JobThreads {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** The helper threads started since the last {@link #reset()}, running or ended. */
    private static final Set<Helper> HELPERS = ConcurrentHashMap.newKeySet();
    private static final AtomicInteger IDS = new AtomicInteger();

    /**
     * One helper thread; its CPU time is read from the JVM while it runs and recorded by the thread
     * itself as it ends, so it is counted in full at every moment, never twice.
     */
    private static final class Helper {
        final Thread thread;
        volatile long endedNanos = -1;

        Helper(Thread thread) {
            this.thread = thread;
        }

        long cpuNanos() {
            long ended = endedNanos;
            if (ended >= 0) {
                return ended;
            }
            long c = THREADS.getThreadCpuTime(thread.getId());
            if (c < 0) {
                c = Math.max(0, endedNanos); // it ended between the two reads
            }
            return c;
        }
    }

    private JobThreads() {}

    /**
     * A pool of {@code threads} daemon threads whose CPU time counts as the running job's. The
     * caller shuts it down when its work is done ({@code shutdownNow} on every path).
     */
    public static ExecutorService pool(String name, int threads) {
        return Executors.newFixedThreadPool(threads, task -> {
            // registered here, in the job that makes it, not when it starts running: a thread that
            // starts late must not be counted against the next job
            Helper[] self = new Helper[1];
            Thread t = new Thread(null, () -> {
                try {
                    task.run();
                } finally {
                    self[0].endedNanos = Math.max(0, THREADS.getCurrentThreadCpuTime());
                }
            }, name + "-" + IDS.incrementAndGet(), JobRunner.JOB_STACK_BYTES);
            self[0] = new Helper(t);
            HELPERS.add(self[0]);
            t.setDaemon(true);
            return t;
        });
    }

    /** CPU time of the helper threads started since the last {@link #reset()}: the ended ones' and the running ones' so far. */
    public static long cpuNanos() {
        long sum = 0;
        for (Helper h : HELPERS) {
            sum += h.cpuNanos();
        }
        return sum;
    }

    /** Forgets the helpers of the previous job, at the start of a job. */
    static void reset() {
        HELPERS.clear();
    }

    /** Helper threads running now (tests: none may outlive its job). */
    public static int live() {
        int n = 0;
        for (Helper h : HELPERS) {
            if (h.endedNanos < 0) {
                n++;
            }
        }
        return n;
    }
}
