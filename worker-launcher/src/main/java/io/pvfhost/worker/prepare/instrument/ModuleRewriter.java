package io.pvfhost.worker.prepare.instrument;

import static io.pvfhost.worker.prepare.instrument.Opcodes.*;

import java.util.Map;
import java.util.OptionalLong;

/**
 * The binary-level rewriter behind {@link Instrumenter}: copies every section it does not need to
 * change byte for byte (custom sections, the name section, types, imports, tables, memories,
 * data, data count), and rebuilds only the function, global, export, start, element and code
 * sections when the instrumentation changes them. Inside a body, untouched instructions are
 * copied byte for byte too; only instrumented calls and canonicalised float results are new.
 * Thunks are appended after every existing function, so no function index moves and nothing that
 * refers to functions (calls, the name section) needs renumbering; exports, table elements and
 * the start function are pointed at thunks.
 */
final class ModuleRewriter {

    /**
     * @param stackLimit    the logical stack limit, or empty for no stack metering
     * @param reencodeAll   rebuild every section and body the rewriter knows, even when nothing
     *                      changes (to test the rewriter itself)
     */
    record Options(OptionalLong stackLimit, boolean canonicalizeNans, WasmFeatures features, boolean reencodeAll) {}

    private final byte[] wasm;
    private final WasmBinary module;
    private final Options options;
    private final InstructionDecoder decoder;
    private final StackLimiter.Plan plan;

    private ModuleRewriter(byte[] wasm, Options options) {
        this.wasm = wasm;
        this.options = options;
        this.module = WasmBinary.parse(wasm, options.features());
        this.decoder = new InstructionDecoder(options.features());
        this.plan = options.stackLimit().isPresent()
                ? StackLimiter.plan(module, options.stackLimit().getAsLong(), decoder)
                : null;
    }

    static byte[] rewrite(byte[] wasm, Options options) {
        return new ModuleRewriter(wasm, options).rewrite();
    }

    /** Stack costs of every function (imports first), as the stack limiter computes them. */
    static long[] stackCosts(byte[] wasm, WasmFeatures features) {
        WasmBinary m = WasmBinary.parse(wasm, features);
        return StackLimiter.computeStackCosts(m, new InstructionDecoder(features));
    }

    private byte[] rewrite() {
        byte[][] bodies = new byte[module.bodies.size()][];
        boolean bodiesChanged = false;
        for (int d = 0; d < bodies.length; d++) {
            int functionIndex = module.importedFunctions + d;
            try {
                bodies[d] = rewriteBody(d, functionIndex);
            } catch (InstrumentationException e) {
                throw e.inFunction(functionIndex);
            }
            bodiesChanged |= bodies[d] != null;
        }
        Map<Integer, Integer> thunks = plan == null ? Map.of() : plan.thunks;
        boolean all = options.reencodeAll();

        ByteWriter out = new ByteWriter(wasm.length + wasm.length / 8 + 1024);
        out.bytes(wasm, 0, 8);
        boolean globalPending = plan != null && module.section(WasmBinary.GLOBAL) == null;
        for (WasmBinary.Section s : module.sections) {
            if (globalPending && s.id() != WasmBinary.CUSTOM && WasmBinary.rank(s.id()) > WasmBinary.rank(WasmBinary.GLOBAL)) {
                section(out, WasmBinary.GLOBAL, newGlobalSection());
                globalPending = false;
            }
            ByteWriter payload = switch (s.id()) {
                case WasmBinary.FUNCTION -> all || !thunks.isEmpty() ? functionSection(s, thunks) : null;
                case WasmBinary.GLOBAL -> all || plan != null ? globalSection(s) : null;
                case WasmBinary.EXPORT -> all || !thunks.isEmpty() ? exportSection() : null;
                case WasmBinary.START -> all || !thunks.isEmpty() ? startSection() : null;
                case WasmBinary.ELEMENT -> all || !thunks.isEmpty() ? elementSection() : null;
                case WasmBinary.CODE -> all || bodiesChanged || !thunks.isEmpty() ? codeSection(bodies, thunks) : null;
                default -> null;
            };
            if (payload == null) {
                out.bytes(wasm, s.start(), s.end() - s.start());
            } else {
                section(out, s.id(), payload);
            }
        }
        if (globalPending) {
            section(out, WasmBinary.GLOBAL, newGlobalSection());
        }
        return out.toByteArray();
    }

