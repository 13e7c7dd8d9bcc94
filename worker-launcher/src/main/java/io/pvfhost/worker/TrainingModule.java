package io.pvfhost.worker;

import java.io.ByteArrayOutputStream;

/**
 * A generated wasm module for the class cache training ({@link ClassCacheTraining}) that loads an
 * execute worker the way a large runtime does, which the adder cannot: one function too big for a
 * JVM method (so it runs in Chicory's interpreter and the artifact's module image holds its tens of
 * thousands of instructions) and a few hundred compiled functions in several classes. Trained on
 * it, a fresh worker's first load of coretime decodes its image in about 55 ms instead of 80-100
 * (JDK 25's AOT cache keeps the methods' profiles; docs/PREPARATION.md).
 *
 * <p>Generated, not a {@code .wat} file: the big body is the same 28-instruction chunk
 * {@value #BIG_CHUNKS} times. Exports {@code big(i32) -> i32} (the interpreted function),
 * {@code run(i32) -> i32}, which calls every compiled one and then the interpreted one, and {@code
 * small(i32) -> i32}, the first compiled one; all are pure functions of their argument, over one
 * page of memory.
 */
public final class TrainingModule {
    /**
     * Chunks in the big function: 84 000 instructions. These simple ones compile to little bytecode
     * each, so 42 000 still fit a JVM method (a runtime's heavier code stops fitting at ~22 000).
     */
    static final int BIG_CHUNKS = 3000;
    /** Compiled functions besides {@code big} and {@code run}: several classes of 64. */
    static final int SMALL_FUNCTIONS = 200;
    static final int SMALL_CHUNKS = 8;

    private TrainingModule() {}

    /** The module's bytes (the same on every call). */
    public static byte[] bytes() {
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        m.writeBytes(new byte[] {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00});
        // types: 0 = (i32) -> i32
        section(m, 1, vec(1, new byte[] {0x60, 0x01, 0x7f, 0x01, 0x7f}));
        // functions: 0 big, 1 run, 2.. small; all of type 0
        int functions = 2 + SMALL_FUNCTIONS;
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        for (int i = 0; i < functions; i++) {
            f.write(0x00);
        }
        section(m, 3, vec(functions, f.toByteArray()));
        // one memory of one page
        section(m, 5, vec(1, new byte[] {0x00, 0x01}));
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        export(e, "big", 0);
        export(e, "run", 1);
        export(e, "small", 2);
        section(m, 7, vec(3, e.toByteArray()));
        ByteArrayOutputStream code = new ByteArrayOutputStream();
        body(code, chunks(BIG_CHUNKS, 1));
        body(code, runBody());
        for (int i = 0; i < SMALL_FUNCTIONS; i++) {
            body(code, chunks(SMALL_CHUNKS, i + 2));
        }
        section(m, 10, vec(functions, code.toByteArray()));
        return m.toByteArray();
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
        uleb(e, name.length());
        e.writeBytes(name.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        e.write(0x00);
        uleb(e, function);
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
