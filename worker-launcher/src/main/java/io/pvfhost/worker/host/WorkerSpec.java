package io.pvfhost.worker.host;

import java.nio.file.Path;
import java.util.List;

/**
 * How to start a worker JVM: which java, which options, which class path. The defaults are the
 * host's own JVM and class path; a deployment may pick another JDK (a newer one runs the compiled
 * wasm faster) through configuration.
 */
public record WorkerSpec(Path javaExecutable, List<String> jvmOptions, String classPath, String mainClass) {
    public static final String MAIN_CLASS = "io.pvfhost.worker.WorkerMain";

    public WorkerSpec {
        jvmOptions = List.copyOf(jvmOptions);
    }

    /** The host's own java and class path, with the given options. */
    public static WorkerSpec sameJvm(List<String> jvmOptions) {
        return new WorkerSpec(currentJava(), jvmOptions, System.getProperty("java.class.path"), MAIN_CLASS);
    }

    public static Path currentJava() {
        return ProcessHandle.current().info().command().map(Path::of)
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java"));
    }

    public static Path javaIn(Path javaHome) {
        return javaHome.resolve("bin").resolve("java");
    }
}
