package io.pvfhost.worker.execute.version;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Hand-built wasm modules for section-level tests. */
final class WasmBuilder {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private WasmBuilder() {}

    /** The magic and version 1. */
    static WasmBuilder module() {
        WasmBuilder b = new WasmBuilder();
        b.raw(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00);
        return b;
    }

    WasmBuilder raw(int... bytes) {
        for (int v : bytes) {
            out.write(v);
        }
        return this;
    }

    WasmBuilder raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    /** A section with its size in the shortest LEB128 form. */
    WasmBuilder section(int id, byte[] content) {
        out.write(id);
        out.writeBytes(leb(content.length));
        out.writeBytes(content);
        return this;
    }

    WasmBuilder section(int id, int... content) {
        byte[] b = new byte[content.length];
        for (int i = 0; i < content.length; i++) {
            b[i] = (byte) content[i];
        }
        return section(id, b);
    }

    WasmBuilder custom(String name, byte[] payload) {
        return custom(name.getBytes(StandardCharsets.UTF_8), payload);
    }

    WasmBuilder custom(byte[] name, byte[] payload) {
        ByteArrayOutputStream c = new ByteArrayOutputStream();
        c.writeBytes(leb(name.length));
        c.writeBytes(name);
        c.writeBytes(payload);
        return section(0, c.toByteArray());
    }

    byte[] build() {
        return out.toByteArray();
    }

    static byte[] leb(long v) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        do {
            int low = (int) (v & 0x7f);
            v >>>= 7;
            b.write(v != 0 ? low | 0x80 : low);
        } while (v != 0);
        return b.toByteArray();
    }
}
