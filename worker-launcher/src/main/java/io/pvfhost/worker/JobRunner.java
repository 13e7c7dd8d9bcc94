package io.pvfhost.worker;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one job on its own thread with a large native stack and stops waiting for it once the
 * thread has used more CPU time than allowed. CPU time, not wall time, so that a loaded machine
 * does not turn a valid block into a timeout (the reference measures the same way). The CPU time
 * of the threads a job starts through {@link JobThreads} counts as the job's.
 */
public final class JobRunner {
    /** Native stack of job threads: deep wasm recursion must hit the wasm-level limit first. */
    public static final long JOB_STACK_BYTES = 256L * 1024 * 1024;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    public sealed interface Result<T> {}

    public record Done<T>(T value, long cpuNanos, long peakHeapBytes) implements Result<T> {}

    public record Failed<T>(Throwable error, long cpuNanos) implements Result<T> {}

    public record TimedOut<T>(long cpuNanos) implements Result<T> {}

    /** The job's heap use stayed over the limit even after a collection. */
    public record OverMemory<T>(long usedBytes, long limitBytes) implements Result<T> {}

    private JobRunner() {}

    public static <T> Result<T> run(String name, Callable<T> job, long cpuTimeoutMillis) throws InterruptedException {
        return run(name, job, cpuTimeoutMillis, Long.MAX_VALUE);
    }

    /**
     * As {@link #run(String, Callable, long)}, and also stops waiting when the heap in use stays
     * above {@code memoryLimitBytes} after a full collection (the worker serves one job at a time,
     * so the heap is the job's).
     */
    public static <T> Result<T> run(String name, Callable<T> job, long cpuTimeoutMillis, long memoryLimitBytes)
            throws InterruptedException {
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread t = new Thread(null, () -> {
            try {
                outcome.set(new Box(job.call()));
            } catch (Throwable e) {
                outcome.set(e);
            }
        }, name, JOB_STACK_BYTES);
        t.setDaemon(true);
        long limit = cpuTimeoutMillis * 1_000_000L;
        long peak = 0;
        Runtime rt = Runtime.getRuntime();
        JobThreads.reset();
        t.start();
        long cpu = 0;
        long ownCpu = 0;
        while (true) {
            t.join(5);
            long used = rt.totalMemory() - rt.freeMemory();
            if (used > memoryLimitBytes) {
                System.gc(); // count only what is live
                used = rt.totalMemory() - rt.freeMemory();
                if (used > memoryLimitBytes && t.isAlive()) {
                    t.interrupt();
                    return new OverMemory<>(used, memoryLimitBytes);
                }
            }
            peak = Math.max(peak, used);
            long c = THREADS.getThreadCpuTime(t.getId());
            if (c >= 0) {
                ownCpu = c;
            }
            cpu = ownCpu + JobThreads.cpuNanos(); // with the threads the job started to help it
            if (!t.isAlive()) {
                break;
            }
            if (cpu > limit) {
                t.interrupt(); // Chicory checks the flag at calls and backward branches
                return new TimedOut<>(cpu);
            }
        }
        Object o = outcome.get();
        if (o instanceof Box b) {
            @SuppressWarnings("unchecked")
            T v = (T) b.value();
            return new Done<>(v, cpu, peak);
        }
        return new Failed<>((Throwable) o, cpu);
    }

    private record Box(Object value) {}
}
