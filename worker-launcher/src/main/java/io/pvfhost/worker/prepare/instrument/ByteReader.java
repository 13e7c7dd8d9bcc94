package io.pvfhost.worker.prepare.instrument;

/**
 * Reads a window of a byte array: bytes and the strict LEB128 forms of the wasm binary format
 * (no more bytes than the type needs, unused bits zero or sign copies), as parity-wasm and
 * Chicory both require. Errors carry the offset of the value that failed.
 */
final class ByteReader {
    private final byte[] buf;
    private final int limit;
    private int pos;

    ByteReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    ByteReader(byte[] buf, int pos, int limit) {
        if (pos < 0 || limit > buf.length || pos > limit) {
            throw new IllegalArgumentException("bad window " + pos + ".." + limit + " of " + buf.length);
        }
        this.buf = buf;
        this.pos = pos;
        this.limit = limit;
    }

    byte[] buffer() {
        return buf;
    }

    int pos() {
        return pos;
    }

    int limit() {
        return limit;
    }

    boolean atEnd() {
        return pos >= limit;
    }

    int remaining() {
        return limit - pos;
    }

    int u8() {
        if (pos >= limit) {
            throw InstrumentationException.at(pos, "unexpected end of data");
        }
        return buf[pos++] & 0xFF;
    }

    void skip(int n) {
        if (n < 0 || n > limit - pos) {
            throw InstrumentationException.at(pos, "unexpected end of data (" + n + " bytes needed)");
        }
        pos += n;
    }

    /** Unsigned 32-bit LEB128, as a non-negative long. */
    long u32() {
        int at = pos;
        long result = 0;
        for (int i = 0; i < 5; i++) {
            int b = u8();
            if (i == 4 && (b & 0xF0) != 0) {
                throw InstrumentationException.at(at, "malformed u32 LEB128 (too long or out of range)");
            }
            result |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new AssertionError("unreachable");
    }

    /** A u32 used as a count or index; rejects values a Java array could not hold. */
    int u32Int(String what) {
        int at = pos;
        long v = u32();
        if (v > Integer.MAX_VALUE) {
            throw InstrumentationException.at(at, what + " " + v + " is too large");
        }
        return (int) v;
    }

    /** A vector length: each element takes at least {@code minElementBytes}, so it must fit. */
    int count(String what, int minElementBytes) {
        int at = pos;
        int n = u32Int(what);
        if ((long) n * minElementBytes > remaining()) {
            throw InstrumentationException.at(at, what + " " + n + " does not fit in the remaining " + remaining() + " bytes");
        }
        return n;
    }

    /** Signed 32-bit LEB128. */
    int s32() {
        int at = pos;
        int result = 0;
        int shift = 0;
        for (int i = 0; i < 5; i++) {
            int b = u8();
            if (i == 4) {
                // 4 value bits left: bits 4-6 must copy bit 3 (the sign), no continuation
                int rest = b & 0x78;
                if ((b & 0x80) != 0 || (rest != 0 && rest != 0x78)) {
                    throw InstrumentationException.at(at, "malformed s32 LEB128 (too long or out of range)");
                }
            }
            result |= (b & 0x7F) << shift;
            shift += 7;
            if ((b & 0x80) == 0) {
                if (shift < 32 && (b & 0x40) != 0) {
                    result |= -1 << shift;
                }
                return result;
            }
        }
        throw new AssertionError("unreachable");
    }

    /** Signed 64-bit LEB128. */
    long s64() {
        int at = pos;
        long result = 0;
        int shift = 0;
        for (int i = 0; i < 10; i++) {
            int b = u8();
            if (i == 9) {
                // 1 value bit left: the byte is 0x00 or 0x7F
                if (b != 0x00 && b != 0x7F) {
                    throw InstrumentationException.at(at, "malformed s64 LEB128 (too long or out of range)");
                }
            }
            result |= (long) (b & 0x7F) << shift;
            shift += 7;
            if ((b & 0x80) == 0) {
                if (shift < 64 && (b & 0x40) != 0) {
                    result |= -1L << shift;
                }
                return result;
            }
        }
        throw new AssertionError("unreachable");
    }
}
