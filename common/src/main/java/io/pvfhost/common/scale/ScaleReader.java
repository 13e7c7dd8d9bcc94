package io.pvfhost.common.scale;

import java.util.Arrays;
import java.util.Objects;

/**
 * Reads SCALE values from a byte array slice. Offsets in error messages are relative to the start
 * of the slice. Not thread-safe.
 */
public final class ScaleReader {
    private final byte[] input;
    private final int start;
    private final int end;
    private int pos;

    public ScaleReader(byte[] input) {
        this(input, 0, input.length);
    }

    public ScaleReader(byte[] input, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, input.length);
        this.input = input;
        this.start = offset;
        this.end = offset + length;
        this.pos = offset;
    }

    /** Bytes consumed so far. */
    public int position() {
        return pos - start;
    }

    public int remaining() {
        return end - pos;
    }

    public int u8() {
        require(1, "u8");
        return input[pos++] & 0xff;
    }

    /** An unsigned 32-bit integer, as a non-negative long. */
    public long u32() {
        require(4, "u32");
        return le(4);
    }

    /** An unsigned 64-bit integer; values over {@link Long#MAX_VALUE} come back negative. */
    public long u64() {
        require(8, "u64");
        return le(8);
    }

    /**
     * A {@code Compact<u64>}; values over {@link Long#MAX_VALUE} come back negative (read them
     * with {@link Long#toUnsignedString}). Like parity-scale-codec, a value encoded in a longer
     * mode than it needs is rejected, so each value has exactly one encoding.
     */
    public long compact() {
        int at = position();
        int prefix = u8();
        switch (prefix & 3) {
            case 0:
                return prefix >>> 2;
            case 1: {
                long v = ((long) prefix | (long) u8() << 8) >>> 2;
                return canonical(v, 1L << 6, at);
            }
            case 2: {
                pos--; // the prefix byte is the low byte of the u32
                long v = u32() >>> 2;
                return canonical(v, 1L << 14, at);
            }
            default: {
                int n = (prefix >>> 2) + 4;
                if (n > 8) {
                    throw new ScaleException("compact integer with a " + n + "-byte payload at offset " + at
                            + ": at most 8 fit a u64");
                }
                require(n, "compact integer payload");
                long v = le(n);
                // Big-integer mode is only for values that do not fit 4 bytes' worth of smaller modes
                // (>= 2^30), and must use the fewest bytes: the top byte is non-zero.
                boolean shortest = n == 4 ? Long.compareUnsigned(v, 1L << 30) >= 0 : (v >>> (8 * (n - 1))) != 0;
                if (!shortest) {
                    throw new ScaleException("non-canonical compact integer " + Long.toUnsignedString(v)
                            + " in " + n + "-byte mode at offset " + at);
                }
                return v;
            }
        }
    }

    /**
     * A {@code Compact<u32>}, the type of every SCALE length prefix; the big-integer mode must have
     * exactly 4 payload bytes.
     */
    public long compactU32() {
        int at = position();
        int prefix = remaining() > 0 ? input[pos] & 0xff : -1;
        if (prefix >= 0 && (prefix & 3) == 3 && prefix != 3) {
            throw new ScaleException("compact integer at offset " + at + " is out of range for a u32");
        }
        return compact();
    }

    /**
     * A length-prefixed byte string of at most {@code maxLen} bytes. The length is checked against
     * the limit and against the remaining input before the array is allocated.
     */
    public byte[] bytes(int maxLen) {
        int at = position();
        long len = compactU32();
        if (len > maxLen) {
            throw new ScaleException("byte string of " + len + " bytes at offset " + at + " exceeds the limit of "
                    + maxLen);
        }
        if (len > remaining()) {
            throw new ScaleException("byte string of " + len + " bytes at offset " + at + " runs past the input ("
                    + remaining() + " bytes remain)");
        }
        return fixed((int) len);
    }

    /**
     * The element count of a vector, checked against {@code maxCount} and against the remaining
     * input, given that each element takes at least {@code minElementSize} bytes, so that a caller
     * can size a collection by it.
     */
    public int count(int maxCount, int minElementSize) {
        int at = position();
        long n = compactU32();
        if (n > maxCount) {
            throw new ScaleException("vector of " + n + " elements at offset " + at + " exceeds the limit of "
                    + maxCount);
        }
        if (n * minElementSize > remaining()) {
            throw new ScaleException("vector of " + n + " elements at offset " + at + " cannot fit in the "
                    + remaining() + " remaining bytes");
        }
        return (int) n;
    }

    /** Exactly {@code n} bytes, with no length prefix. */
    public byte[] fixed(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("negative length " + n);
        }
        require(n, n + " bytes");
        byte[] out = Arrays.copyOfRange(input, pos, pos + n);
        pos += n;
        return out;
    }

    /** Fails unless all input was consumed: trailing bytes mean the value was not what we decoded. */
    public void expectEnd() {
        if (pos != end) {
            throw new ScaleException(remaining() + " trailing bytes at offset " + position());
        }
    }

    private void require(int n, String what) {
        if (remaining() < n) {
            throw new ScaleException("truncated input: " + what + " at offset " + position() + " needs " + n
                    + " bytes, " + remaining() + " remain");
        }
    }

    private long le(int n) {
        long v = 0;
        for (int i = 0; i < n; i++) {
            v |= (input[pos + i] & 0xffL) << (8 * i);
        }
        pos += n;
        return v;
    }

    private static long canonical(long v, long min, int at) {
        if (v < min) {
            throw new ScaleException("non-canonical compact integer " + v + " at offset " + at
                    + ": it fits a shorter mode");
        }
        return v;
    }
}
