package io.pvfhost.worker.host;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The class path worker JVMs get by default: of the host's class path, only the jars a worker needs,
 * in the host's order. Opening its socket, a worker looks up a service, and the JDK reads every jar
 * of the class path for it; a node's class path (Akka, Scala, Jackson, metrics: 49 entries for our
 * command line) cost every worker's start about 20-35 ms that way (docs/PREPARATION.md). The needed
 * jars are this module's jar and its run-time dependencies, whose names the build writes into
 * {@value #RESOURCE}. When one of them is not on the host's class path under its Maven file name
 * (class folders of an IDE, a shaded jar), or when a library's class does not come from the kept jar
 * (another version of it on the class path under that name), workers get the whole class path:
 * slower to start, never missing a class. The host logs why.
 */
public final class WorkerClassPath {
    static final String RESOURCE = "worker-jars.txt";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(WorkerClassPath.class);
    /** A class of each library a worker runs, compiled in: the jar it comes from must be kept. */
    private static final List<Class<?>> ANCHORS = List.of(WorkerClassPath.class, io.pvfhost.common.Version.class,
            io.pvfhost.artifacts.ArtifactFile.class, com.dylibso.chicory.wasm.Parser.class,
            com.dylibso.chicory.runtime.Instance.class, com.dylibso.chicory.compiler.InterpreterFallback.class,
            org.objectweb.asm.ClassWriter.class, com.github.luben.zstd.Zstd.class,
            org.bouncycastle.crypto.digests.Blake2bDigest.class, com.dynatrace.hash4j.hashing.Hashing.class,
            cafe.cryptography.curve25519.EdwardsPoint.class);

    /** The class path chosen, and why it is the whole one ({@code null} when it is the workers' jars). */
    public record Choice(String classPath, String wholeBecause) {}

    private WorkerClassPath() {}

    /**
     * The workers' class path out of {@code hostClassPath} (as in {@code java.class.path}), logged
     * when it is the whole one.
     */
    public static Choice of(String hostClassPath) {
        Choice c = choose(hostClassPath);
        if (c.wholeBecause() != null) {
            LOG.info("workers start on the whole class path: {}", c.wholeBecause());
        }
        return c;
    }

    private static Choice choose(String hostClassPath) {
        List<String> needed = new ArrayList<>();
        try {
            needed.add(ownJarName());
            needed.addAll(dependencyJars());
        } catch (IOException e) {
            return new Choice(hostClassPath, "the list of the workers' jars cannot be read (" + e.getMessage() + ")");
        }
        java.util.Map<String, Path> anchors = new java.util.LinkedHashMap<>();
        for (Class<?> anchor : ANCHORS) {
            anchors.put(anchor.getName(), location(anchor));
        }
        return select(hostClassPath, needed, anchors);
    }

    /** The class path entry a class was loaded from, normalised; null when it is none (a nested jar, a custom loader). */
    private static Path location(Class<?> c) {
        try {
            var source = c.getProtectionDomain().getCodeSource();
            return source == null ? null : Path.of(source.getLocation().toURI()).toAbsolutePath().normalize();
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Pure: the entries of {@code hostClassPath} whose file name is one of {@code neededNames}, in
     * their order; the whole class path when a needed name has no entry, or when one of {@code
     * anchors} (a class name and the entry it was loaded from, null if none) is not from a kept entry.
     */
    static Choice select(String hostClassPath, List<String> neededNames, java.util.Map<String, Path> anchors) {
        if (neededNames.isEmpty()) {
            return new Choice(hostClassPath, "the list of the workers' jars is empty");
        }
        Set<String> missing = new LinkedHashSet<>(neededNames);
        List<String> kept = new ArrayList<>();
        for (String entry : hostClassPath.split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            Path name = Path.of(entry).getFileName();
            if (name != null && neededNames.contains(name.toString())) {
                kept.add(entry);
                missing.remove(name.toString());
            }
        }
        if (!missing.isEmpty()) {
            return new Choice(hostClassPath, "not on the class path by name: " + String.join(", ", missing));
        }
        for (var anchor : anchors.entrySet()) {
            Path from = anchor.getValue();
            if (from == null || kept.stream().noneMatch(e -> Path.of(e).toAbsolutePath().normalize().equals(from))) {
                return new Choice(hostClassPath, anchor.getKey() + " comes from " + from + ", not from a kept jar");
            }
        }
        return new Choice(String.join(File.pathSeparator, kept), null);
    }

    /** The file names of this module's run-time dependencies, as the build listed them. */
    static List<String> dependencyJars() throws IOException {
        List<String> names = new ArrayList<>();
        try (InputStream in = WorkerClassPath.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException(RESOURCE + " is not beside " + WorkerClassPath.class.getName());
            }
            for (String entry : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim().split(":")) {
                if (!entry.isBlank()) {
                    names.add(entry.substring(entry.lastIndexOf('/') + 1).trim());
                }
            }
        }
        return names;
    }

    /** The file name of the jar this class was loaded from. */
    private static String ownJarName() throws IOException {
        Path own = location(WorkerClassPath.class);
        if (own == null || !Files.isRegularFile(own)) {
            throw new IOException("the worker classes are not in a jar of the class path (" + own + ")");
        }
        return own.getFileName().toString();
    }
}
