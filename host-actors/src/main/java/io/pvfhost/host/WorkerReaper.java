package io.pvfhost.host;

import io.pvfhost.worker.host.WorkerHandle;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Closes worker processes off the actors' threads and remembers the closes still under way, so
 * that {@link ValidationHost#stop()} completes only when every worker the host started is gone:
 * also one whose start was still under way when the host stopped (it is closed as soon as it is
 * up). Thread-safe.
 */
public final class WorkerReaper {
    private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();

    /** Closes the worker on {@code executor}, then runs {@code after} (e.g. removes its leftovers). */
    public void close(WorkerHandle handle, Executor executor, Runnable after) {
        track(CompletableFuture.runAsync(() -> {
            handle.close();
            after.run();
        }, executor));
    }

    /** A worker still starting when its pool stopped: close it once it is up. */
    public void closeWhenStarted(CompletableFuture<WorkerHandle> starting) {
        track(starting.handle((h, e) -> {
            if (h != null) {
                h.close();
            }
            return null;
        }));
    }

    private void track(CompletableFuture<?> f) {
        pending.add(f);
        f.whenComplete((v, e) -> pending.remove(f));
    }

    /** Completes when every close asked for so far has finished. */
    public CompletableFuture<Void> drained() {
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new));
    }
}
