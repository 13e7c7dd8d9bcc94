package io.pvfhost.host;

import io.pvfhost.worker.host.WorkerHandle;
import io.pvfhost.worker.host.WorkerKind;
import io.pvfhost.worker.host.WorkerSpec;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * The worker processes of one pool and the job each is on: the bookkeeping PreparePool and
 * ExecutePool share (starting, started, busy since when, retired), with the worker metrics. The
 * pools keep what differs: their protocol and how a worker's answer becomes an outcome. Owned by
 * one actor and used only from it.
 *
 * @param <J> a job
 */
public final class WorkerProcesses<J> {
    private record Busy<J>(J job, long sinceNanos) {}

    /** A worker being started: its id, and the start that completes on the blocking dispatcher. */
    public record Starting(WorkerId id, CompletableFuture<WorkerHandle> start) {}

    private final WorkerKind kind;
    private final HostMetrics.Flavor flavor;
    private final HostSettings settings;
    private final Supplier<WorkerSpec> spec;
    private final Executor blocking;
    private final HostMetrics metrics;
    private final WorkerReaper reaper;
    private final Map<WorkerId, WorkerHandle> workers = new HashMap<>();
    private final Map<WorkerId, CompletableFuture<WorkerHandle>> starting = new HashMap<>();
    private final Map<WorkerId, Busy<J>> busy = new HashMap<>();
    private long nextId;

    /**
     * @param spec how to start the next worker: {@code settings.workerSpec()}, with the class cache
     *     once there is one ({@link WorkerClassCache})
     */
    public WorkerProcesses(WorkerKind kind, HostSettings settings, Supplier<WorkerSpec> spec, Executor blocking,
            HostMetrics metrics, WorkerReaper reaper) {
        this.kind = kind;
        this.flavor = kind == WorkerKind.PREPARE ? HostMetrics.Flavor.PREPARE : HostMetrics.Flavor.EXECUTE;
        this.settings = settings;
        this.spec = spec;
        this.blocking = blocking;
        this.metrics = metrics;
        this.reaper = reaper;
    }

    /** Starts a worker process off the actor's thread. */
    public Starting spawn() {
        WorkerId id = new WorkerId(kind == WorkerKind.PREPARE ? "prepare" : "execute", ++nextId);
        metrics.workerSpawning(flavor);
        WorkerSpec s = settings.specFor(kind, spec.get());
        var f = Blocking.run(blocking, () -> WorkerHandle.spawn(s, kind, settings.cachePath(), settings.spawnTimeout(),
                settings.workerOptionsOf(kind)));
        starting.put(id, f);
        return new Starting(id, f);
    }

    public void spawnFailed(WorkerId id) {
        starting.remove(id);
    }

    public void started(WorkerId id, WorkerHandle handle) {
        starting.remove(id);
        metrics.workerSpawned(flavor);
        workers.put(id, handle);
    }

    /** The worker to give the job to, now marked busy with it; empty when the worker is gone. */
    public Optional<WorkerHandle> begin(WorkerId id, J job) {
        WorkerHandle h = workers.get(id);
        if (h != null) {
            busy.put(id, new Busy<>(job, System.nanoTime()));
        }
        return Optional.ofNullable(h);
    }

    /** Sends a request to a worker off the actor's thread, with its wall-clock backstop. */
    public CompletableFuture<io.pvfhost.common.wire.Message> request(WorkerHandle h, io.pvfhost.common.wire.Message request,
            Duration backstop) {
        return Blocking.run(blocking, () -> h.request(request, backstop));
    }

    /** The worker is done with its job; how long the job took, for the time histograms. */
    public Optional<Duration> end(WorkerId id) {
        Busy<J> b = busy.remove(id);
        return b == null ? Optional.empty() : Optional.of(Duration.ofNanos(System.nanoTime() - b.sinceNanos()));
    }

    public Optional<J> jobOf(WorkerId id) {
        Busy<J> b = busy.get(id);
        return b == null ? Optional.empty() : Optional.of(b.job());
    }

    /** Known and not on a job: a death of such a worker is news (during a job, the job reports it). */
    public boolean isIdle(WorkerId id) {
        return workers.containsKey(id) && !busy.containsKey(id);
    }

    /** Kills the worker off the actor's thread; then {@code afterwards} runs with its pid. */
    public void close(WorkerId id, java.util.function.LongConsumer afterwards) {
        WorkerHandle h = workers.remove(id);
        if (h != null) {
            metrics.workerRetired(flavor);
            reaper.close(h, blocking, () -> afterwards.accept(h.pid()));
        }
    }

    /** On stop: kills every worker now, and each one still starting as soon as it has started. */
    public void closeAll(BiConsumer<Optional<J>, Long> afterwards) {
        for (var e : workers.entrySet()) {
            e.getValue().close();
            afterwards.accept(jobOf(e.getKey()), e.getValue().pid());
            metrics.workerRetired(flavor);
        }
        workers.clear();
        starting.values().forEach(reaper::closeWhenStarted);
        starting.clear();
    }
}
