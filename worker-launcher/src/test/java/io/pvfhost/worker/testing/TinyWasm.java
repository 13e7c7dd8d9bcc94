package io.pvfhost.worker.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Builds small wasm binaries section by section, for tests of modules that wat2wasm refuses to
 * write (duplicate exports, two memories, imports from other modules).
 */
public final class TinyWasm {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public TinyWasm() {
        out.writeBytes(new byte[] {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00});
    }

    /** Appends a section with the given id and raw content (the size is added). */
    public TinyWasm section(int id, byte[] content) {
        out.write(id);
        out.writeBytes(uleb(content.length));
        out.writeBytes(content);
        return this;
    }

    public byte[] build() {
        return out.toByteArray();
    }

    public static byte[] uleb(long v) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        do {
            int x = (int) (v & 0x7f);
            v >>>= 7;
            b.write(v != 0 ? x | 0x80 : x);
        } while (v != 0);
        return b.toByteArray();
    }

    public static byte[] name(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return concat(uleb(b.length), b);
    }

    /** A vector: count followed by the items. */
    public static byte[] vec(byte[]... items) {
        byte[] out = uleb(items.length);
        for (byte[] i : items) {
            out = concat(out, i);
        }
        return out;
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    public static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    /** () -> () function type. */
    public static byte[] voidType() {
        return bytes(0x60, 0, 0);
    }

    /** Memory limits {min} without a maximum. */
    public static byte[] memory(int min) {
        return concat(bytes(0x00), uleb(min));
    }

    /** An empty function body (no locals, just end). */
    public static byte[] emptyBody() {
        return concat(uleb(2), bytes(0, 0x0b));
    }

    /** A module with a memory and one () -> () function exported under the given names. */
    public static byte[] withExports(String... names) {
        return withExports(true, names);
    }

    private static byte[] withExports(boolean memory, String... names) {
        byte[][] exports = new byte[names.length][];
        for (int i = 0; i < names.length; i++) {
            exports[i] = concat(name(names[i]), bytes(0x00, 0x00));
        }
        TinyWasm w = new TinyWasm().section(1, vec(voidType())).section(3, vec(uleb(0)));
        if (memory) {
            w.section(5, vec(memory(1)));
        }
        return w.section(7, vec(exports)).section(10, vec(emptyBody())).build();
    }

    /**
     * A bulk-memory module: a table, a memory, a passive element segment, a data count section, one
     * empty function and a passive data segment ("hi").
     */
    public static byte[] passiveSegments() {
        return new TinyWasm()
                .section(1, vec(voidType()))
                .section(3, vec(bytes(0)))
                .section(4, vec(bytes(0x70, 0, 1)))
                .section(5, vec(memory(1)))
                .section(9, vec(bytes(1, 0, 1, 0)))
                .section(12, bytes(1))
                .section(10, vec(emptyBody()))
                .section(11, vec(bytes(1, 2, 'h', 'i')))
                .build();
    }

    /** A module that imports a function from another module. */
    public static byte[] importingFrom(String module, String field) {
        return new TinyWasm()
                .section(1, vec(voidType()))
                .section(2, vec(concat(name(module), name(field), bytes(0x00, 0x00))))
                .build();
    }

    /** A module with an imported memory and a memory of its own. */
    public static byte[] twoMemories() {
        return new TinyWasm()
                .section(2, vec(concat(name("env"), name("memory"), bytes(0x02), memory(1))))
                .section(5, vec(memory(1)))
                .build();
    }

    /** A function body using a SIMD instruction (v128.const), a proposal the reference keeps off. */
    public static byte[] simd() {
        byte[] body = concat(bytes(0x00, 0xfd, 0x0c), new byte[16], bytes(0x1a, 0x0b)); // v128.const 0; drop; end
        return new TinyWasm()
                .section(1, vec(voidType()))
                .section(3, vec(uleb(0)))
                .section(10, vec(concat(uleb(body.length), body)))
                .build();
    }

    /** Well-formed but invalid: a () -> () function that leaves an i32 on the stack. */
    public static byte[] invalid() {
        byte[] body = bytes(0x00, 0x41, 0x01, 0x0b); // i32.const 1; end
        return new TinyWasm()
                .section(1, vec(voidType()))
                .section(3, vec(uleb(0)))
                .section(10, vec(concat(uleb(body.length), body)))
                .build();
    }

    /** A () -> () function declaring {@code locals} i32 locals in one group (and a memory). */
    public static byte[] withLocals(long locals) {
        return oneFunction(concat(bytes(1), uleb(locals), bytes(0x7f, 0x0b))); // one group of i32; end
    }

    /** A module with a memory and one () -> () function of the given body (locals and code). */
    private static byte[] oneFunction(byte[] body) {
        return new TinyWasm()
                .section(1, vec(voidType()))
                .section(3, vec(uleb(0)))
                .section(5, vec(memory(1)))
                .section(10, vec(concat(uleb(body.length), body)))
                .build();
    }

    /** A () -> () function whose body ends inside a loop: {@code loop br 0 return unreachable end}, no final end. */
    public static byte[] noFinalEnd() {
        return oneFunction(bytes(0x00, 0x03, 0x40, 0x0c, 0x00, 0x0f, 0x00, 0x0b));
    }

    /** A valid module with one empty () -> () function exported as {@code validate_block} and no memory at all. */
    public static byte[] noMemory() {
        return withExports(false, "validate_block");
    }

    /** A module with a memory and one function whose type has {@code params} i32 parameters (its body: end). */
    public static byte[] withParams(int params) {
        byte[] types = new byte[params];
        java.util.Arrays.fill(types, (byte) 0x7f);
        return new TinyWasm()
                .section(1, vec(concat(bytes(0x60), uleb(params), types, bytes(0))))
                .section(3, vec(uleb(0)))
                .section(5, vec(memory(1)))
                .section(10, vec(emptyBody()))
                .build();
    }
}
