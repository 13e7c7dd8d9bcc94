package io.pvfhost.worker.prepare.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** LEB128 as the wasm binary format (and parity-wasm) define it: strict, and round-tripping. */
class ByteReaderTest {

    private static ByteReader reader(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return new ByteReader(b);
    }

    @Test
    void shouldReadUnsignedLeb128IncludingPaddedForms() {
        assertEquals(624485, reader(0xE5, 0x8E, 0x26).u32());
        assertEquals(0, reader(0x80, 0x80, 0x80, 0x80, 0x00).u32());
        assertEquals(0xFFFF_FFFFL, reader(0xFF, 0xFF, 0xFF, 0xFF, 0x0F).u32());
    }

    @Test
    void shouldRejectOverlongOrOutOfRangeUnsignedLeb128() {
        var tooLong = assertThrows(InstrumentationException.class, () -> reader(0x80, 0x80, 0x80, 0x80, 0x80, 0x00).u32());
        assertTrue(tooLong.getMessage().contains("malformed u32"), tooLong.getMessage());
        assertThrows(InstrumentationException.class, () -> reader(0xFF, 0xFF, 0xFF, 0xFF, 0x1F).u32());
        var eof = assertThrows(InstrumentationException.class, () -> reader(0x80).u32());
        assertEquals("at offset 0x1: unexpected end of data", eof.getMessage());
    }

    @Test
    void shouldReadSignedLeb128() {
        assertEquals(-123456, reader(0xC0, 0xBB, 0x78).s32());
        assertEquals(Integer.MIN_VALUE, reader(0x80, 0x80, 0x80, 0x80, 0x78).s32());
        assertEquals(Integer.MAX_VALUE, reader(0xFF, 0xFF, 0xFF, 0xFF, 0x07).s32());
        assertThrows(InstrumentationException.class, () -> reader(0xFF, 0xFF, 0xFF, 0xFF, 0x4F).s32());
        assertEquals(Long.MIN_VALUE, reader(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7F).s64());
        assertThrows(InstrumentationException.class,
                () -> reader(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01).s64());
    }

    @Test
    void shouldRoundTripThroughTheWriter() {
        long[] samples = {0, 1, 63, 64, 127, 128, -1, -64, -65, Integer.MAX_VALUE, Integer.MIN_VALUE,
            Long.MAX_VALUE, Long.MIN_VALUE, 0x7FC0_0000L, -16};
        for (long v : samples) {
            ByteWriter w = new ByteWriter();
            w.s64(v);
            assertEquals(v, new ByteReader(w.toByteArray()).s64(), "s64 " + v);
            if (v == (int) v) {
                w = new ByteWriter();
                w.s32((int) v);
                assertEquals((int) v, new ByteReader(w.toByteArray()).s32(), "s32 " + v);
            }
            if (v >= 0 && v <= 0xFFFF_FFFFL) {
                w = new ByteWriter();
                w.u32(v);
                assertEquals(v, new ByteReader(w.toByteArray()).u32(), "u32 " + v);
            }
        }
    }
}