    private static void section(ByteWriter out, int id, ByteWriter payload) {
        out.u8(id).u32(payload.size()).bytes(payload);
    }

    private ByteWriter functionSection(WasmBinary.Section s, Map<Integer, Integer> thunks) {
        ByteWriter w = new ByteWriter(s.end() - s.payloadStart() + 5 * thunks.size() + 8);
        w.u32(module.bodies.size() + (long) thunks.size());
        w.bytes(wasm, module.functionEntriesStart, s.end() - module.functionEntriesStart);
        for (int original : thunks.keySet()) {
            w.u32(module.functionTypes[original]);
        }
        return w;
    }

    private ByteWriter globalSection(WasmBinary.Section s) {
        ByteWriter w = new ByteWriter(s.end() - s.payloadStart() + 16);
        w.u32(module.definedGlobals + (plan != null ? 1L : 0L));
        w.bytes(wasm, module.globalEntriesStart, s.end() - module.globalEntriesStart);
        if (plan != null) {
            StackLimiter.emitGlobal(w);
        }
        return w;
    }

    private ByteWriter newGlobalSection() {
        ByteWriter w = new ByteWriter(16);
        w.u32(1);
        StackLimiter.emitGlobal(w);
        return w;
    }

    private int replacement(int functionIndex) {
        return plan == null ? functionIndex : plan.replacement(functionIndex);
    }

    private ByteWriter exportSection() {
        ByteWriter w = new ByteWriter();
        w.u32(module.exports.size());
        for (WasmBinary.Export e : module.exports) {
            w.bytes(wasm, e.start(), e.kindAt() - e.start());
            w.u8(e.kind());
            w.u32(e.kind() == WasmBinary.EXTERNAL_FUNCTION ? replacement(e.index()) : e.index());
        }
        return w;
    }

    private ByteWriter startSection() {
        return new ByteWriter(8).u32(replacement(module.startFunction));
    }

    private ByteWriter elementSection() {
        ByteWriter w = new ByteWriter();
        w.u32(module.elements.size());
        for (WasmBinary.ElementSegment s : module.elements) {
            w.bytes(wasm, s.start(), s.vectorAt() - s.start());
            w.u32(s.functions().length);
            for (int f : s.functions()) {
                w.u32(replacement(f));
            }
        }
        return w;
    }

    private ByteWriter codeSection(byte[][] bodies, Map<Integer, Integer> thunks) {
        WasmBinary.Section s = module.section(WasmBinary.CODE);
        ByteWriter w = new ByteWriter((s == null ? 0 : s.end() - s.payloadStart()) + 64 * thunks.size() + 16);
        w.u32(bodies.length + (long) thunks.size());
        for (int d = 0; d < bodies.length; d++) {
            if (bodies[d] != null) {
                w.bytes(bodies[d]);
            } else {
                WasmBinary.Body b = module.bodies.get(d);
                w.bytes(wasm, b.start(), b.end() - b.start());
            }
        }
        for (int original : thunks.keySet()) {
            ByteWriter body = StackLimiter.thunkBody(module.typeOfFunction(original), original, plan);
            w.u32(body.size()).bytes(body);
        }
        return w;
    }

