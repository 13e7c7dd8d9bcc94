package io.pvfhost.worker.host;

import java.nio.file.Path;
import java.util.List;

/**
 * How to start a worker JVM: which java, which options, which class path. The defaults are the
 * host's own JVM and class path; a deployment may pick another JDK (a newer one runs the compiled
 * wasm faster) through configuration.
 */
public record WorkerSpec(Path javaExecutable, List<String> jvmOptions, String classPath, String mainClass,
        List<String> commandPrefix) {
    public static final String MAIN_CLASS = "io.pvfhost.worker.WorkerMain";

    public WorkerSpec {
        jvmOptions = List.copyOf(jvmOptions);
        commandPrefix = List.copyOf(commandPrefix);
    }

    /** Without a command prefix (no sandbox wrapper). */
    public WorkerSpec(Path javaExecutable, List<String> jvmOptions, String classPath, String mainClass) {
        this(javaExecutable, jvmOptions, classPath, mainClass, List.of());
    }

    /** The same spec, started through the given wrapper (e.g. {@code unshare --net --}). */
    public WorkerSpec withCommandPrefix(List<String> prefix) {
        return new WorkerSpec(javaExecutable, jvmOptions, classPath, mainClass, prefix);
    }

    /** The host's own java and class path, with the given options. */
    public static WorkerSpec sameJvm(List<String> jvmOptions) {
        return new WorkerSpec(currentJava(), jvmOptions, System.getProperty("java.class.path"), MAIN_CLASS, List.of());
    }

    public static Path currentJava() {
        return ProcessHandle.current().info().command().map(Path::of)
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java"));
    }

    public static Path javaIn(Path javaHome) {
        return javaHome.resolve("bin").resolve("java");
    }
}
