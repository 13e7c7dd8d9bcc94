package io.pvfhost.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pvfhost.common.Hex;
import io.pvfhost.common.types.ValidationParams;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class InputsTest {
    private static final ValidationParams PARAMS =
            new ValidationParams(AdderChain.genesisHead(), AdderChain.blockData(0, 5), 7, new byte[32]);

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void shouldTakeHexDigitsWithOptionalPrefixAndWhitespaceAsHexText() {
        assertTrue(Inputs.isHexText(ascii("0x0102")));
        assertTrue(Inputs.isHexText(ascii("  0X01 02\r\n03\tAbCd\n")));
        assertTrue(Inputs.isHexText(ascii("deadbeef")));
    }

    @Test
    void shouldTakeAnythingElseAsRawBytes() {
        assertFalse(Inputs.isHexText(PARAMS.encode()));
        assertFalse(Inputs.isHexText(ascii("0x01g2")));
        assertFalse(Inputs.isHexText(ascii("01 0x02")), "0x only at the start");
        assertFalse(Inputs.isHexText(new byte[] {'0', 'a', (byte) 0xb0}));
    }

    @Test
    void shouldDecodeTheSameParamsFromRawBytesAndHexText() throws UsageException {
        assertEquals(PARAMS, Inputs.decodeParams(PARAMS.encode(), "raw"));
        assertEquals(PARAMS, Inputs.decodeParams(ascii(Hex.toHex(PARAMS.encode()) + "\n"), "hex"));
    }

    @Test
    void shouldExplainBadParams() {
        UsageException trailing = assertThrows(UsageException.class,
                () -> Inputs.decodeParams(ascii(Hex.toHex(PARAMS.encode()) + "00"), "--params f"));
        assertTrue(trailing.getMessage().startsWith("--params f: not SCALE-encoded ValidationParams (read as hex text"),
                trailing.getMessage());
        UsageException odd = assertThrows(UsageException.class, () -> Inputs.decodeParams(ascii("0x123"), "--params f"));
        assertTrue(odd.getMessage().contains("bad hex"), odd.getMessage());
        UsageException raw = assertThrows(UsageException.class, () -> Inputs.decodeParams(new byte[] {1, 2, 3}, "--params f"));
        assertTrue(raw.getMessage().contains("read as raw bytes, 3 bytes"), raw.getMessage());
    }
}
