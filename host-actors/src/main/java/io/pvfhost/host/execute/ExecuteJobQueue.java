package io.pvfhost.host.execute;

import io.pvfhost.host.WorkerScheduler;
import java.util.ArrayDeque;
import java.util.Optional;

/** Execution order for now: first in, first out, up to the configured number of workers. */
public final class ExecuteJobQueue implements WorkerScheduler.Policy<ExecuteJob> {
    private final ArrayDeque<ExecuteJob> jobs = new ArrayDeque<>();
    private final int maxWorkers;

    public ExecuteJobQueue(int maxWorkers) {
        this.maxWorkers = maxWorkers;
    }

    public void add(ExecuteJob job) {
        jobs.addLast(job);
    }

    @Override
    public Optional<ExecuteJob> peek() {
        return Optional.ofNullable(jobs.peekFirst());
    }

    @Override
    public ExecuteJob take() {
        return jobs.removeFirst();
    }

    @Override
    public int queued() {
        return jobs.size();
    }

    @Override
    public boolean maySpawn(int workers, ExecuteJob job) {
        return workers < maxWorkers;
    }

    @Override
    public boolean retireAfterJob(int workers) {
        return false;
    }
}
