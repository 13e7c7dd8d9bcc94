package io.pvfhost.worker.prepare.instrument;

import static io.pvfhost.worker.prepare.instrument.Opcodes.*;

import java.util.Map;
import java.util.TreeMap;

/**
 * Deterministic stack depth metering: a port of paritytech/wasm-instrument's
 * {@code src/stack_limiter/mod.rs} and {@code thunk.rs} (crate versions 0.3.0 and 0.4.0, whose
 * stack limiter differs only in comments; polkadot-sdk's sc-executor-common calls it as
 * {@code RuntimeBlob::inject_stack_depth_metering(logical_max)}, default logical_max 65536).
 *
 * <ol>
 *   <li>A new mutable i32 global, initialised to 0, holds the stack height. It is appended to the
 *       global section, so its index is the number of defined globals (the reference's
 *       {@code entries().len() - 1}; imported globals would make that wrong, so they are
 *       rejected here).</li>
 *   <li>The cost of an imported function is 0; of a defined function, the number of its declared
 *       locals (parameters not included) plus its {@link MaxHeight maximal stack height}, both as
 *       checked u32 sums.</li>
 *   <li>Every {@code call} of a function with a nonzero cost becomes: height += cost; if height
 *       &gt; limit (unsigned) then unreachable; call; height -= cost. {@code call_indirect} is not
 *       instrumented: table entries go through thunks instead.</li>
 *   <li>Exported functions, table element functions and the start function with a nonzero cost
 *       are replaced (in exports, element segments and the start section) by a thunk: a new
 *       function with the same signature that passes its parameters to an instrumented call of
 *       the original. Thunks are appended after all functions in ascending order of the original's
 *       index (the reference's BTreeMap order), so no existing function index moves.</li>
 * </ol>
 */
final class StackLimiter {
    /** The instrumentation of one module: global, costs, thunks. */
    static final class Plan {
        final int globalIndex;
        final long limit;
        /** Cost of every function of the index space (imports first). */
        final long[] costs;
        /** Original function index -> thunk function index, ascending by original. */
        final Map<Integer, Integer> thunks;

        Plan(int globalIndex, long limit, long[] costs, Map<Integer, Integer> thunks) {
            this.globalIndex = globalIndex;
            this.limit = limit;
            this.costs = costs;
            this.thunks = thunks;
        }

        /** The cost of calling a function, 0 if outside the index space (then the call is left alone). */
        long cost(int functionIndex) {
            return functionIndex >= 0 && functionIndex < costs.length ? costs[functionIndex] : 0;
        }

        int replacement(int functionIndex) {
            return thunks.getOrDefault(functionIndex, functionIndex);
        }
    }

    private StackLimiter() {}

    static Plan plan(WasmBinary module, long limit, InstructionDecoder decoder) {
        if (limit < 0 || limit > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("stack limit must be a u32, got " + limit);
        }
        if (module.importedGlobals > 0) {
            throw new InstrumentationException("the module imports " + module.importedGlobals
                    + " globals: the reference would give its stack height global a wrong index"
                    + " (imported globals are not supported)");
        }
        int globalIndex = module.importedGlobals + module.definedGlobals;
        long[] costs = computeStackCosts(module, decoder);
        return new Plan(globalIndex, limit, costs, planThunks(module, costs));
    }

    /** mod.rs {@code compute_stack_costs}: imports cost 0, defined functions locals + max height. */
    static long[] computeStackCosts(WasmBinary module, InstructionDecoder decoder) {
        MaxHeight maxHeight = new MaxHeight(module, decoder);
        long[] costs = new long[module.functionCount()];
        for (int d = 0; d < module.bodies.size(); d++) {
            int functionIndex = module.importedFunctions + d;
            try {
                long locals = module.bodies.get(d).declaredLocals();
                if (locals > 0xFFFF_FFFFL) {
                    throw InstrumentationException.at(module.bodies.get(d).start(),
                            "cannot inject the stack limiter: Overflow in local count");
                }
                long cost = locals + maxHeight.compute(d);
                if (cost > 0xFFFF_FFFFL) {
                    throw InstrumentationException.at(module.bodies.get(d).start(),
                            "cannot inject the stack limiter: Overflow in adding locals_count and max_stack_height");
                }
                costs[functionIndex] = cost;
            } catch (InstrumentationException e) {
                throw e.inFunction(functionIndex);
            }
        }
        return costs;
    }

    /** thunk.rs: exported, table and start functions with a nonzero cost get a thunk. */
    private static Map<Integer, Integer> planThunks(WasmBinary module, long[] costs) {
        TreeMap<Integer, Integer> thunks = new TreeMap<>();
        for (WasmBinary.Export e : module.exports) {
            if (e.kind() == WasmBinary.EXTERNAL_FUNCTION) {
                consider(thunks, costs, e.index());
            }
        }
        for (WasmBinary.ElementSegment s : module.elements) {
            for (int f : s.functions()) {
                consider(thunks, costs, f);
            }
        }
        if (module.startFunction >= 0) {
            consider(thunks, costs, module.startFunction);
        }
        int next = module.functionCount();
        for (Map.Entry<Integer, Integer> e : thunks.entrySet()) {
            e.setValue(next++);
        }
        return thunks;
    }

    private static void consider(Map<Integer, Integer> thunks, long[] costs, int functionIndex) {
        if (functionIndex >= costs.length) {
            throw new InstrumentationException("cannot inject the stack limiter: function index isn't found ("
                    + functionIndex + " is exported, in a table or the start function)");
        }
        if (costs[functionIndex] != 0) {
            thunks.put(functionIndex, -1);
        }
    }

    /** mod.rs {@code instrument_call!}: the sequence that replaces {@code call callee}. */
    static void emitInstrumentedCall(ByteWriter out, int callee, long cost, Plan plan) {
        int g = plan.globalIndex;
        int c = (int) cost; // `cost as i32`
        // stack_height += stack_cost(F)
        out.u8(GLOBAL_GET).u32(g).u8(I32_CONST).s32(c).u8(I32_ADD).u8(GLOBAL_SET).u32(g);
        // if stack_height > LIMIT: unreachable
        out.u8(GLOBAL_GET).u32(g).u8(I32_CONST).s32((int) plan.limit).u8(I32_GT_U);
        out.u8(IF).u8(BLOCK_EMPTY).u8(UNREACHABLE).u8(END);
        // the original call
        out.u8(CALL).u32(callee);
        // stack_height -= stack_cost(F)
        out.u8(GLOBAL_GET).u32(g).u8(I32_CONST).s32(c).u8(I32_SUB).u8(GLOBAL_SET).u32(g);
    }

    /** thunk.rs: a body (without its size) that forwards its parameters to an instrumented call. */
    static ByteWriter thunkBody(WasmBinary.FuncType signature, int callee, Plan plan) {
        ByteWriter out = new ByteWriter(64);
        out.u32(0); // no locals
        for (int i = 0; i < signature.params().length; i++) {
            out.u8(LOCAL_GET).u32(i);
        }
        emitInstrumentedCall(out, callee, plan.cost(callee), plan);
        out.u8(END);
        return out;
    }

    /** The new global: {@code (global (mut i32) (i32.const 0))}. */
    static void emitGlobal(ByteWriter out) {
        out.u8(I32).u8(1).u8(I32_CONST).s32(0).u8(END);
    }
}
