package io.pvfhost.worker.host;

import io.pvfhost.artifacts.ArtifactStore;
import io.pvfhost.artifacts.ClassCacheFiles;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * One training run of a worker class cache, as processes: a JVM prepares the artifacts the training
 * runs ({@link ClassCache#preparationCommand}), the training JVM ({@link
 * ClassCache#trainingCommand}, both at a lower CPU priority) writes the cache to a temp file beside the
 * target, a second JVM checks that it can use it ({@link ClassCache#checkCommand}), and only then
 * is it renamed into place, atomically, so a worker never sees a half-written or unusable cache. A
 * cache found in place can be checked the same way ({@link #checkInPlace}). All three JVMs run
 * like a worker: cleared environment, in an owner-only scratch folder under the cache folder (named as a
 * worker folder, so a left-over one is removed at the next start). Blocking: run it on a thread of
 * its own; {@link #cancel} from any thread.
 */
public final class ClassCacheTrainer {
    /**
     * The training runs niced where {@code nice} is on the PATH: it competes for the CPU with the
     * host's first requests, which it must not slow (measured on 2 cores: the first adder after a
     * fresh start 0.2-0.7 s later with it, 1-1.5 s later without; the cache is ready as soon).
     */
    static final List<String> LOWER_PRIORITY = onPath("nice") ? List.of("nice", "-n", "10") : List.of();

    /** Lines of the JVM's output kept for a failure's message. */
    private static final int TAIL_LINES = 12;
    private static final Pattern AOT_WARNING = Pattern.compile("^\\[[0-9.]+s\\]\\[warning *\\]\\[(aot|cds)");

    private final WorkerSpec spec;
    private final ClassCache.Decision.Use target;
    private final Path scratchParent;
    private final Duration timeout;
    private final Object lock = new Object();
    private Process process;
    private boolean cancelled;

    /**
     * @param spec the workers' spec as configured (its command prefix is not used: the training
     *     runs only our own code, the adder and the generated training module)
     * @param scratchParent the cache folder
     * @param timeout for the training and the check together
     */
    public ClassCacheTrainer(WorkerSpec spec, ClassCache.Decision.Use target, Path scratchParent, Duration timeout) {
        this.spec = spec;
        this.target = target;
        this.scratchParent = scratchParent;
        this.timeout = timeout;
    }

    /** How a training ended. */
    public sealed interface Outcome {
        Duration took();

        /** The cache is in place. */
        record Made(Path file, long bytes, Duration took) implements Outcome {}

        /** No cache: why, with the end of the JVM's output. */
        record Failed(String reason, Duration took) implements Outcome {}

        /** {@link #cancel} was called. */
        record Cancelled(Duration took) implements Outcome {}
    }

    /** Trains, checks and renames into place; removes its temp files whatever happens. */
    public Outcome run() {
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        Path tmp = target.file().resolveSibling(ClassCacheFiles.tempName(target.file().getFileName().toString(),
                Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36)));
        Path tmpConfig = tmp.resolveSibling(tmp.getFileName() + ".config"); // an AOT training's, beside its output
        try {
            return inScratch(t0, scratch -> {
                // first the artifacts the training runs, prepared in a JVM of their own, so that
                // the compiler's classes stay out of the cache
                Path prepareLog = scratch.resolve("prepare.log");
                List<String> prepare = new ArrayList<>(LOWER_PRIORITY);
                prepare.addAll(ClassCache.preparationCommand(spec, scratch));
                Integer prepared = runProcess(prepare, scratch, prepareLog, deadline);
                if (prepared == null) {
                    return cancelledOr(t0, "the training did not finish within " + text(timeout));
                }
                if (prepared != 0) {
                    return new Outcome.Failed("the training's preparation JVM exited with status " + prepared
                            + tail(prepareLog), since(t0));
                }
                Path log = scratch.resolve("training.log");
                List<String> cmd = new ArrayList<>(LOWER_PRIORITY);
                cmd.addAll(ClassCache.trainingCommand(spec, target.kind(), tmp, scratch));
                Integer status = runProcess(cmd, scratch, log, deadline);
                if (status == null) {
                    return cancelledOr(t0, "the training did not finish within " + text(timeout));
                }
                if (status != 0 || !Files.isRegularFile(tmp) || Files.size(tmp) == 0) {
                    return new Outcome.Failed("the training JVM " + (status != 0 ? "exited with status " + status
                            : "wrote no cache") + tail(log), since(t0));
                }
                Outcome checked = check(tmp, scratch, t0, deadline);
                if (!(checked instanceof Outcome.Made)) {
                    return checked;
                }
                long bytes = Files.size(tmp);
                try {
                    Files.move(tmp, target.file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target.file(), StandardCopyOption.REPLACE_EXISTING);
                }
                return new Outcome.Made(target.file(), bytes, since(t0));
            });
        } finally {
            try {
                Files.deleteIfExists(tmp);
                Files.deleteIfExists(tmpConfig);
            } catch (IOException ignored) {
                // our stale files go at the next start
            }
        }
    }

    /**
     * Checks the cache already in place: {@link Outcome.Made} when a JVM can use it, else why not
     * (the file is left as it is).
     */
    public Outcome checkInPlace() {
        long t0 = System.nanoTime();
        return inScratch(t0, scratch -> check(target.file(), scratch, t0, t0 + timeout.toNanos()));
    }

    private Outcome check(Path cache, Path scratch, long t0, long deadline) throws IOException, InterruptedException {
        Path log = scratch.resolve("check.log");
        Integer status = runProcess(ClassCache.checkCommand(spec, target.kind(), cache), scratch, log, deadline);
        if (status == null) {
            return cancelledOr(t0, "checking the cache did not finish within " + text(timeout));
        }
        if (status != 0) {
            return new Outcome.Failed("a JVM cannot use the cache (status " + status + ")" + tail(log), since(t0));
        }
        return new Outcome.Made(cache, Files.size(cache), since(t0));
    }

    private interface Step {
        Outcome run(Path scratch) throws IOException, InterruptedException;
    }

    /** Runs {@code step} in a fresh scratch folder, removed after. */
    private Outcome inScratch(long t0, Step step) {
        Path scratch = null;
        try {
            scratch = Files.createTempDirectory(scratchParent, ArtifactStore.WORKER_DIR_PREFIX + "class-cache-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            return step.run(scratch);
        } catch (IOException e) {
            return new Outcome.Failed(e.toString(), since(t0));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel();
            return new Outcome.Cancelled(since(t0));
        } finally {
            try {
                if (scratch != null) {
                    ArtifactStore.deleteTree(scratch);
                }
            } catch (IOException ignored) {
                // a left-over worker folder goes at the next start
            }
        }
    }

    /** Stops the run: kills its JVM, if one is running, and any it would start next. */
    public void cancel() {
        synchronized (lock) {
            cancelled = true;
            if (process != null) {
                kill(process);
            }
        }
    }

    /** Runs one JVM to its end; null when it was killed (cancelled or past the deadline). */
    private Integer runProcess(List<String> cmd, Path dir, Path log, long deadline) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().clear(); // as a worker: nothing from the host's environment
        Process p;
        synchronized (lock) {
            if (cancelled) {
                return null;
            }
            p = pb.start();
            process = p;
        }
        try {
            if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                kill(p);
                p.waitFor();
                return null;
            }
            synchronized (lock) {
                return cancelled ? null : p.exitValue(); // killed by cancel: not the JVM's own failure
            }
        } finally {
            if (p.isAlive()) {
                kill(p); // interrupted: the JVM must not outlive the run
            }
            synchronized (lock) {
                process = null;
            }
        }
    }

    private Outcome cancelledOr(long t0, String timedOut) {
        synchronized (lock) {
            return cancelled ? new Outcome.Cancelled(since(t0)) : new Outcome.Failed(timedOut, since(t0));
        }
    }

    /** Kills the JVM and the JVM it may have started (an AOT training writes its cache in a child JVM). */
    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    private static String text(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static Duration since(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    /** The end of a JVM's output, without the archive writer's many warnings (classes it skipped or cannot resolve). */
    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                    .filter(l -> !AOT_WARNING.matcher(l).find()).toList();
            if (lines.isEmpty()) {
                return "";
            }
            return "; its output ends:\n  " + String.join("\n  ", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
