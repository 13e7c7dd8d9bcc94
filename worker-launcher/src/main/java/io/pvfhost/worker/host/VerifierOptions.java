package io.pvfhost.worker.host;

import java.util.List;

/**
 * What worker JVM options do to the JVM's bytecode verifier for the classes of our loaders (the
 * artifact's): the last option that sets it wins, as in the JVM. Prepare workers must verify,
 * since execute workers define what they verified without verifying it again ({@link
 * WorkerKind#EXECUTE}); the configured options may turn the verifier back on in execute workers.
 */
public final class VerifierOptions {
    private VerifierOptions() {}

    /**
     * Whether a JVM whose verifier starts {@code on} (or off) verifies loaded classes after
     * {@code options}.
     */
    public static boolean verifies(List<String> options, boolean on) {
        for (String o : options) {
            Boolean set = setting(o);
            on = set == null ? on : set;
        }
        return on;
    }

    /** The last option that leaves prepare workers without the verifier, or null when they keep it. */
    public static String turningOffInPrepareWorkers(List<String> options) {
        boolean on = true;
        String off = null;
        for (String o : options) {
            Boolean set = setting(o);
            if (set != null) {
                on = set;
                off = set ? off : o;
            }
        }
        return on ? null : off;
    }

    /** What one option sets the verifier to, or null when it does not touch it. */
    private static Boolean setting(String option) {
        return switch (option) {
            case "-Xverify:none", "-noverify", "-XX:-BytecodeVerificationRemote" -> false;
            case "-Xverify:all", "-Xverify:remote", "-XX:+BytecodeVerificationRemote" -> true;
            default -> null;
        };
    }
}
