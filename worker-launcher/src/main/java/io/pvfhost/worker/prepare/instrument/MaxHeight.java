package io.pvfhost.worker.prepare.instrument;

import static io.pvfhost.worker.prepare.instrument.Opcodes.*;

import java.util.Arrays;

/**
 * The maximal height of a function's operand stack, exactly as paritytech/wasm-instrument's
 * {@code src/stack_limiter/max_height.rs} computes it (versions 0.3.0 and 0.4.0, identical here;
 * polkadot-sdk uses them through sc-executor-common's {@code RuntimeBlob}). The quirks are kept on
 * purpose, since the verdict must match the reference's:
 * <ul>
 *   <li>the value stack starts at {@link #ACTIVATION_FRAME_COST} (2), not 0, while the function's
 *       own control frame starts at height 0;</li>
 *   <li>the height is sampled before each instruction (including the final {@code end}), and not
 *       while the innermost frame is polymorphic (after unreachable, br, br_table, return);</li>
 *   <li>{@code else} changes nothing: the height after the then-branch carries into the
 *       else-branch, and so does the polymorphic flag;</li>
 *   <li>popping checks only "height equals the frame's start height" (then it is an error, or a
 *       no-op in a polymorphic frame); otherwise it subtracts, and only a negative u32 fails;</li>
 *   <li>the pop granularity of each instruction is the Rust one (select pops 2 then 1, br_if
 *       pops the target arity then 1, call_indirect pops 1 then the parameters).</li>
 * </ul>
 * Errors carry the reference's wording. Instructions the reference cannot parse (saturating
 * conversions, bulk memory) get their natural arity: documented deviations, not ports.
 */
final class MaxHeight {
    /** wasm-instrument's {@code ACTIVATION_FRAME_COST}. */
    static final int ACTIVATION_FRAME_COST = 2;

    private static final long U32_MAX = 0xFFFF_FFFFL;

    private final WasmBinary module;
    private final InstructionDecoder dec;

    // control stack
    private boolean[] polymorphic = new boolean[16];
    private int[] endArity = new int[16];
    private int[] branchArity = new int[16];
    private long[] startHeight = new long[16];
    private int depth;
    private long height;

    MaxHeight(WasmBinary module, InstructionDecoder decoder) {
        this.module = module;
        this.dec = decoder;
    }

    /** The maximal stack height of the given defined function (index among defined functions). */
    long compute(int definedIndex) {
        WasmBinary.Body body = module.bodies.get(definedIndex);
        WasmBinary.FuncType signature = module.typeOfFunction(module.importedFunctions + definedIndex);
        int funcArity = signature.results().length;
        ByteReader r = new ByteReader(module.bytes, body.exprStart(), body.end());

        depth = 0;
        height = ACTIVATION_FRAME_COST;
        long maxHeight = 0;
        // the implicit frame of the function: branches to it and its final end use it
        pushFrame(funcArity, funcArity, 0);

        while (!r.atEnd()) {
            int at = r.pos();
            if (height > maxHeight && !polymorphic[frame(0, at)]) {
                maxHeight = height;
            }
            dec.next(r);
            step(funcArity, at);
        }
        return maxHeight;
    }

    private void step(int funcArity, int at) {
        int op = dec.opcode;
        switch (op) {
            case NOP, ELSE -> { }
            case BLOCK, LOOP, IF -> {
                int end = dec.blockType == BLOCK_EMPTY ? 0 : 1;
                int branch = op == LOOP ? 0 : end;
                if (op == IF) {
                    pop(1, at);
                }
                pushFrame(end, branch, height);
            }
            case END -> {
                if (depth == 0) {
                    throw fail(at, "stack must be non-empty");
                }
                depth--;
                height = startHeight[depth];
                push(endArity[depth], at);
            }
            case UNREACHABLE -> markUnreachable(at);
            case BR -> {
                pop(branchArity[frame(dec.index, at)], at);
                markUnreachable(at);
            }
            case BR_IF -> {
                int arity = branchArity[frame(dec.index, at)];
                pop(arity, at);
                pop(1, at);
                push(arity, at);
            }
            case BR_TABLE -> {
                int arityOfDefault = branchArity[frame(dec.index, at)];
                for (int i = 0; i < dec.targetCount; i++) {
                    if (branchArity[frame(dec.targets[i], at)] != arityOfDefault) {
                        throw fail(at, "Arity of all jump-targets must be equal");
                    }
                }
                pop(arityOfDefault, at);
                markUnreachable(at);
            }
            case RETURN -> {
                pop(funcArity, at);
                markUnreachable(at);
            }
            case CALL -> {
                WasmBinary.FuncType t = resolveFuncType(dec.index, at);
                pop(t.params().length, at);
                push(t.results().length, at);
            }
            case CALL_INDIRECT -> {
                if (dec.index >= module.types.size()) {
                    throw fail(at, "Type not found");
                }
                WasmBinary.FuncType t = module.types.get(dec.index);
                pop(1, at);
                pop(t.params().length, at);
                push(t.results().length, at);
            }
            case DROP, LOCAL_SET, GLOBAL_SET -> pop(1, at);
            case SELECT -> {
                pop(2, at);
                pop(1, at);
                push(1, at);
            }
            case LOCAL_GET, GLOBAL_GET, MEMORY_SIZE, I32_CONST, I64_CONST, F32_CONST, F64_CONST -> push(1, at);
            case LOCAL_TEE, MEMORY_GROW -> popPush(1, at);
            // not in the reference (its parser has no 0xFC instructions): natural arities
            case MEMORY_INIT, MEMORY_COPY, MEMORY_FILL, TABLE_INIT, TABLE_COPY, TABLE_FILL -> pop(3, at);
            case DATA_DROP, ELEM_DROP -> { }
            case TABLE_GROW -> {
                pop(2, at);
                push(1, at);
            }
            case TABLE_SIZE -> push(1, at);
            default -> {
                if (op >= I32_LOAD && op <= I64_LOAD32_U) {
                    popPush(1, at);
                } else if (op >= I32_STORE && op <= I64_STORE32) {
                    pop(2, at);
                } else if (op == I32_EQZ || op == I64_EQZ) {
                    popPush(1, at);
                } else if (isBinary(op)) {
                    // comparisons and binary operators: two operands, one result
                    pop(2, at);
                    push(1, at);
                } else if (isUnary(op)) {
                    // unary operators, conversions, sign extension, saturating conversions
                    popPush(1, at);
                } else {
                    throw new AssertionError("decoder accepted " + hex(op) + " without a stack rule");
                }
            }
        }
    }

