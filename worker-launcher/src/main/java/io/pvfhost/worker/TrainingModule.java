package io.pvfhost.worker;

import java.io.ByteArrayOutputStream;

/**
 * A generated wasm module for the class cache training ({@link ClassCacheTraining}) that loads an
 * execute worker the way a large runtime does, which the adder cannot: one function too big for a
 * JVM method (so it runs in Chicory's interpreter and the artifact holds its tens of thousands of
 * instructions, apart from the module image) and a few hundred compiled functions in several classes. Trained on
 * it, a fresh worker's first load of coretime decoded its image in about 55 ms instead of 80-100
 * (JDK 25's AOT cache keeps the methods' profiles; docs/PREPARATION.md), before the interpreted
 * bodies were deferred to a call's first entry into the interpreter, which its validate_block makes.
 *
 * <p>Generated, not a {@code .wat} file: the big body is the same 28-instruction chunk
 * {@value #BIG_CHUNKS} times. Exports {@code big(i32) -> i32} (the interpreted function),
 * {@code run(i32) -> i32}, which calls every compiled one and then the interpreted one, {@code
 * small(i32) -> i32}, the first compiled one, and {@code validate_block}, the memory and
 * {@code __heap_base} as a runtime exports them, so that an execute worker can run it; all are
 * pure functions of their arguments, over one page of memory.
 */
public final class TrainingModule {
    /**
     * Chunks in the big function: 84 000 instructions. These simple ones compile to little bytecode
     * each, so 42 000 still fit a JVM method (a runtime's heavier code stops fitting at ~22 000).
     */
    static final int BIG_CHUNKS = 3000;
    /** Compiled functions besides {@code big}, {@code run} and {@code validate_block}: several classes of 64. */
    static final int SMALL_FUNCTIONS = 200;
    static final int SMALL_CHUNKS = 8;

    private TrainingModule() {}

    /** The module's bytes (the same on every call). */
    public static byte[] bytes() {
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        m.writeBytes(new byte[] {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00});
        // types: 0 = (i32) -> i32, 1 = (i32, i32) -> i64
        section(m, 1, vec(2, new byte[] {0x60, 0x01, 0x7f, 0x01, 0x7f, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7e}));
        // functions: 0 big, 1 run, 2.. small, all of type 0; the last validate_block, of type 1
        int functions = 3 + SMALL_FUNCTIONS;
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        for (int i = 0; i < functions - 1; i++) {
            f.write(0x00);
        }
        f.write(0x01);
        section(m, 3, vec(functions, f.toByteArray()));
        // one memory of one page
        section(m, 5, vec(1, new byte[] {0x00, 0x01}));
        // __heap_base: an immutable i32, 8192
        section(m, 6, vec(1, new byte[] {0x7f, 0x00, 0x41, (byte) 0x80, (byte) 0xc0, 0x00, 0x0b}));
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        export(e, "big", 0);
        export(e, "run", 1);
        export(e, "small", 2);
        export(e, "validate_block", functions - 1);
        exportOf(e, "memory", 0x02, 0);
        exportOf(e, "__heap_base", 0x03, 0);
        section(m, 7, vec(6, e.toByteArray()));
        ByteArrayOutputStream code = new ByteArrayOutputStream();
        body(code, chunks(BIG_CHUNKS, 1));
        body(code, runBody());
        for (int i = 0; i < SMALL_FUNCTIONS; i++) {
            body(code, chunks(SMALL_CHUNKS, i + 2));
        }
        body(code, validateBlockBody());
        section(m, 10, vec(functions, code.toByteArray()));
        return m.toByteArray();
    }

    /** Where {@code validate_block} writes its result; nothing else writes there. */
    public static final int RESULT_AT = 1024;

