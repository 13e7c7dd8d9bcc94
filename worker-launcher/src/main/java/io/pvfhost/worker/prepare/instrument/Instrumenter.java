package io.pvfhost.worker.prepare.instrument;

import java.util.OptionalLong;

/**
 * Instruments a PVF's wasm module the way the reference's executor does before compiling it:
 * deterministic stack depth metering ({@link StackLimiter}, a port of wasm-instrument's stack
 * limiter) and, optionally, NaN canonicalisation ({@link NanCanonicalizer}, what Cranelift's
 * {@code enable_nan_canonicalization} does). Module in, module out; Chicory then parses,
 * validates and compiles the result.
 *
 * <p>The stack costs are computed on the original code, before any rewriting, as in the
 * reference, where NaN canonicalisation happens later inside the compiler: the scratch locals and
 * instructions it adds do not change any function's cost.
 */
public final class Instrumenter {
    private Instrumenter() {}

    /**
     * Instruments with the default feature set ({@link WasmFeatures#DEFAULT}: bulk memory off).
     *
     * @param stackLogicalMax the logical stack limit (executor param {@code StackLogicalMax},
     *                        default 65536), a u32
     * @throws InstrumentationException when the module is malformed, uses an unsupported feature,
     *                                  or the stack limiter fails as the reference's would
     */
    public static byte[] instrument(byte[] wasm, long stackLogicalMax, boolean canonicalizeNans) {
        return instrument(wasm, stackLogicalMax, canonicalizeNans, WasmFeatures.DEFAULT);
    }

    /** As {@link #instrument(byte[], long, boolean)}, with an explicit feature set. */
    public static byte[] instrument(byte[] wasm, long stackLogicalMax, boolean canonicalizeNans, WasmFeatures features) {
        if (stackLogicalMax < 0 || stackLogicalMax > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("stackLogicalMax must be a u32, got " + stackLogicalMax);
        }
        return ModuleRewriter.rewrite(wasm, new ModuleRewriter.Options(
                OptionalLong.of(stackLogicalMax), canonicalizeNans, features, false));
    }
}
