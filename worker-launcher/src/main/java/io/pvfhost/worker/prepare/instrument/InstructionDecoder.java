package io.pvfhost.worker.prepare.instrument;

import static io.pvfhost.worker.prepare.instrument.Opcodes.*;

import java.util.Arrays;

/**
 * Finds instruction boundaries and the immediates the instrumentation needs, for every opcode in
 * the accepted feature set: the MVP, sign extension, saturating float-to-int conversions and
 * (when enabled) bulk memory. Any other opcode is rejected with an exception that names it and
 * its offset. A cursor: {@link #next} decodes one instruction into the public-to-the-package
 * fields, which stay valid until the next call.
 *
 * <p>Encodings the reference's parser (parity-wasm) does not accept are rejected even where the
 * wasm spec allows them: the reserved byte of {@code call_indirect}, {@code memory.size} and
 * {@code memory.grow} must be one zero byte (a padded LEB128 zero, as emitted with the
 * reference-types feature, is refused), and block types must be empty or one value type.
 */
final class InstructionDecoder {
    private final WasmFeatures features;

    /** The opcode: a byte, or {@code 0xFC00 | subopcode}. */
    int opcode;
    /** Offsets of the instruction in the module: first byte and one past the last. */
    int start;
    int end;
    /**
     * The index immediate: label depth (br, br_if, br_table default), function (call), type
     * (call_indirect), local, global, data or element segment.
     */
    int index;
    /** For block, loop and if: {@link Opcodes#BLOCK_EMPTY} or the result's value type. */
    int blockType;
    /** For br_table: the targets (without the default, which is in {@link #index}). */
    int[] targets = new int[8];
    int targetCount;

    InstructionDecoder(WasmFeatures features) {
        this.features = features;
    }

    void next(ByteReader r) {
        start = r.pos();
        int op = r.u8();
        opcode = op;
        switch (op) {
            case UNREACHABLE, NOP, ELSE, END, RETURN, DROP, SELECT -> { }
            case BLOCK, LOOP, IF -> blockType = readBlockType(r);
            case BR, BR_IF -> index = r.u32Int("label depth");
            case BR_TABLE -> readBrTable(r);
            case CALL -> index = r.u32Int("function index");
            case CALL_INDIRECT -> {
                index = r.u32Int("type index");
                int at = r.pos();
                int table = r.u8();
                if (table != 0) {
                    throw unsupported(at, "call_indirect with table byte " + hex(table)
                            + ": only table 0 encoded as a single zero byte is supported (reference-types encoding)");
                }
            }
            case LOCAL_GET, LOCAL_SET, LOCAL_TEE -> index = r.u32Int("local index");
            case GLOBAL_GET, GLOBAL_SET -> index = r.u32Int("global index");
            case MEMORY_SIZE, MEMORY_GROW -> {
                int at = r.pos();
                int mem = r.u8();
                if (mem != 0) {
                    throw unsupported(at, (op == MEMORY_SIZE ? "memory.size" : "memory.grow") + " with memory byte "
                            + hex(mem) + ": only memory 0 encoded as a single zero byte is supported");
                }
            }
            case I32_CONST -> r.s32();
            case I64_CONST -> r.s64();
            case F32_CONST -> r.skip(4);
            case F64_CONST -> r.skip(8);
            case PREFIX_FC -> readPrefixFc(r);
            default -> {
                if (op >= I32_LOAD && op <= I64_STORE32) {
                    r.u32(); // alignment
                    r.u32(); // offset
                } else if (op >= I32_EQZ && op <= 0xBF) {
                    // numeric instructions without immediates
                } else if (op >= I32_EXTEND8_S && op <= I64_EXTEND32_S) {
                    if (!features.signExtension()) {
                        throw unsupported(start, "instruction " + hex(op) + " (sign-extension proposal) is not enabled");
                    }
                } else {
                    throw unsupported(start, "unsupported instruction " + hex(op) + describeUnknown(op));
                }
            }
        }
        end = r.pos();
    }

    private int readBlockType(ByteReader r) {
        int at = r.pos();
        int b = r.u8();
        if (b == BLOCK_EMPTY) {
            return b;
        }
        if ((b & 0xC0) == 0x40) {
            // a one-byte negative s33: a value type
            switch (b) {
                case I32, I64, F32, F64:
                    return b;
                case V128:
                    throw unsupported(at, "block type v128 (SIMD proposal) is not supported");
                case FUNCREF, EXTERNREF:
                    throw unsupported(at, "block type of a reference type (reference-types proposal) is not supported");
                default:
                    throw unsupported(at, "unknown block type " + hex(b));
            }
        }
        throw unsupported(at, "block type given by a type index (multi-value proposal) is not supported");
    }

    private void readBrTable(ByteReader r) {
        int n = r.count("br_table target count", 1);
        if (targets.length < n) {
            targets = Arrays.copyOf(targets, Math.max(n, targets.length * 2));
        }
        for (int i = 0; i < n; i++) {
            targets[i] = r.u32Int("label depth");
        }
        targetCount = n;
        index = r.u32Int("label depth");
    }

    private void readPrefixFc(ByteReader r) {
        long sub = r.u32();
        if (sub <= 7) {
            if (!features.saturatingFloatToInt()) {
                throw unsupported(start, "instruction 0xfc " + sub
                        + " (saturating float-to-int proposal) is not enabled");
            }
            opcode = 0xFC00 | (int) sub;
            return;
        }
        if (sub > 17) {
            throw unsupported(start, "unsupported instruction 0xfc " + sub);
        }
        if (!features.bulkMemory()) {
            throw unsupported(start, "instruction 0xfc " + sub + " (bulk-memory proposal) is not enabled");
        }
        opcode = 0xFC00 | (int) sub;
        switch (opcode) {
            case MEMORY_INIT -> {
                index = r.u32Int("data segment index");
                zeroByte(r, "memory.init");
            }
            case DATA_DROP -> index = r.u32Int("data segment index");
            case MEMORY_COPY -> {
                zeroByte(r, "memory.copy");
                zeroByte(r, "memory.copy");
            }
            case MEMORY_FILL -> zeroByte(r, "memory.fill");
            case TABLE_INIT -> {
                index = r.u32Int("element segment index");
                r.u32Int("table index");
            }
            case ELEM_DROP -> index = r.u32Int("element segment index");
            case TABLE_COPY -> {
                r.u32Int("table index");
                r.u32Int("table index");
            }
            case TABLE_GROW, TABLE_SIZE, TABLE_FILL -> r.u32Int("table index");
            default -> throw new AssertionError(opcode);
        }
    }

    private void zeroByte(ByteReader r, String what) {
        int at = r.pos();
        int b = r.u8();
        if (b != 0) {
            throw unsupported(at, what + " with memory byte " + hex(b) + ": only memory 0 is supported");
        }
    }

    private static String describeUnknown(int op) {
        return switch (op) {
            case 0xFD -> " (SIMD proposal)";
            case 0xFE -> " (threads proposal)";
            case 0x1C, 0x25, 0x26, 0xD0, 0xD1, 0xD2 -> " (reference-types proposal)";
            case 0x06, 0x07, 0x08, 0x09, 0x0A, 0x18, 0x19, 0x1F -> " (exception-handling proposal)";
            case 0x12, 0x13 -> " (tail-call proposal)";
            case 0x14, 0x15, 0xD3, 0xD4, 0xD5, 0xD6 -> " (typed function references proposal)";
            case 0xFB -> " (GC proposal)";
            default -> "";
        };
    }

    private static InstrumentationException unsupported(int offset, String what) {
        return InstrumentationException.at(offset, what);
    }
}