    /**
     * Rewrites one body, or returns null when nothing changes in it. Decodes it in full either
     * way, so that an unsupported instruction is refused wherever it is.
     *
     * <p>One pass: the expression goes to a buffer first and the locals are written after, once
     * it is known which scratch locals the NaN canonicalisation used. The f32 scratch local comes
     * right after the declared locals and the f64 one after it, so a body with f64 operations
     * only also declares an (unused) f32 local: cheaper than a second pass, and harmless.
     */
    /**
     * Locals of one function, its parameters included, that the reference's validator (wasmparser,
     * {@code MAX_WASM_FUNCTION_LOCALS}) accepts: a function with more is invalid there, so here too.
     */
    static final long MAX_FUNCTION_LOCALS = 50_000;

    private byte[] rewriteBody(int definedIndex, int functionIndex) {
        WasmBinary.Body body = module.bodies.get(definedIndex);
        boolean canonicalize = options.canonicalizeNans();
        long firstScratch = module.typeOfFunction(functionIndex).params().length + body.declaredLocals();
        if (firstScratch > MAX_FUNCTION_LOCALS) {
            throw InstrumentationException.at(body.groupsStart(), "too many locals: " + firstScratch
                    + " with the parameters, at most " + MAX_FUNCTION_LOCALS);
        }
        int f32Scratch = (int) firstScratch;
        int f64Scratch = (int) firstScratch + 1;
        boolean needF32 = false;
        boolean needF64 = false;
        boolean changed = false;

        ByteWriter expr = new ByteWriter(body.end() - body.exprStart() + 64);
        ByteReader r = new ByteReader(wasm, body.exprStart(), body.end());
        int copyFrom = body.exprStart();
        int depth = 0; // open blocks; the body's own final end closes depth 0
        while (!r.atEnd()) {
            if (depth < 0) {
                throw InstrumentationException.at(r.pos(), "instructions after the function's final end");
            }
            decoder.next(r);
            int op = decoder.opcode;
            if (op == BLOCK || op == LOOP || op == IF) {
                depth++;
            } else if (op == END) {
                depth--;
            }
            if (op == CALL) {
                if (plan != null && plan.cost(decoder.index) > 0) {
                    expr.bytes(wasm, copyFrom, decoder.start - copyFrom);
                    StackLimiter.emitInstrumentedCall(expr, decoder.index, plan.cost(decoder.index), plan);
                    copyFrom = decoder.end;
                    changed = true;
                }
            } else if (canonicalize) {
                int t = NanCanonicalizer.resultType(op);
                if (t != 0) {
                    if (firstScratch + 2 > 0xFFFF_FFFFL) {
                        throw InstrumentationException.at(decoder.start, "too many locals to add NaN scratch locals");
                    }
                    expr.bytes(wasm, copyFrom, decoder.end - copyFrom);
                    NanCanonicalizer.emit(expr, t, t == F32 ? f32Scratch : f64Scratch);
                    copyFrom = decoder.end;
                    needF32 |= t == F32;
                    needF64 |= t == F64;
                    changed = true;
                }
            }
        }
        if (depth >= 0) {
            throw InstrumentationException.at(body.end(), "the function body has no final end ("
                    + (depth + 1) + " blocks open)");
        }
        if (!changed && !options.reencodeAll()) {
            return null;
        }
        expr.bytes(wasm, copyFrom, body.end() - copyFrom);

        // locals: the original groups, then the scratch locals
        int extraGroups = needF64 ? 2 : needF32 ? 1 : 0;
        ByteWriter content = new ByteWriter(expr.size() + (body.exprStart() - body.groupsStart()) + 16);
        content.u32(body.groupCount() + (long) extraGroups);
        content.bytes(wasm, body.groupsStart(), body.exprStart() - body.groupsStart());
        if (extraGroups >= 1) {
            content.u32(1).u8(F32);
        }
        if (extraGroups == 2) {
            content.u32(1).u8(F64);
        }
        content.bytes(expr);

        ByteWriter out = new ByteWriter(content.size() + 5);
        out.u32(content.size()).bytes(content);
        return out.toByteArray();
    }
}
