package io.pvfhost.worker.host;

import io.pvfhost.artifacts.ClassCacheFiles;
import io.pvfhost.common.Hex;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which class cache the worker JVMs use, if any: on JDK 25 and later an AOT cache (JEP 483, made in
 * one training run as JEP 514 allows, with the method profiles of JEP 515), on JDK 17 to 24 an
 * AppCDS archive ({@code -XX:ArchiveClassesAtExit}). Measured (docs/BENCHMARKS.md), they bring a
 * fresh worker's first adder result down by about half (AOT cache) and by 10-25 % (AppCDS).
 *
 * <p>The cache file's name carries a key that hashes everything the cache depends on: the worker
 * JDK (its real path and runtime version), every class path entry (path, size, modification
 * time) and the worker's JVM options, so that any change makes a new cache rather than a stale
 * one. The JVM checks the same things itself and, under the default {@code -XX:AOTMode=auto} or
 * {@code -Xshare:auto}, runs without a cache it cannot use (the AOT cache with a warning), so a
 * stale or broken file costs speed, never correctness.
 *
 * <p>{@link #decide} is pure; {@link #facts} reads what it needs from the disk.
 */
public final class ClassCache {
    /** The first JDK whose AOT cache the workers use; before it, AppCDS. */
    public static final int AOT_FEATURE = 25;
    /** The oldest JDK the workers run on, and so get an AppCDS archive on. */
    public static final int APPCDS_FEATURE = 17;
    /** The training run's entry point. */
    public static final String TRAINING_MAIN = "io.pvfhost.worker.ClassCacheTraining";
    /** The training main's argument for its first step (ClassCacheTraining.PREPARE). */
    public static final String TRAINING_PREPARE = "--prepare";
    /** In the key: a change of the training makes new caches. */
    static final String RECIPE = "pvf-class-cache/2";
    /**
     * Options with which the worker options choose their own class handling: the host does not
     * add a cache of its own to them.
     */
    private static final List<String> OWN_CACHE_OPTIONS = List.of("-XX:AOTCache", "-XX:AOTCacheOutput", "-XX:AOTMode",
            "-XX:AOTConfiguration", "-XX:SharedArchiveFile", "-XX:ArchiveClassesAtExit", "-Xshare", "-XX:+AutoCreateSharedArchive");

    private ClassCache() {}

    /** A class path entry as found on disk. */
    public enum EntryKind {
        FILE,
        /** A folder with something in it: the AOT cache refuses those ("non-empty directory"). */
        FOLDER,
        EMPTY_FOLDER,
        MISSING
    }

    /** One class path entry; size and time are -1 when they do not apply. */
    public record Entry(String path, EntryKind kind, long size, long modifiedMillis) {}

    /**
     * What a decision rests on.
     *
     * @param java the worker's java executable, links resolved
     * @param feature the JDK's feature version (25 for 25.0.3), 0 when unknown
     * @param runtimeVersion the JDK's full runtime version ("25.0.3+9-LTS"), empty when unknown
     */
    public record Facts(Path java, int feature, String runtimeVersion, List<Entry> classPath) {
        public Facts {
            classPath = List.copyOf(classPath);
        }
    }

    /** The kind of cache, by the workers' JDK: its options for training, use and check, its file extension. */
    public enum Kind {
        /** JDK 25 and later. Used under the default AOTMode=auto: a cache the JVM cannot use is skipped with a warning. */
        AOT(ClassCacheFiles.AOT, "-XX:AOTCacheOutput=", "-XX:AOTCache=", "-XX:AOTMode=on"),
        /** JDK 17 to 24: a dynamic archive on top of the JDK's own. Under the default -Xshare:auto an archive the JVM cannot use is skipped. */
        APPCDS(ClassCacheFiles.APPCDS, "-XX:ArchiveClassesAtExit=", "-XX:SharedArchiveFile=", "-Xshare:on");

        private final String extension;
        private final String train;
        private final String use;
        private final String strict;

        Kind(String extension, String train, String use, String strict) {
            this.extension = extension;
            this.train = train;
            this.use = use;
            this.strict = strict;
        }

        public String extension() {
            return extension;
        }
    }

    /** What the workers get. */
    public sealed interface Decision {
        /** The cache {@code file}, made by a training run while it is missing. */
        record Use(Path file, String key, Kind kind) implements Decision {}

        /** No cache, and why. */
        record None(String reason) implements Decision {}
    }

    /**
     * The class cache for workers started from {@code spec}, kept in {@code folder}.
     *
     * @param wanted false when the configuration turns the cache off
     */
    public static Decision decide(boolean wanted, WorkerSpec spec, Facts facts, Path folder) {
        if (!wanted) {
            return new Decision.None("turned off");
        }
        for (String o : spec.jvmOptions()) {
            for (String own : OWN_CACHE_OPTIONS) {
                if (o.equals(own) || o.startsWith(own + "=") || o.startsWith(own + ":")) {
                    return new Decision.None("the worker options choose their own (" + o + ")");
                }
            }
        }
        if (facts.feature() == 0) {
            return new Decision.None("the version of " + facts.java() + " is unknown (no release file in its JDK)");
        }
        if (facts.feature() < APPCDS_FEATURE) {
            return new Decision.None("the workers run on JDK " + facts.feature() + "; a class cache needs JDK " + APPCDS_FEATURE
                    + " or later");
        }
        for (Entry e : facts.classPath()) {
            if (e.kind() == EntryKind.FOLDER) {
                return new Decision.None("the class path has folders (" + e.path() + "); a class cache takes classes from jars only");
            }
        }
        Kind kind = facts.feature() >= AOT_FEATURE ? Kind.AOT : Kind.APPCDS;
        String key = key(spec, facts);
        return new Decision.Use(folder.resolve(ClassCacheFiles.fileName(key, kind.extension())), key, kind);
    }

    /** 128 bits of SHA-256 over everything the cache depends on, as 32 hex digits. */
    public static String key(WorkerSpec spec, Facts facts) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            string(out, RECIPE);
            string(out, facts.runtimeVersion());
            string(out, facts.java().toString());
            out.writeInt(facts.classPath().size());
            for (Entry e : facts.classPath()) {
                string(out, e.path());
                string(out, e.kind().name());
                out.writeLong(e.size());
                out.writeLong(e.modifiedMillis());
            }
            out.writeInt(spec.jvmOptions().size());
            for (String o : spec.jvmOptions()) {
                string(out, o);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray());
            return Hex.toHexNoPrefix(Arrays.copyOf(sha, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8); // length-prefixed, so no two lists hash alike
        out.writeInt(b.length);
        out.write(b);
    }

    /** The facts for {@code spec}: its JDK's release file, and each class path entry as found now. */
    public static Facts facts(WorkerSpec spec) {
        Path java = spec.javaExecutable();
        try {
            java = java.toRealPath();
        } catch (IOException | RuntimeException e) {
            // not there: the version stays unknown, and the workers will not start either
        }
        Map<String, String> release = release(java.getParent() == null ? null : java.getParent().getParent());
        String runtime = release.getOrDefault("JAVA_RUNTIME_VERSION", release.getOrDefault("JAVA_VERSION", ""));
        return new Facts(java, feature(release.getOrDefault("JAVA_VERSION", "")), runtime, entries(spec.classPath()));
    }

    /** The feature version of a JAVA_VERSION ("25.0.3" is 25, "17" is 17); 0 when it is not one. */
    static int feature(String javaVersion) {
        int end = 0;
        while (end < javaVersion.length() && end < 4 && Character.isDigit(javaVersion.charAt(end))) {
            end++;
        }
        return end == 0 ? 0 : Integer.parseInt(javaVersion.substring(0, end));
    }

    /** The KEY="value" lines of a JDK's {@code release} file; empty when it has none. */
    static Map<String, String> release(Path home) {
        Map<String, String> out = new HashMap<>();
        if (home == null) {
            return out;
        }
        try {
            for (String line : Files.readAllLines(home.resolve("release"), StandardCharsets.UTF_8)) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    String v = line.substring(eq + 1).trim();
                    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                        v = v.substring(1, v.length() - 1);
                    }
                    out.put(line.substring(0, eq).trim(), v);
                }
            }
        } catch (IOException | RuntimeException e) {
            // no release file: unknown
        }
        return out;
    }

    static List<Entry> entries(String classPath) {
        List<Entry> out = new ArrayList<>();
        for (String s : classPath.split(File.pathSeparator, -1)) {
            if (s.isEmpty()) {
                continue;
            }
            Path p = Path.of(s);
            try {
                if (Files.isDirectory(p)) {
                    boolean empty;
                    try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
                        empty = !ds.iterator().hasNext();
                    }
                    out.add(new Entry(s, empty ? EntryKind.EMPTY_FOLDER : EntryKind.FOLDER, -1, -1));
                } else if (Files.isRegularFile(p)) {
                    out.add(new Entry(s, EntryKind.FILE, Files.size(p), Files.getLastModifiedTime(p).toMillis()));
                } else {
                    out.add(new Entry(s, EntryKind.MISSING, -1, -1));
                }
            } catch (IOException e) {
                out.add(new Entry(s, EntryKind.MISSING, -1, -1));
            }
        }
        return out;
    }

    /**
     * The same spec with the cache, used leniently (the JVM's default AOTMode=auto or -Xshare:auto):
     * a cache the JVM cannot use is skipped, so it costs speed, never a worker.
     */
    public static WorkerSpec using(WorkerSpec spec, Kind kind, Path file) {
        List<String> options = new ArrayList<>(spec.jvmOptions());
        options.add(kind.use + file);
        return new WorkerSpec(spec.javaExecutable(), options, spec.classPath(), spec.mainClass(), spec.commandPrefix());
    }

    /**
     * The training's first JVM, run like a prepare worker and writing no cache: it prepares the
     * artifacts the training runs into {@code scratch}.
     */
    public static List<String> preparationCommand(WorkerSpec spec, Path scratch) {
        List<String> cmd = new ArrayList<>();
        cmd.add(spec.javaExecutable().toString());
        cmd.addAll(WorkerKind.PREPARE.jvmOptions(spec.jvmOptions()));
        cmd.addAll(List.of("-cp", spec.classPath(), TRAINING_MAIN, TRAINING_PREPARE, scratch.toString()));
        return cmd;
    }

    /**
     * The training run: the worker's java, options and class path, running an execute worker's work
     * on the artifacts in {@code scratch} and writing the cache to {@code output} at exit. Without
     * the execute workers' own options, which turn the verifier off: the training runs with the
     * verifier on, as prepare workers do, so that the cache holds verified classes for both kinds.
     */
    public static List<String> trainingCommand(WorkerSpec spec, Kind kind, Path output, Path scratch) {
        List<String> cmd = new ArrayList<>();
        cmd.add(spec.javaExecutable().toString());
        cmd.addAll(spec.jvmOptions());
        cmd.add(kind.train + output);
        cmd.addAll(List.of("-cp", spec.classPath(), TRAINING_MAIN, scratch.toString()));
        return cmd;
    }

    /** A JVM that refuses to start unless it can use {@code cache} ({@code -XX:AOTMode=on}, {@code -Xshare:on}), and then exits. */
    public static List<String> checkCommand(WorkerSpec spec, Kind kind, Path cache) {
        List<String> cmd = new ArrayList<>();
        cmd.add(spec.javaExecutable().toString());
        cmd.addAll(spec.jvmOptions());
        cmd.addAll(List.of(kind.use + cache, kind.strict));
        cmd.addAll(List.of("-cp", spec.classPath(), TRAINING_MAIN, "--check"));
        return cmd;
    }
}
