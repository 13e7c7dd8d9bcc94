package io.pvfhost.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pvfhost.worker.host.WorkerKind;
import io.pvfhost.worker.host.WorkerSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One way of starting worker JVMs: a JDK, its options, and maybe a class-data cache (AppCDS on
 * JDK 13-24, the AOT cache of JDK 25+) made by a training run in this bench run.
 *
 * @param javaHome null for the bench's own JVM (pvf.host.worker.java-home = "")
 * @param classPath the workers' class path
 * @param probeClassPath the probes' class path: the workers' with the bench's jars after it (a class
 *     cache made on the workers' class path holds for one that only adds entries after it)
 */
record JvmVariant(String label, Path javaHome, Path javaExecutable, String version, int feature, List<String> options,
        String classCache, String classPath, String probeClassPath, List<String> prepareOptions, List<String> executeOptions) {

    JvmVariant {
        options = List.copyOf(options);
        prepareOptions = List.copyOf(prepareOptions);
        executeOptions = List.copyOf(executeOptions);
    }

    /** The same JDK, with options each kind of worker gets after {@link #options()} (the configured per-kind ones). */
    JvmVariant withKindOptions(List<String> prepare, List<String> execute) {
        return new JvmVariant(label, javaHome, javaExecutable, version, feature, options, classCache, classPath, probeClassPath,
                prepare, execute);
    }

    /** The options a worker of this kind gets from the configuration: the shared ones, then its own. */
    List<String> optionsOf(WorkerKind kind) {
        return kind.configured(options, prepareOptions, executeOptions);
    }

    /** How to start a worker of this kind. */
    WorkerSpec spec(WorkerKind kind) {
        return new WorkerSpec(javaExecutable, optionsOf(kind), classPath, WorkerSpec.MAIN_CLASS);
    }

    /** The JDK at {@code javaHome} (null: the bench's own) with the given options, no cache. */
    static JvmVariant of(Path javaHome, List<String> options, String classPath, String probeClassPath) {
        Path exe = javaHome == null ? WorkerSpec.currentJava() : WorkerSpec.javaIn(javaHome);
        String version = javaHome == null ? System.getProperty("java.runtime.version") : releaseVersion(javaHome).orElse("unknown");
        int feature = javaHome == null ? Runtime.version().feature() : featureOf(version);
        return new JvmVariant("JDK " + feature, javaHome, exe, version, feature, options, "none", classPath, probeClassPath,
                List.of(), List.of());
    }

    /** With the shared options only: what a class cache is made for. */
    WorkerSpec spec() {
        return new WorkerSpec(javaExecutable, options, classPath, WorkerSpec.MAIN_CLASS);
    }

    /** The same JDK with a class cache: {@code appcds} or {@code aot}, by JDK version. */
    String cacheKind() {
        return feature >= 25 ? "aot" : "appcds";
    }

    /**
     * The same JDK using the cache {@code file}, strictly: the JVM refuses to start without it
     * ({@code -Xshare:on}, {@code -XX:AOTMode=on}), so a figure "with cache" is never one without.
     */
    JvmVariant withCache(Path file) {
        List<String> opts = new ArrayList<>(options);
        if (feature >= 25) {
            opts.add("-XX:AOTCache=" + file);
            opts.add("-XX:AOTMode=on");
        } else {
            opts.add("-XX:SharedArchiveFile=" + file);
            opts.add("-Xshare:on");
        }
        return new JvmVariant(label + " + " + (feature >= 25 ? "AOT cache" : "AppCDS"), javaHome, javaExecutable, version,
                feature, opts, cacheKind(), classPath, probeClassPath, prepareOptions, executeOptions);
    }

    ObjectNode json() {
        ObjectNode o = Report.JSON.createObjectNode();
        o.put("label", label);
        o.put("java", javaExecutable.toString());
        o.put("version", version);
        o.put("classCache", classCache);
        o.set("options", Report.JSON.valueToTree(options));
        if (!prepareOptions.isEmpty() || !executeOptions.isEmpty()) {
            o.set("prepareOptions", Report.JSON.valueToTree(prepareOptions));
            o.set("executeOptions", Report.JSON.valueToTree(executeOptions));
        }
        return o;
    }

    /** JAVA_RUNTIME_VERSION (else JAVA_VERSION) of the JDK's release file. */
    static Optional<String> releaseVersion(Path javaHome) {
        String runtime = null;
        String plain = null;
        try {
            for (String line : Files.readAllLines(javaHome.resolve("release"))) {
                String v = line.substring(line.indexOf('=') + 1).replace("\"", "").trim();
                if (line.startsWith("JAVA_RUNTIME_VERSION=")) {
                    runtime = v;
                } else if (line.startsWith("JAVA_VERSION=")) {
                    plain = v;
                }
            }
        } catch (IOException e) {
            // no release file: unknown
        }
        return Optional.ofNullable(runtime != null ? runtime : plain);
    }

    static int featureOf(String version) {
        try {
            String head = version.split("[.+\\-_]")[0];
            return Integer.parseInt(head);
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
