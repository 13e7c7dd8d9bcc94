package io.pvfhost.worker.host;

import java.util.ArrayList;
import java.util.List;

/** The two kinds of worker, named as on the worker's command line. */
public enum WorkerKind {
    /**
     * Chicory's validator and compiler are single methods of tens of kilobytes of bytecode, which
     * HotSpot leaves to its interpreter unless {@code -XX:-DontCompileHugeMethods}: with the flag,
     * coretime's parse and validation takes half the time (docs/PREPARATION.md). A prepare worker
     * runs no wasm, so the flag cannot change a verdict.
     */
    PREPARE("prepare-worker", List.of("-XX:-DontCompileHugeMethods")),
    /**
     * The JVM's verifier off for loaded classes ({@code BytecodeVerificationRemote}, a diagnostic
     * flag, hence the unlock): the artifact's classes were verified when it was prepared
     * ({@code prepare.ClassVerification}), and the checksums pin the bytes from there to the
     * definition; our jars and libraries are the host's own code. Verifying coretime's first call's
     * classes again cost a fresh worker about 35-60 ms (docs/PREPARATION.md). The workers' class cache
     * is trained without it ({@link ClassCache#trainingCommand}). A deployment that wants the
     * verifier in execute workers too sets {@code -XX:+BytecodeVerificationRemote} (or
     * {@code -Xverify:all}, {@code -Xverify:remote}) in {@code worker.jvm-options} or {@code worker.execute-jvm-options},
     * which come later and win; options that
     * would turn it off in prepare workers are refused ({@link VerifierOptions}).
     */
    EXECUTE("execute-worker", List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:-BytecodeVerificationRemote"));

    private final String command;
    private final List<String> jvmOptions;

    WorkerKind(String command, List<String> jvmOptions) {
        this.command = command;
        this.jvmOptions = jvmOptions;
    }

    public String command() {
        return command;
    }

    /**
     * Options this kind of worker gets before the configured {@code worker.jvm-options}, which come
     * later on the command line and so win where they set the same flag.
     */
    public List<String> jvmOptions() {
        return jvmOptions;
    }

    /**
     * The configured options of this kind: the shared ones ({@code worker.jvm-options}), then this
     * kind's own ({@code worker.prepare-jvm-options} or {@code worker.execute-jvm-options}), which so win.
     */
    public List<String> configured(List<String> shared, List<String> prepareOwn, List<String> executeOwn) {
        List<String> all = new ArrayList<>(shared);
        all.addAll(this == PREPARE ? prepareOwn : executeOwn);
        return List.copyOf(all);
    }

    /** What a worker of this kind starts with: its own options, then the configured ones, which so win. */
    public List<String> jvmOptions(List<String> configured) {
        List<String> all = new ArrayList<>(jvmOptions);
        all.addAll(configured);
        return all;
    }
}
