package io.pvfhost.worker.prepare.instrument;

/**
 * Opcode numbers the instrumenter needs by name. Single-byte opcodes are their byte;
 * 0xFC-prefixed ones are {@code 0xFC00 | subopcode}.
 */
final class Opcodes {
    private Opcodes() {}

    static final int UNREACHABLE = 0x00;
    static final int NOP = 0x01;
    static final int BLOCK = 0x02;
    static final int LOOP = 0x03;
    static final int IF = 0x04;
    static final int ELSE = 0x05;
    static final int END = 0x0B;
    static final int BR = 0x0C;
    static final int BR_IF = 0x0D;
    static final int BR_TABLE = 0x0E;
    static final int RETURN = 0x0F;
    static final int CALL = 0x10;
    static final int CALL_INDIRECT = 0x11;
    static final int DROP = 0x1A;
    static final int SELECT = 0x1B;
    static final int LOCAL_GET = 0x20;
    static final int LOCAL_SET = 0x21;
    static final int LOCAL_TEE = 0x22;
    static final int GLOBAL_GET = 0x23;
    static final int GLOBAL_SET = 0x24;
    static final int I32_LOAD = 0x28;
    static final int I64_LOAD32_U = 0x35;
    static final int I32_STORE = 0x36;
    static final int I64_STORE32 = 0x3E;
    static final int MEMORY_SIZE = 0x3F;
    static final int MEMORY_GROW = 0x40;
    static final int I32_CONST = 0x41;
    static final int I64_CONST = 0x42;
    static final int F32_CONST = 0x43;
    static final int F64_CONST = 0x44;
    static final int I32_EQZ = 0x45;
    static final int I32_GT_U = 0x4B;
    static final int I64_EQZ = 0x50;
    static final int F32_NE = 0x5C;
    static final int F64_NE = 0x62;
    static final int I32_ADD = 0x6A;
    static final int I32_SUB = 0x6B;
    static final int F32_DEMOTE_F64 = 0xB6;
    static final int F64_PROMOTE_F32 = 0xBB;
    static final int I32_EXTEND8_S = 0xC0;
    static final int I64_EXTEND32_S = 0xC4;

    static final int PREFIX_FC = 0xFC;
    /** 0xFC 0..7: saturating float-to-int conversions. */
    static final int TRUNC_SAT_FIRST = 0xFC00;
    static final int TRUNC_SAT_LAST = 0xFC07;
    static final int MEMORY_INIT = 0xFC08;
    static final int DATA_DROP = 0xFC09;
    static final int MEMORY_COPY = 0xFC0A;
    static final int MEMORY_FILL = 0xFC0B;
    static final int TABLE_INIT = 0xFC0C;
    static final int ELEM_DROP = 0xFC0D;
    static final int TABLE_COPY = 0xFC0E;
    static final int TABLE_GROW = 0xFC0F;
    static final int TABLE_SIZE = 0xFC10;
    static final int TABLE_FILL = 0xFC11;

    /** Value types. */
    static final int I32 = 0x7F;
    static final int I64 = 0x7E;
    static final int F32 = 0x7D;
    static final int F64 = 0x7C;
    static final int V128 = 0x7B;
    static final int FUNCREF = 0x70;
    static final int EXTERNREF = 0x6F;
    /** Block type of a block without result. */
    static final int BLOCK_EMPTY = 0x40;

    static String hex(int opcode) {
        return opcode > 0xFF
                ? String.format("0x%02x 0x%02x", opcode >>> 8, opcode & 0xFF)
                : String.format("0x%02x", opcode);
    }

    /** Checks a value type of a parameter, result, local or global: i32, i64, f32 or f64. */
    static void checkValueType(int t, int offset, String where) {
        switch (t) {
            case I32, I64, F32, F64 -> { }
            case V128 -> throw InstrumentationException.at(offset, where + " of type v128 (SIMD proposal) is not supported");
            case FUNCREF, EXTERNREF -> throw InstrumentationException.at(offset,
                    where + " of a reference type (reference-types proposal) is not supported");
            default -> throw InstrumentationException.at(offset, where + " has unknown value type " + hex(t));
        }
    }
}
