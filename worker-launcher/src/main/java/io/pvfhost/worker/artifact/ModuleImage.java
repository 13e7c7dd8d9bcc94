package io.pvfhost.worker.artifact;

import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ActiveDataSegment;
import com.dylibso.chicory.wasm.types.ActiveElement;
import com.dylibso.chicory.wasm.types.AnnotatedInstruction;
import com.dylibso.chicory.wasm.types.CodeSection;
import com.dylibso.chicory.wasm.types.DataCountSection;
import com.dylibso.chicory.wasm.types.DataSection;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.DeclarativeElement;
import com.dylibso.chicory.wasm.types.Element;
import com.dylibso.chicory.wasm.types.ElementSection;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExportSection;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionBody;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionSection;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Global;
import com.dylibso.chicory.wasm.types.GlobalSection;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.ImportSection;
import com.dylibso.chicory.wasm.types.Instruction;
import com.dylibso.chicory.wasm.types.Memory;
import com.dylibso.chicory.wasm.types.MemoryImport;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.MemorySection;
import com.dylibso.chicory.wasm.types.MutabilityType;
import com.dylibso.chicory.wasm.types.OpCode;
import com.dylibso.chicory.wasm.types.PassiveDataSegment;
import com.dylibso.chicory.wasm.types.PassiveElement;
import com.dylibso.chicory.wasm.types.RecType;
import com.dylibso.chicory.wasm.types.StartSection;
import com.dylibso.chicory.wasm.types.Table;
import com.dylibso.chicory.wasm.types.TableLimits;
import com.dylibso.chicory.wasm.types.TableSection;
import com.dylibso.chicory.wasm.types.TypeSection;
import com.dylibso.chicory.wasm.types.ValType;
import io.pvfhost.artifacts.CorruptedArtifactException;
import io.pvfhost.common.scale.ScaleException;
import io.pvfhost.common.scale.ScaleReader;
import io.pvfhost.common.scale.ScaleWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * What an execute worker needs of a prepared module, stored so that loading it parses no wasm:
 * types, imports, function types, tables, memories, globals, exports, start, element and data
 * segments as plain records, and a code section in which every compiled function is a stub (its
 * compiled class runs instead) and each function left to the interpreter has its annotated
 * instructions (branch targets resolved) as the parser made them; those bodies are encoded apart
 * from the image ({@link Encoded#bodies}), so that the artifact stores and hashes them apart and a
 * worker decodes them only when a call first enters the interpreter ({@link #decodeStubbed}).
 *
 * <p>Decoding the largest corpus runtime takes a few milliseconds in a warm JVM instead of the
 * hundreds Chicory's parser spent on even a stripped copy (thousands of stub bodies, a digest of
 * the bytes, each instruction annotated). In a fresh JVM it took 60-90 ms, nearly all of it the
 * interpreted functions' 98 000 instructions; the stubbed image alone (0.36 of its 1.18 MB) takes
 * 12-25 ms. The image holds exactly what the parser would have produced: a test compares the
 * decoded module with the parsed one section by section.
 *
 * <p>Only the subset of wasm that prevalidation lets through is encoded (MVP value types, function
 * and memory imports, funcref tables); anything else is refused when the image is made, so a
 * module the image cannot hold fails preparation instead of loading differently.
 */
public final class ModuleImage {
    private static final byte[] MAGIC = {'P', 'V', 'M', 'I', 2};
    /**
     * No limits of their own on names and counts: whatever a validated module holds must load
     * again (NaN canonicalisation alone makes one float instruction eight). Every count is checked
     * against the bytes left, so an allocation is never larger than the image can fill.
     */
    private static final int MAX_DATA = 256 * 1024 * 1024;
    private static final int MAX_OPERANDS = 1_000_000;
    private static final OpCode[] OPCODES = OpCode.values();

    /** The image cannot hold this module (a feature prevalidation should have refused). */
    public static final class UnsupportedModuleException extends RuntimeException {
        public UnsupportedModuleException(String message) {
            super(message);
        }
    }

    private ModuleImage() {}

    /**
     * An encoded module: the image, and apart from it the bodies of the functions the interpreter
     * runs (most of the largest runtime's bytes), which an artifact stores and verifies apart too.
     */
    public record Encoded(byte[] image, byte[] bodies) {}

    /**
     * The image of a validated module.
     *
     * @param module the same module parsed
     * @param interpreted indices (in the function index space) of the functions the interpreter runs
     */
    public static Encoded encode(WasmModule module, Set<Integer> interpreted) {
        if (module.tagSection().isPresent()) {
            throw new UnsupportedModuleException("the module has a tag section (exception handling)");
        }
        ScaleWriter w = new ScaleWriter(1 << 16);
        w.raw(MAGIC);
        types(w, module.typeSection());
        imports(w, module.importSection());
        FunctionSection fs = module.functionSection();
        w.compact(fs.functionCount());
        for (int i = 0; i < fs.functionCount(); i++) {
            w.compact(fs.getFunctionType(i));
        }
        TableSection ts = module.tableSection();
        w.compact(ts.tableCount());
        for (int i = 0; i < ts.tableCount(); i++) {
            Table t = ts.getTable(i);
            valType(w, t.elementType());
            tableLimits(w, t.limits());
            expression(w, t.initialize());
        }
        List<Memory> memories = new ArrayList<>();
        module.memorySection().ifPresent(ms -> {
            for (int i = 0; i < ms.memoryCount(); i++) {
                memories.add(ms.getMemory(i));
            }
        });
        w.u8(module.memorySection().isPresent() ? 1 : 0);
        w.compact(memories.size());
        memories.forEach(m -> memoryLimits(w, m.limits()));
        GlobalSection gs = module.globalSection();
        w.compact(gs.globalCount());
        for (Global g : gs.globals()) {
            valType(w, g.valueType());
            w.u8(g.mutabilityType().id());
            expression(w, g.initInstructions());
        }
        ExportSection es = module.exportSection();
        w.compact(es.exportCount());
        for (int i = 0; i < es.exportCount(); i++) {
            Export e = es.getExport(i);
            name(w, e.name());
            w.u8(e.exportType().id());
            w.compact(e.index());
        }
        w.u8(module.startSection().isPresent() ? 1 : 0);
        module.startSection().ifPresent(s -> w.u64(s.startIndex()));
        elements(w, module.elementSection());
        w.u8(module.dataCountSection().isPresent() ? 1 : 0);
        module.dataCountSection().ifPresent(d -> w.compact(d.dataCount()));
        ScaleWriter bodies = new ScaleWriter(1 << 12);
        code(w, bodies, module, interpreted);
        data(w, module.dataSection());
        return new Encoded(w.toByteArray(), bodies.toByteArray());
    }

    /** The module an encoding describes, as Chicory's parser would have built it (without validation). */
    public static WasmModule decode(Encoded encoded) throws CorruptedArtifactException {
        return decode(encoded.image(), encoded.bodies());
    }

    /** The module an image and its interpreted bodies describe, as Chicory's parser would have built it. */
    public static WasmModule decode(byte[] image, byte[] bodies) throws CorruptedArtifactException {
        return decode(image, new ScaleReader(bodies), () -> false, null);
    }

    /**
     * A module with every body a stub, and the functions (in the function index space) whose
     * bodies the image says are interpreted.
     */
    public record Stubbed(WasmModule module, Set<Integer> interpreted) {}

    /**
     * The module an image describes with <em>every</em> body a {@linkplain #stub() stub}, giving up
     * with a {@link CorruptedArtifactException} once {@code cancelled} says so (the execute worker
     * decodes an image while the artifact's head is still being verified, and stops when a load
     * fails). The execute worker starts with this module and decodes the interpreted functions'
     * bodies, {@link #decode(byte[], byte[])}, only when a call first enters the interpreter: they
     * are most of the largest runtime's decoding time, and a call may never reach them. Nothing may
     * run an interpreted function of this module.
     */
    public static Stubbed decodeStubbed(byte[] image, BooleanSupplier cancelled) throws CorruptedArtifactException {
        Set<Integer> interpreted = new java.util.HashSet<>();
        WasmModule m = decode(image, null, cancelled, interpreted);
        return new Stubbed(m, Set.copyOf(interpreted));
    }

    /**
     * @param bodies the interpreted bodies, or null for a stubbed module
     * @param interpreted where the interpreted functions' indices go, or null
     */
    private static WasmModule decode(byte[] image, ScaleReader bodies, BooleanSupplier cancelled, Set<Integer> interpreted)
            throws CorruptedArtifactException {
        CANCELLED.set(cancelled);
        try {
            ScaleReader r = new ScaleReader(image);
            if (!Arrays.equals(r.fixed(MAGIC.length), MAGIC)) {
                throw new CorruptedArtifactException("not a module image (bad magic)");
            }
            WasmModule.Builder b = WasmModule.builder().withValidation(false);
            TypeSection types = readTypes(r);
            b.setTypeSection(types);
            ImportSection importSection = readImports(r);
            b.setImportSection(importSection);
            FunctionSection.Builder fs = FunctionSection.builder();
            int functions = count(r);
            for (int i = 0; i < functions; i++) {
                fs.addFunctionType(index(r));
            }
            b.setFunctionSection(fs.build());
            TableSection.Builder ts = TableSection.builder();
            for (int i = 0, n = count(r); i < n; i++) {
                ts.addTable(new Table(readValType(r), readTableLimits(r), readExpression(r)));
            }
            b.setTableSection(ts.build());
            boolean hasMemorySection = flag(r);
            MemorySection.Builder ms = MemorySection.builder();
            for (int i = 0, n = count(r); i < n; i++) {
                ms.addMemory(new Memory(readMemoryLimits(r)));
            }
            if (hasMemorySection) {
                b.setMemorySection(ms.build());
            }
            GlobalSection.Builder gs = GlobalSection.builder();
            for (int i = 0, n = count(r); i < n; i++) {
                ValType t = readValType(r);
                MutabilityType m = MutabilityType.forId(r.u8());
                gs.addGlobal(new Global(t, m, readExpression(r)));
            }
            b.setGlobalSection(gs.build());
            ExportSection.Builder es = ExportSection.builder();
            for (int i = 0, n = count(r); i < n; i++) {
                String name = readName(r);
                ExternalType kind = ExternalType.byId(r.u8());
                es.addExport(new Export(name, index(r), kind));
            }
            b.setExportSection(es.build());
            if (flag(r)) {
                b.setStartSection(StartSection.builder().setStartIndex(r.u64()).build());
            }
            b.setElementSection(readElements(r));
            if (flag(r)) {
                b.setDataCountSection(DataCountSection.builder().withDataCount(index(r)).build());
            }
            b.setCodeSection(readCode(r, functions, bodies, importSection.count(ExternalType.FUNCTION), interpreted));
            b.setDataSection(readData(r));
            r.expectEnd();
            return b.build();
        } catch (ScaleException | ChicoryException | IllegalArgumentException | IndexOutOfBoundsException
                | AssertionError e) {
            // Chicory's builders assert (with -ea) on annotations the parser would never make
            throw new CorruptedArtifactException("malformed module image: " + e, e);
        } finally {
            CANCELLED.remove();
        }
    }

    /** The decoding thread's cancellation check (decoding is single-threaded; no parameter threading). */
    private static final ThreadLocal<BooleanSupplier> CANCELLED = new ThreadLocal<>();

    /** Checks for cancellation at every 1024th step {@code i} of a loop over what the image holds. */
    private static void cancellationPoint(int i) throws CorruptedArtifactException {
        if ((i & 1023) == 0) {
            BooleanSupplier cancelled = CANCELLED.get();
            if (cancelled != null && cancelled.getAsBoolean()) {
                throw new CorruptedArtifactException("module image decoding cancelled");
            }
        }
    }

    // ---- types and imports

    private static void types(ScaleWriter w, TypeSection ts) {
        w.compact(ts.typeCount());
        for (int i = 0; i < ts.typeCount(); i++) {
            RecType rt = ts.getRecType(i);
            if (!rt.isLegacy() || !rt.subTypes()[0].isFinal() || rt.subTypes()[0].typeIdx().length != 0) {
                throw new UnsupportedModuleException("type " + i + " is not a plain function type");
            }
            FunctionType ft = rt.legacy();
            valTypes(w, ft.params());
            valTypes(w, ft.returns());
        }
    }

    private static TypeSection readTypes(ScaleReader r) throws CorruptedArtifactException {
        TypeSection.Builder b = TypeSection.builder();
        for (int i = 0, n = count(r); i < n; i++) {
            List<ValType> params = readValTypes(r);
            b.addFunctionType(FunctionType.of(params, readValTypes(r)));
        }
        return b.build();
    }

    private static void imports(ScaleWriter w, ImportSection is) {
        w.compact(is.importCount());
        for (int i = 0; i < is.importCount(); i++) {
            Import imp = is.getImport(i);
            name(w, imp.module());
            name(w, imp.name());
            if (imp instanceof FunctionImport f) {
                w.u8(0);
                w.compact(f.typeIndex());
            } else if (imp instanceof MemoryImport m) {
                w.u8(1);
                memoryLimits(w, m.limits());
            } else {
                throw new UnsupportedModuleException("import " + imp.module() + ":" + imp.name() + " is a "
                        + imp.importType() + "; only functions and memory may be imported");
            }
        }
    }

    private static ImportSection readImports(ScaleReader r) throws CorruptedArtifactException {
        ImportSection.Builder b = ImportSection.builder();
        for (int i = 0, n = count(r); i < n; i++) {
            String module = readName(r);
            String name = readName(r);
            int kind = r.u8();
            switch (kind) {
                case 0 -> b.addImport(new FunctionImport(module, name, index(r)));
                case 1 -> b.addImport(new MemoryImport(module, name, readMemoryLimits(r)));
                default -> throw new CorruptedArtifactException("unknown import kind " + kind);
            }
        }
        return b.build();
    }

    // ---- value types, limits, expressions

    /** Plain value types and abstract references; a concrete type index would need the GC proposal. */
    private static void valType(ScaleWriter w, ValType t) {
        if (t.isReference() && t.typeIdx() >= 0) {
            throw new UnsupportedModuleException("typed reference " + t + " is not supported");
        }
        w.u64(t.id());
    }

    private static ValType readValType(ScaleReader r) {
        long id = r.u64();
        if (!ValType.isValid(id)) {
            throw new IllegalArgumentException("invalid value type id " + id);
        }
        return ValType.builder().fromId(id).build();
    }

    private static void valTypes(ScaleWriter w, List<ValType> types) {
        w.compact(types.size());
        types.forEach(t -> valType(w, t));
    }

    private static List<ValType> readValTypes(ScaleReader r) throws CorruptedArtifactException {
        int n = count(r);
        List<ValType> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(readValType(r));
        }
        return out;
    }

    private static void memoryLimits(ScaleWriter w, MemoryLimits l) {
        w.u32(l.initialPages());
        w.u32(l.maximumPages());
        w.u8(l.shared() ? 1 : 0);
    }

    private static MemoryLimits readMemoryLimits(ScaleReader r) throws CorruptedArtifactException {
        return new MemoryLimits(u32Int(r), u32Int(r), flag(r));
    }

    private static void tableLimits(ScaleWriter w, TableLimits l) {
        w.u64(l.min());
        w.u64(l.max());
        w.u8(l.shared() ? 1 : 0);
    }

    private static TableLimits readTableLimits(ScaleReader r) throws CorruptedArtifactException {
        return new TableLimits(r.u64(), r.u64(), flag(r));
    }

    /** A constant expression, instruction by instruction (address included: equality compares it). */
    private static void expression(ScaleWriter w, List<Instruction> expr) {
        w.compact(expr.size());
        for (Instruction ins : expr) {
            w.u32(ins.address() & 0xffffffffL);
            w.compact(ins.opcode().ordinal());
            long[] ops = ins.operands();
            w.compact(ops.length);
            for (long op : ops) {
                w.u64(op);
            }
        }
    }

    private static List<Instruction> readExpression(ScaleReader r) throws CorruptedArtifactException {
        int n = count(r);
        Instruction[] out = new Instruction[n];
        for (int i = 0; i < n; i++) {
            int address = (int) r.u32();
            int op = index(r);
            if (op >= OPCODES.length) {
                throw new CorruptedArtifactException("unknown opcode " + op);
            }
            int k = r.count(MAX_OPERANDS, 8);
            long[] ops = new long[k];
            for (int j = 0; j < k; j++) {
                ops[j] = r.u64();
            }
            out[i] = new Instruction(address, OPCODES[op], ops);
        }
        return List.of(out);
    }

    // ---- elements and data

    private static void elements(ScaleWriter w, ElementSection section) {
        w.compact(section.elementCount());
        for (Element e : section.elements()) {
            if (e instanceof ActiveElement a) {
                w.u8(0);
                w.compact(a.tableIndex());
                expression(w, a.offset());
            } else if (e instanceof PassiveElement) {
                w.u8(1);
            } else if (e instanceof DeclarativeElement) {
                w.u8(2);
            } else {
                throw new UnsupportedModuleException("element segment of kind " + e.getClass().getSimpleName());
            }
            valType(w, e.type());
            w.compact(e.initializers().size());
            e.initializers().forEach(init -> expression(w, init));
        }
    }

    private static ElementSection readElements(ScaleReader r) throws CorruptedArtifactException {
        ElementSection.Builder b = ElementSection.builder();
        for (int i = 0, n = count(r); i < n; i++) {
            int kind = r.u8();
            int table = 0;
            List<Instruction> offset = List.of();
            if (kind == 0) {
                table = index(r);
                offset = readExpression(r);
            } else if (kind != 1 && kind != 2) {
                throw new CorruptedArtifactException("unknown element kind " + kind);
            }
            ValType type = readValType(r);
            int m = count(r);
            List<List<Instruction>> inits = new ArrayList<>(m);
            for (int j = 0; j < m; j++) {
                cancellationPoint(j);
                inits.add(readExpression(r));
            }
            b.addElement(switch (kind) {
                case 0 -> new ActiveElement(type, inits, table, offset);
                case 1 -> new PassiveElement(type, inits);
                default -> new DeclarativeElement(type, inits);
            });
        }
        return b.build();
    }

    private static void data(ScaleWriter w, DataSection section) {
        w.compact(section.dataSegmentCount());
        for (DataSegment d : section.dataSegments()) {
            if (d instanceof ActiveDataSegment a) {
                w.u8(0);
                w.u64(a.index());
                expression(w, a.offsetInstructions());
            } else if (d instanceof PassiveDataSegment) {
                w.u8(1);
            } else {
                throw new UnsupportedModuleException("data segment of kind " + d.getClass().getSimpleName());
            }
            w.bytes(d.data());
        }
    }

    private static DataSection readData(ScaleReader r) throws CorruptedArtifactException {
        DataSection.Builder b = DataSection.builder();
        for (int i = 0, n = count(r); i < n; i++) {
            cancellationPoint(i);
            int kind = r.u8();
            if (kind == 0) {
                long memory = r.u64();
                List<Instruction> offset = readExpression(r);
                b.addDataSegment(new ActiveDataSegment(memory, offset, r.bytes(MAX_DATA)));
            } else if (kind == 1) {
                b.addDataSegment(new PassiveDataSegment(r.bytes(MAX_DATA)));
            } else {
                throw new CorruptedArtifactException("unknown data segment kind " + kind);
            }
        }
        return b.build();
    }

    // ---- code

    /** A bit per function (1: interpreted); the interpreted functions' bodies in order go to {@code bodies}. */
    private static void code(ScaleWriter w, ScaleWriter bodies, WasmModule module, Set<Integer> interpreted) {
        CodeSection cs = module.codeSection();
        int imported = module.importSection().count(ExternalType.FUNCTION);
        int n = cs.functionBodyCount();
        w.u8(cs.isRequiresDataCount() ? 1 : 0);
        w.compact(n);
        byte[] bits = new byte[(n + 7) / 8];
        for (int i = 0; i < n; i++) {
            if (interpreted.contains(imported + i)) {
                bits[i / 8] |= (byte) (1 << (i % 8));
            }
        }
        w.raw(bits);
        for (int i = 0; i < n; i++) {
            if (interpreted.contains(imported + i)) {
                body(bodies, cs.getFunctionBody(i), i);
            }
        }
    }

    private static CodeSection readCode(ScaleReader r, int functions, ScaleReader bodies, int imported,
            Set<Integer> interpretedOut) throws CorruptedArtifactException {
        boolean requiresDataCount = flag(r);
        int n = index(r);
        if (n != functions) {
            throw new CorruptedArtifactException(n + " function bodies for " + functions + " functions");
        }
        byte[] bits = r.fixed((n + 7) / 8);
        CodeSection.Builder b = CodeSection.builder().setRequiresDataCount(requiresDataCount);
        FunctionBody stub = stub();
        for (int i = 0; i < n; i++) {
            boolean interpreted = (bits[i / 8] & (1 << (i % 8))) != 0;
            if (interpreted && interpretedOut != null) {
                interpretedOut.add(imported + i);
            }
            b.addFunctionBody(interpreted && bodies != null ? readBody(bodies) : stub);
        }
        if (bodies != null) {
            bodies.expectEnd();
        }
        return b.build();
    }

    /**
     * An interpreted function's body as the parser annotated it: per instruction its opcode,
     * operands, block depth, branch targets and scope (the index of the block's opening
     * instruction). Its address becomes its index: only the compiler, which has run, reads
     * addresses.
     */
    private static void body(ScaleWriter w, FunctionBody body, int function) {
        valTypes(w, body.localTypes());
        List<AnnotatedInstruction> ins = body.instructions();
        w.compact(ins.size());
        Map<Integer, Integer> indexByAddress = new HashMap<>();
        for (int j = 0; j < ins.size(); j++) {
            indexByAddress.put(ins.get(j).address(), j);
        }
        for (int j = 0; j < ins.size(); j++) {
            AnnotatedInstruction a = ins.get(j);
            if (a.catches() != null) {
                throw new UnsupportedModuleException("function " + function + " uses exception handling");
            }
            w.compact(a.opcode().ordinal());
            long[] ops = a.operands();
            w.compact(ops.length);
            for (long op : ops) {
                w.compact((op << 1) ^ (op >> 63)); // zigzag: small negative constants stay short
            }
            w.compact(a.depth());
            w.compact(a.labelTrue() + 1L);
            w.compact(a.labelFalse() + 1L);
            if (a.opcode() == OpCode.BR_TABLE) {
                w.compact(a.labelTable().size());
                for (int label : a.labelTable()) {
                    w.compact(label);
                }
            }
            if (a.scope() == null) {
                w.compact(0);
            } else {
                Integer k = indexByAddress.get(a.scope().address());
                if (k == null || k > j) {
                    throw new UnsupportedModuleException("function " + function + " instruction " + j
                            + ": scope is not an earlier instruction of the body");
                }
                w.compact(k + 1L);
            }
        }
    }

    private static FunctionBody readBody(ScaleReader r) throws CorruptedArtifactException {
        List<ValType> locals = readValTypes(r);
        int n = count(r);
        Instruction[] base = new Instruction[n];
        AnnotatedInstruction[] out = new AnnotatedInstruction[n];
        for (int j = 0; j < n; j++) {
            out[j] = readInstruction(r, base, j);
        }
        return new FunctionBody(locals, Arrays.asList(out));
    }

    /**
     * One instruction. A method of its own, not the loop's body: a cold JVM compiles a method after
     * a few hundred calls but a loop only after tens of thousands of iterations, and the largest
     * runtime's interpreted functions have 100 000 instructions.
     */
    private static AnnotatedInstruction readInstruction(ScaleReader r, Instruction[] base, int j)
            throws CorruptedArtifactException {
        cancellationPoint(j);
        int op = index(r);
        if (op >= OPCODES.length) {
            throw new CorruptedArtifactException("unknown opcode " + op);
        }
        base[j] = new Instruction(j, OPCODES[op], readOperands(r));
        AnnotatedInstruction.Builder a = AnnotatedInstruction.builder().from(base[j]).withDepth(index(r));
        int labelTrue = index(r) - 1;
        if (labelTrue >= 0) {
            a.withLabelTrue(labelTrue);
        }
        int labelFalse = index(r) - 1;
        if (labelFalse >= 0) {
            a.withLabelFalse(labelFalse);
        }
        if (OPCODES[op] == OpCode.BR_TABLE) {
            int m = count(r);
            List<Integer> table = new ArrayList<>(m);
            for (int i = 0; i < m; i++) {
                table.add(index(r));
            }
            a.withLabelTable(table);
        }
        int scope = index(r) - 1;
        if (scope > j) {
            throw new CorruptedArtifactException("instruction " + j + " scoped by a later one");
        }
        if (scope >= 0) {
            a.withScope(base[scope]);
        }
        return a.build();
    }

    private static long[] readOperands(ScaleReader r) throws CorruptedArtifactException {
        int k = count(r);
        if (k == 0) {
            return Instruction.EMPTY_OPERANDS;
        }
        long[] ops = new long[k];
        for (int i = 0; i < k; i++) {
            long z = r.compact();
            ops[i] = (z >>> 1) ^ -(z & 1);
        }
        return ops;
    }

    /**
     * The body every compiled function gets: {@code unreachable}. Its compiled class runs instead,
     * so this body is never executed; one shared instance serves all of them.
     */
    public static FunctionBody stub() {
        Instruction unreachable = new Instruction(0, OpCode.UNREACHABLE, Instruction.EMPTY_OPERANDS);
        Instruction end = new Instruction(1, OpCode.END, Instruction.EMPTY_OPERANDS);
        return new FunctionBody(List.of(), List.of(
                AnnotatedInstruction.builder().from(unreachable).withDepth(0).build(),
                AnnotatedInstruction.builder().from(end).withDepth(0).withScope(end).build()));
    }

    // ---- small codecs

    private static void name(ScaleWriter w, String s) {
        w.bytes(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String readName(ScaleReader r) {
        return new String(r.bytes(r.remaining()), StandardCharsets.UTF_8);
    }

    /** A count, each element at least a byte: never more than the bytes left could hold. */
    private static int count(ScaleReader r) {
        return r.count(Integer.MAX_VALUE, 1);
    }

    private static int index(ScaleReader r) throws CorruptedArtifactException {
        long n = r.compactU32();
        if (n > Integer.MAX_VALUE) {
            throw new CorruptedArtifactException("index " + n + " out of range");
        }
        return (int) n;
    }

    private static int u32Int(ScaleReader r) throws CorruptedArtifactException {
        long n = r.u32();
        if (n > Integer.MAX_VALUE) {
            throw new CorruptedArtifactException("value " + n + " out of range");
        }
        return (int) n;
    }

    private static boolean flag(ScaleReader r) throws CorruptedArtifactException {
        int f = r.u8();
        if (f > 1) {
            throw new CorruptedArtifactException("flag byte " + f);
        }
        return f == 1;
    }
}
