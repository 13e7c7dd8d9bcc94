package io.pvfhost.host;

import io.pvfhost.artifacts.ClassCacheFiles;
import io.pvfhost.worker.host.ClassCache;
import io.pvfhost.worker.host.ClassCacheTrainer;
import io.pvfhost.worker.host.WorkerSpec;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The class cache of one host's worker JVMs ({@code pvf.host.worker.class-cache}): decided at
 * start ({@link ClassCache#decide}), made in the background when it is missing ({@link
 * ClassCacheTrainer}, on a thread of its own, so neither the start nor a request waits for it),
 * and given to every worker started once it is there ({@link #spec()}); workers started before
 * run without. A cache found at start is used at once and checked in the background; one that a
 * JVM cannot use (damaged, or made by another JDK build under the same version) is made again. A
 * failed training is logged once and the workers run without a cache until the next start.
 * {@link ValidationHost#stop()} stops a training under way.
 */
public final class WorkerClassCache {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerClassCache.class);

    /** Where the class cache stands. */
    public enum State {
        /** No cache for these workers (turned off, an older JDK, folders on the class path ...): see {@link #reason()}. */
        NONE,
        /** Being made; workers start without it meanwhile. */
        TRAINING,
        /** There: every worker started now uses it. */
        IN_USE,
        /** The training failed, timed out or was stopped: see {@link #reason()}; workers run without it. */
        NOT_MADE
    }

    private final ClassCache.Decision decision;
    private final WorkerSpec base;
    private final Path scratchParent;
    private final Duration trainingTimeout;
    private final AtomicReference<WorkerSpec> spec;
    private final CompletableFuture<State> settled = new CompletableFuture<>();
    private volatile State state;
    private volatile String reason = "";
    private ClassCacheTrainer trainer; // guarded by this
    private boolean started; // guarded by this
    private boolean stopped; // guarded by this

    private WorkerClassCache(ClassCache.Decision decision, WorkerSpec base, Path scratchParent, Duration trainingTimeout) {
        this.decision = decision;
        this.base = base;
        this.scratchParent = scratchParent;
        this.trainingTimeout = trainingTimeout;
        this.spec = new AtomicReference<>(base);
        if (decision instanceof ClassCache.Decision.None n) {
            state = State.NONE;
            reason = n.reason();
        } else {
            state = State.TRAINING;
        }
    }

    /**
     * Decides which cache the workers of {@code settings} (with their resolved spec) use and removes
     * our stale class cache files from a class cache folder of its own (the cache folder's are
     * removed with its other stale files, see {@link #keepInCacheFolder()}). Cheap: it reads the
     * JDK's release file and the class path entries' sizes and times.
     */
    static WorkerClassCache decide(HostSettings settings) {
        WorkerSpec spec = settings.workerSpec();
        Path folder = settings.classCachePath();
        ClassCache.Decision d = settings.classCache() == HostSettings.ClassCacheMode.OFF
                ? new ClassCache.Decision.None("turned off (" + HostSettings.NAMESPACE + ".worker.class-cache = off)")
                : ClassCache.decide(true, spec, ClassCache.facts(spec), folder);
        if (d instanceof ClassCache.Decision.Use) {
            try {
                createOwnerOnly(folder);
            } catch (IOException e) {
                d = new ClassCache.Decision.None("cannot use the folder " + folder + ": " + e);
            }
        }
        if (!folder.equals(settings.cachePath()) && Files.isDirectory(folder)) {
            try {
                ClassCacheFiles.clean(folder, d instanceof ClassCache.Decision.Use u ? u.file().getFileName().toString() : null);
            } catch (IOException e) {
                LOG.warn("cannot remove stale worker class caches from {}: {}", folder, e.toString());
            }
        }
        return new WorkerClassCache(d, spec, settings.cachePath(), settings.classCacheTrainingTimeout());
    }

    private static void createOwnerOnly(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            Files.createDirectories(folder);
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
            }
        }
    }

    /** The file name the cache folder's start-up cleanup must keep; null when our cache is not kept there. */
    String keepInCacheFolder() {
        return decision instanceof ClassCache.Decision.Use u && u.file().getParent().equals(scratchParent)
                ? u.file().getFileName().toString()
                : null;
    }

    /**
     * Uses the cache if it is there (and checks it in the background: one a JVM cannot use is made
     * again), else starts making it in the background. Logs what it does.
     */
    synchronized void start() {
        if (started || stopped) {
            return;
        }
        started = true;
        if (!(decision instanceof ClassCache.Decision.Use use)) {
            LOG.info("worker class cache: none, {}", reason);
            settled.complete(state);
            return;
        }
        trainer = new ClassCacheTrainer(base, use, scratchParent, trainingTimeout);
        boolean present = Files.isRegularFile(use.file());
        if (present) {
            // used at once: while it is checked, a worker JVM that cannot use it runs without it
            inUse();
        } else {
            LOG.info("worker class cache: making {} in the background (training JVMs at a lower CPU priority prepare and "
                    + "run built-in PVFs; workers started meanwhile run without it)", use.file());
        }
        ClassCacheTrainer t = trainer;
        Thread thread = new Thread(() -> {
            if (present) {
                checkThenTrain(t, use.file());
            } else {
                train(t);
            }
        }, "pvf-class-cache-training");
        thread.setDaemon(true);
        thread.start();
    }

    private void checkThenTrain(ClassCacheTrainer t, Path file) {
        ClassCacheTrainer.Outcome o = t.checkInPlace();
        if (o instanceof ClassCacheTrainer.Outcome.Failed f) {
            spec.set(base);
            state = State.TRAINING;
            LOG.warn("worker class cache {} cannot be used, making it again: {}", file, f.reason());
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // the training's rename replaces it
            }
            train(t);
            return;
        }
        if (o instanceof ClassCacheTrainer.Outcome.Made) {
            LOG.info("worker class cache: {}", file);
        }
        settled.complete(state);
    }

    private void train(ClassCacheTrainer t) {
        ClassCacheTrainer.Outcome o;
        try {
            o = t.run();
        } catch (RuntimeException | Error e) {
            o = new ClassCacheTrainer.Outcome.Failed(e.toString(), Duration.ZERO);
        }
        String took = String.format(Locale.ROOT, "%.1f s", o.took().toMillis() / 1000.0);
        if (o instanceof ClassCacheTrainer.Outcome.Made m) {
            inUse();
            LOG.info("worker class cache made in {} ({} MiB): {}; workers started from now on use it", took, m.bytes() >> 20, m.file());
        } else if (o instanceof ClassCacheTrainer.Outcome.Failed f) {
            notMade("training failed after " + took + ": " + f.reason());
            LOG.warn("worker class cache not made, workers run without it until the next start: {}", reason);
        } else {
            notMade("training stopped after " + took + " with the host");
            LOG.info("worker class cache: {}", reason);
        }
        settled.complete(state);
    }

    private void inUse() {
        var use = (ClassCache.Decision.Use) decision;
        spec.set(ClassCache.using(base, use.kind(), use.file()));
        state = State.IN_USE;
    }

    private void notMade(String why) {
        reason = why;
        state = State.NOT_MADE;
    }

    /** The spec for the next worker: with the cache once it is there. */
    WorkerSpec spec() {
        return spec.get();
    }

    /** Stops a training under way; completes when its JVM is gone and its files removed. */
    CompletableFuture<Void> stop() {
        synchronized (this) {
            stopped = true;
            if (trainer != null) {
                trainer.cancel();
            }
            if (!started) {
                if (state == State.TRAINING) {
                    notMade("the host stopped before its start was complete");
                }
                settled.complete(state);
            }
        }
        return settled.thenApply(s -> null);
    }

    public State state() {
        return state;
    }

    /** The cache file these workers use or will use once made; empty when they get none. */
    public Optional<Path> file() {
        return decision instanceof ClassCache.Decision.Use u ? Optional.of(u.file()) : Optional.empty();
    }

    /** Why there is no cache ({@link State#NONE}, {@link State#NOT_MADE}); empty otherwise. */
    public String reason() {
        return state == State.NONE || state == State.NOT_MADE ? reason : "";
    }

    /** Completes when the state no longer changes: in use, none, or not made. */
    public CompletionStage<State> settled() {
        return settled.copy();
    }
}
