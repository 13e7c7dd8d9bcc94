package io.pvfhost.common.scale;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pvfhost.common.Allocation;
import io.pvfhost.common.Hex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ScaleCodecTest {

    private static byte[] compact(long v) {
        return new ScaleWriter().compact(v).toByteArray();
    }

    private static ScaleReader reader(String hex) {
        return new ScaleReader(Hex.decode(hex));
    }

    // The vectors of parity-scale-codec's compact_integers_encoded_as_expected.
    @ParameterizedTest
    @CsvSource({
        "0, 00",
        "63, fc",
        "64, 0101",
        "16383, fdff",
        "16384, 02000100",
        "1073741823, feffffff",
        "1073741824, 0300000040",
        "4294967295, 03ffffffff",
        "4294967296, 070000000001",
        "1099511627776, 0b000000000001",
        "72057594037927935, 0fffffffffffffff",
        "72057594037927936, 130000000000000001",
        "18446744073709551615, 13ffffffffffffffff"
    })
    void shouldEncodeCompactBoundariesToKnownBytesAndRoundTrip(String value, String hex) {
        long v = Long.parseUnsignedLong(value);
        assertEquals(hex, Hex.toHexNoPrefix(compact(v)));
        ScaleReader r = reader(hex);
        assertEquals(v, r.compact());
        r.expectEnd();
    }

    @Test
    void shouldDecodeLengthPrefixesAsCompactU32() {
        assertEquals(0xffff_ffffL, reader("03ffffffff").compactU32());
        ScaleException e = assertThrows(ScaleException.class, () -> reader("070000000001").compactU32());
        assertTrue(e.getMessage().contains("out of range for a u32"), e.getMessage());
    }

    // Each value in a longer mode than it needs: parity-scale-codec answers "out of range".
    @ParameterizedTest
    @ValueSource(strings = {
        "0100", // 0 in two-byte mode
        "fd00", // 63 in two-byte mode
        "02000000", // 0 in four-byte mode
        "feff0000", // 16383 in four-byte mode
        "03ffffff3f", // 2^30 - 1 in big-integer mode
        "0300000000", // 0 in big-integer mode
        "07ffffffff00", // 2^32 - 1 with a zero top byte
        "0fffffffffffff00", // 7 bytes, zero top byte
        "13ffffffffffffff00" // 8 bytes, zero top byte
    })
    void shouldRejectNonCanonicalCompact(String hex) {
        ScaleException e = assertThrows(ScaleException.class, () -> reader(hex).compact());
        assertTrue(e.getMessage().contains("non-canonical") && e.getMessage().contains("offset 0"), e.getMessage());
    }

    @Test
    void shouldRejectCompactWithMoreThanEightPayloadBytes() {
        ScaleException e = assertThrows(ScaleException.class, () -> reader("17000000000000000001").compact());
        assertTrue(e.getMessage().contains("9-byte payload"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "01", "02ff00", "03000000", "13ffffffffffffff"})
    void shouldRejectTruncatedCompact(String hex) {
        ScaleException e = assertThrows(ScaleException.class, () -> reader(hex).compact());
        assertTrue(e.getMessage().startsWith("truncated input"), e.getMessage());
    }

    @Test
    void shouldReadFixedIntegersLittleEndian() {
        ScaleReader r = reader("ff 78563412 ffffffff 0100000000000080 efbeadde");
        assertEquals(255, r.u8());
        assertEquals(0x12345678L, r.u32());
        assertEquals(0xffff_ffffL, r.u32());
        assertEquals(0x8000_0000_0000_0001L, r.u64());
        assertEquals(4, r.remaining());
        assertEquals(17, r.position());
        assertArrayEquals(Hex.decode("efbeadde"), r.fixed(4));
        r.expectEnd();
    }

    @Test
    void shouldRejectTruncatedFixedIntegersWithOffset() {
        ScaleReader r = reader("00 112233");
        r.u8();
        ScaleException e = assertThrows(ScaleException.class, r::u32);
        assertEquals("truncated input: u32 at offset 1 needs 4 bytes, 3 remain", e.getMessage());
        assertThrows(ScaleException.class, () -> reader("00112233445566").u64());
        assertThrows(ScaleException.class, () -> reader("0011").fixed(3));
    }

    @Test
    void shouldReadWithinSliceOnly() {
        byte[] buf = Hex.decode("ff 0c 616263 ff");
        ScaleReader r = new ScaleReader(buf, 1, 4);
        assertArrayEquals("abc".getBytes(java.nio.charset.StandardCharsets.US_ASCII), r.bytes(3));
        r.expectEnd();
        assertThrows(ScaleException.class, r::u8);
        assertThrows(IndexOutOfBoundsException.class, () -> new ScaleReader(buf, 3, 4));
    }

    @Test
    void shouldRejectByteStringOverTheLimit() {
        ScaleException e = assertThrows(ScaleException.class, () -> reader("10 00000000").bytes(3));
        assertTrue(e.getMessage().contains("4 bytes at offset 0 exceeds the limit of 3"), e.getMessage());
    }

    @Test
    void shouldRejectLengthPrefixBeyondInputWithoutAllocating() {
        // claims 1 GiB - 1, carries 3 bytes
        byte[] input = new ScaleWriter().compact((1 << 30) - 1).raw(new byte[3]).toByteArray();
        long allocated = Allocation.measure(() -> {
            ScaleException e = assertThrows(ScaleException.class, () -> new ScaleReader(input).bytes(Integer.MAX_VALUE));
            assertTrue(e.getMessage().contains("runs past the input (3 bytes remain)"), e.getMessage());
        });
        assertTrue(allocated >= 0, "this JVM cannot measure thread allocation");
        assertTrue(allocated < 1024 * 1024, "allocated " + allocated + " bytes");
    }

    @Test
    void shouldRejectVectorCountThatCannotFitTheInput() {
        ScaleException e = assertThrows(ScaleException.class, () -> reader("10 0000").count(100, 1));
        assertTrue(e.getMessage().contains("cannot fit"), e.getMessage());
        assertThrows(ScaleException.class, () -> reader("0c 000000").count(2, 1));
        assertEquals(3, reader("0c 000000").count(3, 1));
    }

    @Test
    void shouldRejectTrailingBytes() {
        ScaleReader r = reader("04 aa bb");
        r.bytes(10);
        ScaleException e = assertThrows(ScaleException.class, r::expectEnd);
        assertEquals("1 trailing bytes at offset 2", e.getMessage());
    }

    @Test
    void shouldWriteAllTypes() {
        byte[] out = new ScaleWriter(1)
                .u8(1)
                .u32(0xffff_ffffL)
                .u64(-1)
                .compact(64)
                .bytes(new byte[] {9, 8})
                .raw(new byte[] {7})
                .toByteArray();
        assertEquals("01" + "ffffffff" + "ffffffffffffffff" + "0101" + "080908" + "07", Hex.toHexNoPrefix(out));
    }

    @Test
    void shouldRefuseOutOfRangeFixedIntegers() {
        ScaleWriter w = new ScaleWriter();
        assertThrows(IllegalArgumentException.class, () -> w.u8(256));
        assertThrows(IllegalArgumentException.class, () -> w.u32(-1));
        assertThrows(IllegalArgumentException.class, () -> w.u32(1L << 32));
        assertEquals(0, w.size());
    }

    @Test
    void shouldRoundTripLargeByteString() {
        byte[] big = new byte[70_000];
        big[69_999] = 42;
        byte[] enc = new ScaleWriter().bytes(big).toByteArray();
        assertEquals("c2450400", Hex.toHexNoPrefix(java.util.Arrays.copyOf(enc, 4)));
        ScaleReader r = new ScaleReader(enc);
        assertArrayEquals(big, r.bytes(big.length));
        r.expectEnd();
    }
}
