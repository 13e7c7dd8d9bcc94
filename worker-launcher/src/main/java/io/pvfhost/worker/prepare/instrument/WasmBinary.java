package io.pvfhost.worker.prepare.instrument;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The structure of a wasm module as far as instrumentation needs it: where every section is, the
 * function types, the function index space, exports, element segments, the start function and
 * where each function body's locals and expression are. Everything else stays bytes, to be
 * copied unchanged. Parsing checks the binary structure and the accepted feature set (value
 * types, single results, element segment kinds); full validation is left to Chicory.
 */
final class WasmBinary {
    static final int CUSTOM = 0;
    static final int TYPE = 1;
    static final int IMPORT = 2;
    static final int FUNCTION = 3;
    static final int TABLE = 4;
    static final int MEMORY = 5;
    static final int GLOBAL = 6;
    static final int EXPORT = 7;
    static final int START = 8;
    static final int ELEMENT = 9;
    static final int CODE = 10;
    static final int DATA = 11;
    static final int DATA_COUNT = 12;

    static final int EXTERNAL_FUNCTION = 0;
    static final int EXTERNAL_TABLE = 1;
    static final int EXTERNAL_MEMORY = 2;
    static final int EXTERNAL_GLOBAL = 3;

    private static final byte[] HEADER = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};

    /** A section: the offset of its id byte, of its payload, and one past its end. */
    record Section(int id, int start, int payloadStart, int end) {}

    /** A function type: parameter and result value types (at most one result). */
    record FuncType(byte[] params, byte[] results) {
        @Override
        public boolean equals(Object o) {
            return o instanceof FuncType t && Arrays.equals(params, t.params) && Arrays.equals(results, t.results);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(params) + Arrays.hashCode(results);
        }

        @Override
        public String toString() {
            return "(" + Arrays.toString(params) + ") -> " + Arrays.toString(results);
        }
    }

    /** An export entry: bytes [start, kindAt) are the name with its length; then kind and index. */
    record Export(int start, int kindAt, int kind, int index) {}

    /**
     * An element segment with a function index vector: bytes [start, vectorAt) are everything
     * before the vector (flags, table, offset, element kind), copied unchanged on rewrite.
     */
    record ElementSegment(int start, int vectorAt, int[] functions, int end) {}

    /**
     * A function body. {@code start} is the offset of its size, {@code groupsStart} of its first
     * local group (after the group count), {@code exprStart} of its first instruction, {@code end}
     * one past its final {@code end} opcode.
     */
    record Body(int start, int groupCount, int groupsStart, int exprStart, int end, long declaredLocals) {}

    final byte[] bytes;
    final List<Section> sections = new ArrayList<>();
    final List<FuncType> types = new ArrayList<>();
    int importedFunctions;
    int importedGlobals;
    int importedTables;
    int importedMemories;
    /** Type index of every function, imports first. */
    int[] functionTypes = new int[0];
    int definedGlobals;
    final List<Export> exports = new ArrayList<>();
    int startFunction = -1;
    final List<ElementSegment> elements = new ArrayList<>();
    final List<Body> bodies = new ArrayList<>();
    /** Offset of the first entry after the count, in the function and global sections. */
    int functionEntriesStart = -1;
    int globalEntriesStart = -1;

    private final WasmFeatures features;
    private final InstructionDecoder decoder;
    private final Section[] byId = new Section[13];

    private WasmBinary(byte[] bytes, WasmFeatures features) {
        this.bytes = bytes;
        this.features = features;
        this.decoder = new InstructionDecoder(features);
    }

    static WasmBinary parse(byte[] bytes, WasmFeatures features) {
        WasmBinary m = new WasmBinary(bytes, features);
        m.parse();
        return m;
    }

    Section section(int id) {
        return byId[id];
    }

    int functionCount() {
        return functionTypes.length;
    }

    FuncType typeOfFunction(int functionIndex) {
        return types.get(functionTypes[functionIndex]);
    }

    /** Ordering of non-custom sections in a module (the data count section sits before code). */
    static int rank(int id) {
        return switch (id) {
            case TYPE -> 1;
            case IMPORT -> 2;
            case FUNCTION -> 3;
            case TABLE -> 4;
            case MEMORY -> 5;
            case GLOBAL -> 6;
            case EXPORT -> 7;
            case START -> 8;
            case ELEMENT -> 9;
            case DATA_COUNT -> 10;
            case CODE -> 11;
            case DATA -> 12;
            default -> throw new IllegalArgumentException("section " + id);
        };
    }

    private void parse() {
        if (bytes.length < 8 || !Arrays.equals(Arrays.copyOf(bytes, 8), HEADER)) {
            throw InstrumentationException.at(0, "not a wasm module (bad magic or version)");
        }
        ByteReader r = new ByteReader(bytes, 8, bytes.length);
        int lastRank = 0;
        int definedFunctionsDeclared = -1;
        int[] definedTypes = new int[0];
        while (!r.atEnd()) {
            int start = r.pos();
            int id = r.u8();
            int sizeAt = r.pos();
            long size = r.u32();
            int payload = r.pos();
            if (size > r.remaining()) {
                throw InstrumentationException.at(sizeAt, "section " + id + " of " + size
                        + " bytes runs past the end of the module");
            }
            int end = payload + (int) size;
            if (id == 13) {
                throw InstrumentationException.at(start, "tag section (exception-handling proposal) is not supported");
            }
            if (id > 13) {
                throw InstrumentationException.at(start, "unknown section id " + id);
            }
            Section s = new Section(id, start, payload, end);
            sections.add(s);
            if (id != CUSTOM) {
                if (rank(id) <= lastRank) {
                    throw InstrumentationException.at(start, "section " + id + " is duplicated or out of order");
                }
                lastRank = rank(id);
                byId[id] = s;
            }
            ByteReader p = new ByteReader(bytes, payload, end);
            switch (id) {
                case CUSTOM -> p.skip(p.remaining());
                case TYPE -> parseTypes(p);
                case IMPORT -> parseImports(p);
                case FUNCTION -> {
                    int n = p.count("function count", 1);
                    functionEntriesStart = p.pos();
                    definedTypes = new int[n];
                    for (int i = 0; i < n; i++) {
                        definedTypes[i] = p.u32Int("type index");
                    }
                    definedFunctionsDeclared = n;
                }
                case TABLE -> {
                    int n = p.count("table count", 3);
                    for (int i = 0; i < n; i++) {
                        tableType(p);
                    }
                }
                case MEMORY -> {
                    int n = p.count("memory count", 2);
                    for (int i = 0; i < n; i++) {
                        limits(p, "memory");
                    }
                }
                case GLOBAL -> parseGlobals(p);
                case EXPORT -> parseExports(p);
                case START -> startFunction = p.u32Int("start function index");
                case ELEMENT -> parseElements(p);
                case DATA_COUNT -> p.u32();
                case CODE -> parseCode(p);
                case DATA -> parseData(p);
                default -> throw new AssertionError(id);
            }
            if (!p.atEnd()) {
                throw InstrumentationException.at(p.pos(), "section " + id + " has " + p.remaining()
                        + " unexpected bytes at its end");
            }
            r.skip((int) size);
        }
        int defined = Math.max(definedFunctionsDeclared, 0);
        if (defined != bodies.size()) {
            throw new InstrumentationException("the function section declares " + defined
                    + " functions but the code section has " + bodies.size() + " bodies");
        }
        int[] all = Arrays.copyOf(functionTypes, importedFunctions + defined);
        System.arraycopy(definedTypes, 0, all, importedFunctions, defined);
        functionTypes = all;
        for (int i = 0; i < all.length; i++) {
            if (all[i] >= types.size()) {
                throw new InstrumentationException("function " + i + " has type index " + all[i]
                        + " but there are " + types.size() + " types");
            }
        }
    }

    private void parseTypes(ByteReader p) {
        int n = p.count("type count", 3);
        for (int i = 0; i < n; i++) {
            int at = p.pos();
            int form = p.u8();
            if (form != 0x60) {
                throw InstrumentationException.at(at, "type " + i + " has form " + Opcodes.hex(form)
                        + ": only function types are supported");
            }
            byte[] params = valueTypes(p, "parameter of type " + i);
            int resultsAt = p.pos();
            byte[] results = valueTypes(p, "result of type " + i);
            if (results.length > 1) {
                throw InstrumentationException.at(resultsAt, "type " + i + " has " + results.length
                        + " results (multi-value proposal is not supported)");
            }
            types.add(new FuncType(params, results));
        }
    }

    private static byte[] valueTypes(ByteReader p, String what) {
        int n = p.count("value type count", 1);
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            int at = p.pos();
            int t = p.u8();
            Opcodes.checkValueType(t, at, what);
            out[i] = (byte) t;
        }
        return out;
    }

    private void parseImports(ByteReader p) {
        int n = p.count("import count", 4);
        List<Integer> funcTypes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            name(p);
            name(p);
            int at = p.pos();
            int kind = p.u8();
            switch (kind) {
                case EXTERNAL_FUNCTION -> funcTypes.add(p.u32Int("type index"));
                case EXTERNAL_TABLE -> {
                    tableType(p);
                    importedTables++;
                }
                case EXTERNAL_MEMORY -> {
                    limits(p, "memory");
                    importedMemories++;
                }
                case EXTERNAL_GLOBAL -> {
                    globalType(p, "imported global");
                    importedGlobals++;
                }
                default -> throw InstrumentationException.at(at, "import " + i + " has unknown kind " + kind);
            }
        }
        importedFunctions = funcTypes.size();
        functionTypes = funcTypes.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void name(ByteReader p) {
        int len = p.count("name length", 1);
        p.skip(len);
    }

    private static void tableType(ByteReader p) {
        int at = p.pos();
        int t = p.u8();
        if (t != Opcodes.FUNCREF) {
            throw InstrumentationException.at(at, "table of element type " + Opcodes.hex(t)
                    + " (reference-types proposal) is not supported");
        }
        limits(p, "table");
    }

    private static void limits(ByteReader p, String what) {
        int at = p.pos();
        int flag = p.u8();
        switch (flag) {
            case 0 -> p.u32();
            case 1 -> {
                p.u32();
                p.u32();
            }
            default -> throw InstrumentationException.at(at, what + " limits flag " + flag
                    + " (shared or 64-bit memory) is not supported");
        }
    }

    private static void globalType(ByteReader p, String what) {
        int at = p.pos();
        Opcodes.checkValueType(p.u8(), at, what);
        int mutAt = p.pos();
        int mut = p.u8();
        if (mut > 1) {
            throw InstrumentationException.at(mutAt, what + " has bad mutability flag " + mut);
        }
    }

    private void parseGlobals(ByteReader p) {
        int n = p.count("global count", 4);
        globalEntriesStart = p.pos();
        for (int i = 0; i < n; i++) {
            globalType(p, "global " + i);
            constExpr(p);
        }
        definedGlobals = n;
    }

    /** Skips a constant expression up to and including its end. */
    private void constExpr(ByteReader p) {
        while (true) {
            decoder.next(p);
            if (decoder.opcode == Opcodes.END) {
                return;
            }
        }
    }

    private void parseExports(ByteReader p) {
        int n = p.count("export count", 3);
        for (int i = 0; i < n; i++) {
            int start = p.pos();
            name(p);
            int kindAt = p.pos();
            int kind = p.u8();
            if (kind > EXTERNAL_GLOBAL) {
                throw InstrumentationException.at(kindAt, "export " + i + " has unknown kind " + kind);
            }
            int index = p.u32Int("export index");
            exports.add(new Export(start, kindAt, kind, index));
        }
    }

    private void parseElements(ByteReader p) {
        int n = p.count("element segment count", 3);
        for (int i = 0; i < n; i++) {
            int start = p.pos();
            long flags = p.u32();
            if (flags > 7) {
                throw InstrumentationException.at(start, "element segment " + i + " has unknown flags " + flags);
            }
            if (flags >= 4) {
                throw InstrumentationException.at(start, "element segment " + i + " of kind " + flags
                        + " (element expressions, reference-types proposal) is not supported");
            }
            if (flags != 0 && !features.bulkMemory()) {
                throw InstrumentationException.at(start, "element segment " + i + " of kind " + flags
                        + " (passive or declared, bulk-memory proposal) is not enabled");
            }
            if (flags == 2) {
                p.u32Int("table index");
            }
            if (flags == 0 || flags == 2) {
                constExpr(p);
            }
            if (flags != 0) {
                int at = p.pos();
                int elemKind = p.u8();
                if (elemKind != 0) {
                    throw InstrumentationException.at(at, "element segment " + i + " has element kind "
                            + Opcodes.hex(elemKind) + ", only funcref (0x00) is supported");
                }
            }
            int vectorAt = p.pos();
            int count = p.count("element count", 1);
            int[] functions = new int[count];
            for (int k = 0; k < count; k++) {
                functions[k] = p.u32Int("function index");
            }
            elements.add(new ElementSegment(start, vectorAt, functions, p.pos()));
        }
    }

    private void parseData(ByteReader p) {
        int n = p.count("data segment count", 3);
        for (int i = 0; i < n; i++) {
            int start = p.pos();
            long flags = p.u32();
            if (flags > 2) {
                throw InstrumentationException.at(start, "data segment " + i + " has unknown flags " + flags);
            }
            if (flags != 0 && !features.bulkMemory()) {
                throw InstrumentationException.at(start, "data segment " + i + " of kind " + flags
                        + " (passive or explicit memory, bulk-memory proposal) is not enabled");
            }
            if (flags == 2) {
                p.u32Int("memory index");
            }
            if (flags != 1) {
                constExpr(p);
            }
            int len = p.count("data length", 1);
            p.skip(len);
        }
    }

    private void parseCode(ByteReader p) {
        int n = p.count("body count", 2);
        for (int i = 0; i < n; i++) {
            int start = p.pos();
            int size = p.u32Int("body size");
            if (size > p.remaining()) {
                throw InstrumentationException.at(start, "body " + i + " of " + size + " bytes runs past its section");
            }
            int end = p.pos() + size;
            ByteReader b = new ByteReader(bytes, p.pos(), end);
            int groups = b.count("local group count", 2);
            int groupsStart = b.pos();
            long declared = 0;
            for (int g = 0; g < groups; g++) {
                declared += b.u32();
                int at = b.pos();
                Opcodes.checkValueType(b.u8(), at, "local");
            }
            if (b.atEnd()) {
                throw InstrumentationException.at(end, "body " + i + " has no instructions");
            }
            bodies.add(new Body(start, groups, groupsStart, b.pos(), end, declared));
            p.skip(size);
        }
    }
}
