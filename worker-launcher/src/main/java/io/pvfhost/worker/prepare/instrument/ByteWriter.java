package io.pvfhost.worker.prepare.instrument;

import java.util.Arrays;

/** A growable byte buffer with the LEB128 encodings of the wasm binary format. */
final class ByteWriter {
    private byte[] buf;
    private int size;

    ByteWriter() {
        this(256);
    }

    ByteWriter(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    int size() {
        return size;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    private void ensure(int more) {
        if (buf.length - size < more) {
            long wanted = Math.max((long) buf.length * 2, (long) size + more);
            if (wanted > Integer.MAX_VALUE - 8) {
                throw new InstrumentationException("instrumented module would be larger than 2 GiB");
            }
            buf = Arrays.copyOf(buf, (int) wanted);
        }
    }

    ByteWriter u8(int b) {
        ensure(1);
        buf[size++] = (byte) b;
        return this;
    }

    ByteWriter bytes(byte[] src, int from, int length) {
        ensure(length);
        System.arraycopy(src, from, buf, size, length);
        size += length;
        return this;
    }

    ByteWriter bytes(byte[] src) {
        return bytes(src, 0, src.length);
    }

    ByteWriter bytes(ByteWriter other) {
        return bytes(other.buf, 0, other.size);
    }

    /** Unsigned LEB128 of a value in 0..2^32-1, shortest form. */
    ByteWriter u32(long v) {
        if (v < 0 || v > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("not a u32: " + v);
        }
        do {
            int b = (int) (v & 0x7F);
            v >>>= 7;
            u8(v == 0 ? b : b | 0x80);
        } while (v != 0);
        return this;
    }

    /** Signed LEB128, shortest form. */
    ByteWriter s32(int v) {
        return s64(v);
    }

    ByteWriter s64(long v) {
        while (true) {
            int b = (int) (v & 0x7F);
            v >>= 7;
            boolean done = (v == 0 && (b & 0x40) == 0) || (v == -1 && (b & 0x40) != 0);
            u8(done ? b : b | 0x80);
            if (done) {
                return this;
            }
        }
    }

    ByteWriter i32le(int v) {
        return u8(v).u8(v >>> 8).u8(v >>> 16).u8(v >>> 24);
    }

    ByteWriter i64le(long v) {
        return i32le((int) v).i32le((int) (v >>> 32));
    }
}
