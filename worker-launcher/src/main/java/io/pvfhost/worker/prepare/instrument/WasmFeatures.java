package io.pvfhost.worker.prepare.instrument;

/**
 * Which post-MVP instruction sets the instrumenter accepts; everything else (SIMD, reference
 * types, threads, multi-value, exceptions, tail calls, ...) is rejected with an
 * {@link InstrumentationException}.
 *
 * @param signExtension        {@code i32.extend8_s} etc. (0xC0-0xC4)
 * @param saturatingFloatToInt {@code i32.trunc_sat_f32_s} etc. (0xFC 0-7)
 * @param bulkMemory           0xFC 8-17 and passive/declared element segments; the executor
 *                             parameter {@code WasmExtBulkMemory} switches it on
 */
public record WasmFeatures(boolean signExtension, boolean saturatingFloatToInt, boolean bulkMemory) {

    /** Sign extension and saturating conversions on, bulk memory off (the default executor params). */
    public static final WasmFeatures DEFAULT = new WasmFeatures(true, true, false);

    /**
     * What the reference can decode at all: the MVP only. Its executor parses every PVF with
     * parity-wasm 0.45 ({@code RuntimeBlob::new}, before instrumenting) built without the
     * {@code sign_ext} and {@code bulk} features: sign extension fails there with the well-known
     * "UnknownOpcode(192)" (substrate-wasm-builder builds runtimes with {@code -sign-ext} for
     * that reason), and every 0xFC instruction with "UnknownOpcode(252)": parity-wasm has no
     * saturating conversions at all, and its bulk feature cannot be on since wasm-instrument's
     * max_height.rs has no match arm for bulk instructions. {@code WasmExtBulkMemory} only changes
     * the wasmtime config, after that parse.
     */
    public static final WasmFeatures REFERENCE = new WasmFeatures(false, false, false);

    public WasmFeatures withBulkMemory(boolean on) {
        return new WasmFeatures(signExtension, saturatingFloatToInt, on);
    }
}
