package io.pvfhost.worker.prepare.instrument;

import static io.pvfhost.worker.prepare.instrument.Opcodes.*;

/**
 * NaN canonicalisation at the wasm level, as Cranelift's {@code enable_nan_canonicalization}
 * does (cranelift/codegen/src/nan_canonicalization.rs, {@code is_fp_arith}, as in wasmtime 36
 * which polkadot-sdk pins; the reference's PVF executor sets {@code canonicalize_nans: true}).
 *
 * <p>Canonicalised: the results of f32/f64 add, sub, mul, div, min, max (Cranelift fadd, fsub,
 * fmul, fdiv, fmin, fmax), sqrt, ceil, floor, trunc, nearest, and f32.demote_f64 / f64.promote_f32
 * (fdemote, fpromote). Not canonicalised: abs, neg, copysign (sign-bit operations), loads,
 * constants, reinterpretations (bitcasts), integer-to-float conversions (never NaN), select,
 * locals, globals, and call results. (Cranelift's fma and vector ops have no wasm MVP source.)
 *
 * <p>After such an instruction, with the result on the stack and a scratch local {@code $t} of its
 * type: {@code local.set $t; fN.const canonical; local.get $t; local.get $t; local.get $t;
 * fN.ne; select}, i.e. the canonical NaN (f32 0x7FC00000, f64 0x7FF8000000000000, Cranelift's
 * {@code Ieee32::NAN}/{@code Ieee64::NAN}) if the result is unordered with itself, else the result.
 * The scratch locals are appended to the function's locals by {@link ModuleRewriter} (the f32 one
 * first, then the f64 one); they and the extra instructions do not change any stack cost, which
 * is computed on the original code as in the reference (where canonicalisation happens later,
 * inside Cranelift).
 *
 * <p>Newer Cranelift (after wasmtime 36) also canonicalises float results of calls; wasmtime 36
 * does not, and neither does this.
 */
final class NanCanonicalizer {
    static final int CANONICAL_F32 = 0x7FC0_0000;
    static final long CANONICAL_F64 = 0x7FF8_0000_0000_0000L;

    private NanCanonicalizer() {}

    /** The result type to canonicalise after the opcode ({@link Opcodes#F32} or {@link Opcodes#F64}), or 0. */
    static int resultType(int opcode) {
        if ((opcode >= 0x8D && opcode <= 0x97) || opcode == F32_DEMOTE_F64) {
            // f32 ceil floor trunc nearest sqrt add sub mul div min max
            return F32;
        }
        if ((opcode >= 0x9B && opcode <= 0xA5) || opcode == F64_PROMOTE_F32) {
            // f64 ceil floor trunc nearest sqrt add sub mul div min max
            return F64;
        }
        return 0;
    }

    static void emit(ByteWriter out, int type, int scratchLocal) {
        out.u8(LOCAL_SET).u32(scratchLocal);
        if (type == F32) {
            out.u8(F32_CONST).i32le(CANONICAL_F32);
        } else {
            out.u8(F64_CONST).i64le(CANONICAL_F64);
        }
        out.u8(LOCAL_GET).u32(scratchLocal);
        out.u8(LOCAL_GET).u32(scratchLocal);
        out.u8(LOCAL_GET).u32(scratchLocal);
        out.u8(type == F32 ? F32_NE : F64_NE);
        out.u8(SELECT);
    }
}
