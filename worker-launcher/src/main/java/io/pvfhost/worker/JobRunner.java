package io.pvfhost.worker;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one job on a thread with a large native stack and stops waiting for it once the thread
 * has used more CPU time than allowed; a job that ended over the limit is a timeout too, so the
 * verdict does not depend on when the runner last looked. CPU time, not wall time, so that a loaded machine does not
 * turn a valid block into a timeout (the reference measures the same way). The CPU time of the
 * threads a job starts through {@link JobThreads} counts as the job's.
 *
 * <p>The job thread is kept for the next job: starting a thread (with its 256 MiB stack mapped
 * and unmapped again) cost about 150 us per job, against 5-10 us to hand a job to a waiting
 * thread, on an execution that may itself take 0.2 ms. A thread whose job was given up (timeout,
 * memory) may still be running it, so the next job gets a new thread; a worker exits after such
 * a job anyway.
 */
public final class JobRunner {
    /** Native stack of job threads: deep wasm recursion must hit the wasm-level limit first. */
    public static final long JOB_STACK_BYTES = 256L * 1024 * 1024;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** The idle job thread, if any; taken (set to null) by the job that uses it. */
    private static final AtomicReference<JobThread> IDLE = new AtomicReference<>();

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
        Job j = new Job(job);
        JobThread t = IDLE.getAndSet(null);
        if (t == null) {
            t = new JobThread();
        }
        t.thread.setName(name);
        long limit = cpuTimeoutMillis * 1_000_000L;
        long peak = 0;
        Runtime rt = Runtime.getRuntime();
        JobThreads.reset();
        try {
            while (!t.jobs.offer(j, 50, TimeUnit.MILLISECONDS)) {
                if (!t.thread.isAlive()) { // it died outside a job (an Error while idle): take a new one
                    t = new JobThread();
                    t.thread.setName(name);
                }
            }
        } catch (InterruptedException e) {
            t.retire();
            throw e;
        }
        long cpu = 0;
        while (true) {
            boolean ended;
            try {
                ended = j.ended.await(5, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                t.retire();
                throw e;
            }
            long used = rt.totalMemory() - rt.freeMemory();
            if (used > memoryLimitBytes) {
                System.gc(); // count only what is live
                used = rt.totalMemory() - rt.freeMemory();
                if (used > memoryLimitBytes && j.ended.getCount() > 0) {
                    t.retire(); // interrupted, and not reused: it may still be in the job
                    return new OverMemory<>(used, memoryLimitBytes);
                }
            }
            peak = Math.max(peak, used);
            cpu = j.cpuNanos(t.thread) + JobThreads.cpuNanos(); // with the threads the job started to help it
            if (ended && cpu <= limit) {
                break; // over the limit it is a timeout, also when the job ended between two looks
            }
            if (!ended && !t.thread.isAlive() && j.ended.getCount() > 0) {
                return new Failed<>(new IllegalStateException("the job thread died outside the job"), cpu);
            }
            if (cpu > limit) {
                t.retire(); // interrupted (Chicory checks the flag at calls and backward branches), not reused
                return new TimedOut<>(cpu);
            }
        }
        if (!IDLE.compareAndSet(null, t)) {
            t.retire(); // another caller's thread is idle already: one is enough
        }
        Object o = j.outcome;
        if (o instanceof Box b) {
            @SuppressWarnings("unchecked")
            T v = (T) b.value();
            return new Done<>(v, cpu, peak);
        }
        return new Failed<>((Throwable) o, cpu);
    }

    /** One job handed to a job thread, with what the thread records of it. */
    private static final class Job {
        final Callable<?> work;
        final CountDownLatch ended = new CountDownLatch(1);
        /** The job thread's CPU time when it began and ended the job; -1 until then. */
        volatile long startCpu = -1;
        volatile long endCpu = -1;
        volatile Object outcome;

        Job(Callable<?> work) {
            this.work = work;
        }

        long cpuNanos(Thread thread) {
            long start = startCpu;
            if (start < 0) {
                return 0;
            }
            long end = endCpu;
            if (end < 0) {
                long now = THREADS.getThreadCpuTime(thread.getId());
                end = now >= 0 ? now : Math.max(start, endCpu);
            }
            return Math.max(0, end - start);
        }
    }

    /** A daemon thread with the large stack that runs the jobs handed to it, one at a time. */
    private static final class JobThread {
        final SynchronousQueue<Job> jobs = new SynchronousQueue<>();
        final Thread thread;
        /** Set when the thread is given up: it ends after its job, or at once when idle. */
        volatile boolean retired;

        JobThread() {
            thread = new Thread(null, this::serve, "pvf-job", JOB_STACK_BYTES);
            thread.setDaemon(true);
            thread.start();
        }

        void retire() {
            retired = true;
            thread.interrupt();
        }

        private void serve() {
            while (!retired) {
                Job j;
                try {
                    j = jobs.take(); // throws, clearing the flag, if interrupted: a job starts uninterrupted
                } catch (InterruptedException e) {
                    continue; // retired, or an interrupt meant for a job that had just ended
                }
                try {
                    j.startCpu = THREADS.getCurrentThreadCpuTime();
                    j.outcome = new Box(j.work.call());
                } catch (Throwable e) {
                    j.outcome = e;
                } finally {
                    j.endCpu = Math.max(j.startCpu, THREADS.getCurrentThreadCpuTime());
                    // not cleared at the start: a retire() arriving between take() and the job would be lost
                    // and a given-up job would run on unstopped; retired is set first, so the loop ends
                    Thread.interrupted();
                    j.ended.countDown();
                }
            }
        }
    }

    private record Box(Object value) {}
}
