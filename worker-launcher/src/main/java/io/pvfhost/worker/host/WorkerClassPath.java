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
 * in the host's order. A JVM finds a class by trying its class path entries in turn, opening each jar
 * it passes; a node's class path (Akka, Scala, Jackson, metrics: 49 jars for our command line) cost
 * every worker's start about 35 ms that way (docs/PREPARATION.md). The needed jars are this module's
 * jar and its run-time dependencies, whose names the build writes into {@value #RESOURCE}. When one of
 * them is not on the host's class path under its Maven file name (class folders of an IDE, a shaded
 * jar), workers get the whole class path: slower to start, never missing a class.
 */
public final class WorkerClassPath {
    static final String RESOURCE = "worker-jars.txt";

    /** The class path chosen, and why it is the whole one ({@code null} when it is the workers' jars). */
    public record Choice(String classPath, String wholeBecause) {}

    private WorkerClassPath() {}

    /** The workers' class path out of {@code hostClassPath} (as in {@code java.class.path}). */
    public static Choice of(String hostClassPath) {
        List<String> needed = new ArrayList<>();
        try {
            needed.add(ownJarName());
            needed.addAll(dependencyJars());
        } catch (IOException e) {
            return new Choice(hostClassPath, "the list of the workers' jars cannot be read (" + e.getMessage() + ")");
        }
        return select(hostClassPath, needed);
    }

    /**
     * Pure: the entries of {@code hostClassPath} whose file name is one of {@code neededNames}, in
     * their order, or the whole class path when a needed name has no entry.
     */
    static Choice select(String hostClassPath, List<String> neededNames) {
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
        try {
            var source = WorkerClassPath.class.getProtectionDomain().getCodeSource();
            Path own = source == null ? null : Path.of(source.getLocation().toURI());
            if (own == null || !Files.isRegularFile(own)) {
                throw new IOException("the worker classes are not in a jar (" + own + ")");
            }
            return own.getFileName().toString();
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IOException("the worker classes' location is unknown: " + e.getMessage());
        }
    }
}