    private static boolean isBinary(int op) {
        return (op >= 0x46 && op <= 0x4F) // i32 comparisons
                || (op >= 0x51 && op <= 0x66) // i64, f32, f64 comparisons
                || (op >= 0x6A && op <= 0x78) // i32 binary
                || (op >= 0x7C && op <= 0x8A) // i64 binary
                || (op >= 0x92 && op <= 0x98) // f32 binary
                || (op >= 0xA0 && op <= 0xA6); // f64 binary
    }

    private static boolean isUnary(int op) {
        return (op >= 0x67 && op <= 0x69) // i32 clz ctz popcnt
                || (op >= 0x79 && op <= 0x7B) // i64 clz ctz popcnt
                || (op >= 0x8B && op <= 0x91) // f32 abs .. sqrt
                || (op >= 0x99 && op <= 0x9F) // f64 abs .. sqrt
                || (op >= 0xA7 && op <= 0xBF) // conversions and reinterpretations
                || (op >= I32_EXTEND8_S && op <= I64_EXTEND32_S) // sign extension
                || (op >= TRUNC_SAT_FIRST && op <= TRUNC_SAT_LAST); // saturating conversions
    }

    /** mod.rs {@code resolve_func_type}: the type of any function in the index space. */
    private WasmBinary.FuncType resolveFuncType(int functionIndex, int at) {
        if (functionIndex >= module.functionCount()) {
            throw fail(at, "Function at the specified index is not defined");
        }
        return module.typeOfFunction(functionIndex);
    }

    /** The index in the control stack arrays of the frame {@code relDepth} below the top. */
    private int frame(int relDepth, int at) {
        if (depth == 0) {
            throw fail(at, "control stack is empty");
        }
        int idx = depth - 1 - relDepth;
        if (relDepth < 0 || idx < 0) {
            throw fail(at, "control stack out-of-bounds");
        }
        return idx;
    }

    private void pushFrame(int end, int branch, long start) {
        if (depth == polymorphic.length) {
            int n = depth * 2;
            polymorphic = Arrays.copyOf(polymorphic, n);
            endArity = Arrays.copyOf(endArity, n);
            branchArity = Arrays.copyOf(branchArity, n);
            startHeight = Arrays.copyOf(startHeight, n);
        }
        polymorphic[depth] = false;
        endArity[depth] = end;
        branchArity[depth] = branch;
        startHeight[depth] = start;
        depth++;
    }

    private void markUnreachable(int at) {
        if (depth == 0) {
            throw fail(at, "stack must be non-empty");
        }
        polymorphic[depth - 1] = true;
    }

    private void push(int count, int at) {
        height += count;
        if (height > U32_MAX) {
            throw fail(at, "stack overflow");
        }
    }

    private void pop(int count, int at) {
        if (count == 0) {
            return;
        }
        if (depth == 0) {
            throw fail(at, "control stack is empty");
        }
        if (height == startHeight[depth - 1]) {
            // popping values pushed in the parent frame is an error, unless this frame is polymorphic
            if (polymorphic[depth - 1]) {
                return;
            }
            throw fail(at, "trying to pop more values than pushed");
        }
        height -= count;
        if (height < 0) {
            throw fail(at, "stack underflow");
        }
    }

    private void popPush(int count, int at) {
        pop(count, at);
        push(count, at);
    }

    private static InstrumentationException fail(int at, String reference) {
        return InstrumentationException.at(at, "cannot inject the stack limiter: " + reference);
    }
}
