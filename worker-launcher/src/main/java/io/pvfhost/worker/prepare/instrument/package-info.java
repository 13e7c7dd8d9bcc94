/**
 * Deterministic instrumentation of a PVF's wasm module before compilation, module in, module out.
 *
 * <p>Two passes, both matching what the reference (polkadot-sdk's PVF executor on wasmtime) does:
 * <ol>
 *   <li>stack depth metering, a port of paritytech/wasm-instrument's stack limiter (versions 0.3.0
 *       and 0.4.0 are identical there), so that a deep recursion traps at exactly the same depth
 *       on every validator ({@link io.pvfhost.worker.prepare.instrument.StackLimiter},
 *       {@link io.pvfhost.worker.prepare.instrument.MaxHeight});</li>
 *   <li>NaN canonicalisation after every float operation Cranelift canonicalises, so that NaN bits
 *       are identical everywhere ({@link io.pvfhost.worker.prepare.instrument.NanCanonicalizer}).</li>
 * </ol>
 *
 * <p>Chicory has no wasm encoder, so this package works on bytes: {@code WasmBinary} finds the
 * sections and the few structures to change, {@code InstructionDecoder} finds instruction
 * boundaries (and refuses any instruction outside the accepted
 * {@link io.pvfhost.worker.prepare.instrument.WasmFeatures}), and {@code ModuleRewriter} copies
 * everything else byte for byte. Entry point: {@link io.pvfhost.worker.prepare.instrument.Instrumenter}.
 */
package io.pvfhost.worker.prepare.instrument;
