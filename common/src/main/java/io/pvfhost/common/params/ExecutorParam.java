package io.pvfhost.common.params;

/**
 * One executor parameter, as in the reference's {@code ExecutorParam} enum. The SCALE variant
 * indices are the reference's, so an encoded list hashes alike on every host.
 */
public sealed interface ExecutorParam {
    /** SCALE variant index of the reference's enum. */
    int index();

    /** Whether the parameter changes the prepared artifact (and so its identity). */
    boolean affectsArtifact();

    /** Wasm memory maximum is {@code pages + 32} (the extra heap pages). */
    record MaxMemoryPages(long pages) implements ExecutorParam {
        public int index() { return 1; }
        public boolean affectsArtifact() { return true; }
    }

    /** Deterministic logical stack limit in wasm values. */
    record StackLogicalMax(long values) implements ExecutorParam {
        public int index() { return 2; }
        public boolean affectsArtifact() { return true; }
    }

    /** Native stack in bytes of the execution thread. */
    record StackNativeMax(long bytes) implements ExecutorParam {
        public int index() { return 3; }
        public boolean affectsArtifact() { return true; }
    }

    /** Memory limit of preparation, in bytes. */
    record PrecheckingMaxMemory(long bytes) implements ExecutorParam {
        public int index() { return 4; }
        public boolean affectsArtifact() { return false; }
    }

    /** Preparation timeout of a kind (0 = precheck, 1 = lenient), in milliseconds. */
    record PvfPrepTimeout(int kind, long millis) implements ExecutorParam {
        public int index() { return 5; }
        public boolean affectsArtifact() { return false; }
    }

    /** Execution timeout of a kind (0 = backing, 1 = approval), in milliseconds. */
    record PvfExecTimeout(int kind, long millis) implements ExecutorParam {
        public int index() { return 6; }
        public boolean affectsArtifact() { return false; }
    }

    /** Enables the bulk-memory proposal. */
    enum WasmExtBulkMemory implements ExecutorParam {
        INSTANCE;
        public int index() { return 7; }
        public boolean affectsArtifact() { return true; }
    }

    /**
     * Enables a group of host functions ({@code ExecutorHostFunction}; the only one, 1, is
     * {@code EccRfc163}: the elliptic-curve functions of RFC 163). Accepted so that a session that
     * sets it (Polkadot's does) decodes; this host does not provide those functions, so a PVF that
     * calls one traps (README, known gaps).
     */
    record EnabledHostFunction(int function) implements ExecutorParam {
        public static final int ECC_RFC_163 = 1;

        public EnabledHostFunction {
            if (function != ECC_RFC_163) {
                throw new IllegalArgumentException("unknown ExecutorHostFunction variant " + function);
            }
        }

        public int index() { return 8; }
        public boolean affectsArtifact() { return false; }
    }
}