    /**
     * {@code validate_block}: whatever the params, a ValidationResult whose head data is the 4
     * bytes of {@code big(7)} (little-endian), written at {@value #RESULT_AT} of the fresh memory
     * (the rest of its 16 bytes are the memory's zeros): an execute worker's call that enters the
     * interpreter, as a runtime's do.
     */
    private static byte[] validateBlockBody() {
        return new byte[] {
            0x41, (byte) 0x80, 0x08, 0x41, 0x10, 0x3a, 0x00, 0x00,             // [1024] = compact 4 (i32.store8)
            0x41, (byte) 0x81, 0x08, 0x41, 0x07, 0x10, 0x00, 0x36, 0x00, 0x00, // [1025] = big(7) (i32.store)
            0x42, (byte) 0x80, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x02, // i64 16 << 32 | 1024
        };
    }

    /** The ValidationResult {@code validate_block} returns, for {@code big(7)} computed elsewhere. */
    public static byte[] validateBlockResult(int big7) {
        byte[] r = new byte[16];
        r[0] = 4 << 2; // head data: 4 bytes
        r[1] = (byte) big7;
        r[2] = (byte) (big7 >>> 8);
        r[3] = (byte) (big7 >>> 16);
        r[4] = (byte) (big7 >>> 24);
        return r; // then no code, no messages, 0 processed, watermark 0
    }

    /**
     * {@code n} chunks: add, branch on the low bit, store and load memory, leave a block early;
     * stack-neutral, over local 0, which the function returns.
     */
    private static byte[] chunks(int n, int seed) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < n; i++) {
            int k = (seed * 31 + i) & 0x3f; // a one-byte LEB128
            b.writeBytes(new byte[] {
                0x20, 0x00, 0x41, (byte) k, 0x6a, 0x22, 0x00,       // local.get 0; i32.const k; i32.add; local.tee 0
                0x41, 0x01, 0x71, 0x04, 0x40,                       // i32.const 1; i32.and; if
                0x20, 0x00, 0x41, 0x01, 0x74, 0x21, 0x00,           //   local 0 <<= 1
                0x05,                                               // else
                0x20, 0x00, 0x41, 0x03, 0x6c, 0x21, 0x00,           //   local 0 *= 3
                0x0b,                                               // end
                0x41, 0x00, 0x20, 0x00, 0x36, 0x02, 0x00,           // i32.store [0] = local 0
                0x02, 0x40, 0x20, 0x00, 0x45, 0x0d, 0x00,           // block; br_if 0 (local 0 == 0)
                0x41, 0x00, 0x28, 0x02, 0x00, 0x21, 0x00,           //   local 0 = i32.load [0]
                0x0b,                                               // end
            });
        }
        b.writeBytes(new byte[] {0x20, 0x00}); // local.get 0: the result
        return b.toByteArray();
    }

    /**
     * {@code run}: local 0 passed through every small function in turn, then through {@code big}, so
     * that compiled code enters the interpreter as a runtime's does.
     */
    private static byte[] runBody() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {0x20, 0x00});
        for (int i = 0; i < SMALL_FUNCTIONS; i++) {
            b.write(0x10); // call
            uleb(b, i + 2);
        }
        b.writeBytes(new byte[] {0x10, 0x00}); // call big
        return b.toByteArray();
    }

    private static void body(ByteArrayOutputStream code, byte[] instructions) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x00); // no locals besides the parameter
        b.writeBytes(instructions);
        b.write(0x0b);
        uleb(code, b.size());
        code.writeBytes(b.toByteArray());
    }

    private static void export(ByteArrayOutputStream e, String name, int function) {
        exportOf(e, name, 0x00, function);
    }

    private static void exportOf(ByteArrayOutputStream e, String name, int kind, int index) {
        uleb(e, name.length());
        e.writeBytes(name.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        e.write(kind);
        uleb(e, index);
    }

    private static byte[] vec(int count, byte[] items) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        uleb(b, count);
        b.writeBytes(items);
        return b.toByteArray();
    }

    private static void section(ByteArrayOutputStream m, int id, byte[] content) {
        m.write(id);
        uleb(m, content.length);
        m.writeBytes(content);
    }

    private static void uleb(ByteArrayOutputStream b, long v) {
        do {
            int x = (int) (v & 0x7f);
            v >>>= 7;
            b.write(v == 0 ? x : x | 0x80);
        } while (v != 0);
    }
}
