package io.pvfhost.common;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HexTest {
    private static final byte[] BYTES = {0x00, 0x01, (byte) 0xab, (byte) 0xff, 0x7f};

    @Test
    void shouldEncodeLowerCaseWithAndWithoutPrefix() {
        assertEquals("0x0001abff7f", Hex.toHex(BYTES));
        assertEquals("0001abff7f", Hex.toHexNoPrefix(BYTES));
        assertEquals("0x", Hex.toHex(new byte[0]));
    }

    @Test
    void shouldDecodeWithOptionalPrefixAnyCaseAndWhitespace() {
        assertArrayEquals(BYTES, Hex.decode("0x0001abff7f"));
        assertArrayEquals(BYTES, Hex.decode("0001ABFF7F"));
        assertArrayEquals(BYTES, Hex.decode("  0X00 01\nab\tff\r\n7f \n"));
        assertArrayEquals(new byte[0], Hex.decode("0x"));
        assertArrayEquals(new byte[0], Hex.decode(" \n"));
    }

    @Test
    void shouldRejectOddDigitCount() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Hex.decode("0xabc"));
        assertTrue(e.getMessage().contains("odd number of hex digits (3)"), e.getMessage());
    }

    @Test
    void shouldRejectBadCharacterNamingItsIndex() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Hex.decode("0x00 1g"));
        assertTrue(e.getMessage().contains("'g' at index 6"), e.getMessage());
        // non-ASCII digits are not hex digits
        assertThrows(IllegalArgumentException.class, () -> Hex.decode("\u0661\u0662"));
        // a prefix in the middle is not a prefix
        assertThrows(IllegalArgumentException.class, () -> Hex.decode("000x"));
    }

    @Test
    void shouldAbbreviateLongValues() {
        assertEquals("0x0001abff7f", Hex.abbreviate(BYTES, 5));
        assertEquals("0x0001..(5 bytes)", Hex.abbreviate(BYTES, 2));
    }
}
