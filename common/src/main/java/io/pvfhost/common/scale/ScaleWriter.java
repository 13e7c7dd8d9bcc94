package io.pvfhost.common.scale;

import java.util.Arrays;

/** Writes SCALE values into a growing buffer. Not thread-safe. */
public final class ScaleWriter {
    private byte[] buf;
    private int size;

    public ScaleWriter() {
        this(64);
    }

    public ScaleWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    public ScaleWriter u8(int v) {
        if (v < 0 || v > 0xff) {
            throw new IllegalArgumentException("u8 out of range: " + v);
        }
        ensure(1);
        buf[size++] = (byte) v;
        return this;
    }

    public ScaleWriter u32(long v) {
        if (v < 0 || v > 0xffff_ffffL) {
            throw new IllegalArgumentException("u32 out of range: " + v);
        }
        return le(v, 4);
    }

    /** Writes the 64 bits of {@code v}: negative values stand for u64 values over 2^63 - 1. */
    public ScaleWriter u64(long v) {
        return le(v, 8);
    }

    /** Compact encoding of {@code v} read as an unsigned u64, in the shortest mode (as the decoder requires). */
    public ScaleWriter compact(long v) {
        if (v >= 0 && v < 1L << 6) {
            return u8((int) (v << 2));
        }
        if (v >= 0 && v < 1L << 14) {
            return le(v << 2 | 1, 2);
        }
        if (v >= 0 && v < 1L << 30) {
            return le(v << 2 | 2, 4);
        }
        int n = Math.max(4, 8 - Long.numberOfLeadingZeros(v) / 8);
        u8((n - 4) << 2 | 3);
        return le(v, n);
    }

    /** Compact length prefix, then the bytes. */
    public ScaleWriter bytes(byte[] b) {
        compact(b.length);
        return raw(b);
    }

    /** The bytes as they are, no prefix. */
    public ScaleWriter raw(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, size, b.length);
        size += b.length;
        return this;
    }

    public int size() {
        return size;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    private ScaleWriter le(long v, int n) {
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[size++] = (byte) (v >>> (8 * i));
        }
        return this;
    }

    private void ensure(int more) {
        int need = size + more;
        if (need < 0) {
            throw new IllegalStateException("SCALE output over 2 GiB");
        }
        if (need > buf.length) {
            buf = Arrays.copyOf(buf, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(need, 2L * buf.length)));
        }
    }
}
