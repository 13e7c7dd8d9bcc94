package io.pvfhost.bench;

import io.pvfhost.common.types.ValidationParams;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** pvfs/compute.wasm (see compute.wat) and pvfs/adder.wasm, bundled as /bench-pvfs/NAME.wasm. */
final class ComputePvf {
    /** compute.wat's __heap_base: the peers' malloc answers this (run never calls it). */
    static final int HEAP_BASE = 4259840;

    private ComputePvf() {}

    static byte[] resource(String name) {
        try (InputStream in = ComputePvf.class.getResourceAsStream("/bench-pvfs/" + name)) {
            if (in == null) {
                throw new IllegalStateException("/bench-pvfs/" + name + " is not on the class path (bench built without ../pvfs?)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** validate_block's params: n rounds is the relay parent number. */
    static byte[] params(int n) {
        return new ValidationParams(new byte[0], new byte[0], n, new byte[32]).encode();
    }

    /** The hash in validate_block's result (head data = 8 LE bytes after the compact length 0x20). */
    static long hashOfResult(byte[] result) {
        if (result.length != 20 || result[0] != 0x20) {
            throw new IllegalStateException("unexpected compute result of " + result.length + " bytes");
        }
        return ByteBuffer.wrap(result, 1, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }
}
