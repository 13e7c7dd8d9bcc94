package io.pvfhost.common.types;

import static io.pvfhost.common.types.ValidationParamsTest.adder;
import static io.pvfhost.common.types.ValidationParamsTest.files;
import static io.pvfhost.common.types.ValidationParamsTest.readHex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pvfhost.common.scale.ScaleException;
import io.pvfhost.common.scale.ScaleWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValidationResultTest {

    private static final ValidationResult FULL = new ValidationResult(
            new byte[] {1, 2, 3},
            new byte[] {0, 0x61, 0x73, 0x6d},
            List.of(new byte[] {9}, new byte[0]),
            List.of(new OutboundHrmpMessage(2000, new byte[] {7, 7}), new OutboundHrmpMessage(0xffff_ffffL, new byte[0])),
            5,
            0xffff_ffffL);

    @Test
    void shouldDecodeCorpusExpectedOutputs() throws IOException {
        for (Path f : files(".expected_output.hex")) {
            String name = f.getFileName().toString().replace(".expected_output.hex", "");
            byte[] bytes = readHex(f);
            ValidationResult r = ValidationResult.decode(bytes);
            ValidationParams params = ValidationParams.decode(readHex(adder().resolve(name + ".params.hex")));
            assertEquals(72, r.headData().length, name);
            assertNull(r.newValidationCode(), name);
            assertTrue(r.upwardMessages().isEmpty(), name);
            assertTrue(r.horizontalMessages().isEmpty(), name);
            assertEquals(0, r.processedDownwardMessages(), name);
            assertEquals(params.relayParentNumber(), r.hrmpWatermark(), name);
            assertArrayEquals(bytes, r.encode(), name);
        }
    }

    @Test
    void shouldRejectTrailingByte() {
        byte[] bytes = readHex(adder().resolve("adder_genesis.expected_output.hex"));
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        ScaleException e = assertThrows(ScaleException.class, () -> ValidationResult.decode(longer));
        assertTrue(e.getMessage().contains("trailing"), e.getMessage());
    }

    /** What a worker does with validate_block's bytes, as the reference's Decode::decode: the result is the prefix. */
    @Test
    void shouldTakeTheResultAtTheStartAndIgnoreWhatFollowsWhenDecodingAPrefix() {
        byte[] full = FULL.encode();
        byte[] longer = Arrays.copyOf(full, full.length + 5);
        Arrays.fill(longer, full.length, longer.length, (byte) 0xff);
        assertEquals(FULL, ValidationResult.decodePrefix(longer));
        assertArrayEquals(full, ValidationResult.decodePrefix(longer).encode());
        assertThrows(ScaleException.class, () -> ValidationResult.decodePrefix(Arrays.copyOf(full, full.length - 1)));
    }

    @Test
    void shouldRejectEveryTruncation() {
        for (byte[] bytes : List.of(readHex(adder().resolve("adder_genesis.expected_output.hex")), FULL.encode())) {
            for (int len = 0; len < bytes.length; len++) {
                byte[] cut = Arrays.copyOf(bytes, len);
                assertThrows(ScaleException.class, () -> ValidationResult.decode(cut), "length " + len);
            }
        }
    }

    @Test
    void shouldRoundTripCodeAndMessagesComparingByContent() {
        byte[] enc = FULL.encode();
        ValidationResult back = ValidationResult.decode(enc);
        assertEquals(FULL, back);
        assertEquals(FULL.hashCode(), back.hashCode());
        assertArrayEquals(enc, back.encode());
        assertNotEquals(FULL, new ValidationResult(FULL.headData(), null, FULL.upwardMessages(),
                FULL.horizontalMessages(), 5, 0xffff_ffffL));
        assertNotEquals(FULL, new ValidationResult(FULL.headData(), FULL.newValidationCode(),
                List.of(new byte[] {8}, new byte[0]), FULL.horizontalMessages(), 5, 0xffff_ffffL));
    }

    @Test
    void shouldRejectOptionTagOtherThanZeroOrOne() {
        byte[] enc = FULL.encode();
        enc[4] = 2; // after the 4-byte head data (prefix 0c + 3 bytes)
        ScaleException e = assertThrows(ScaleException.class, () -> ValidationResult.decode(enc));
        assertTrue(e.getMessage().contains("invalid Option tag at offset 4"), e.getMessage());
    }

    @Test
    void shouldRejectMoreThan16384UpwardMessages() {
        ScaleWriter w = new ScaleWriter().bytes(new byte[0]).u8(0).compact(ValidationResult.MAX_UPWARD_MESSAGES + 1);
        for (int i = 0; i <= ValidationResult.MAX_UPWARD_MESSAGES; i++) {
            w.bytes(new byte[0]);
        }
        byte[] enc = w.compact(0).u32(0).u32(0).toByteArray();
        ScaleException e = assertThrows(ScaleException.class, () -> ValidationResult.decode(enc));
        assertTrue(e.getMessage().contains("exceeds the limit of 16384"), e.getMessage());
    }

    @Test
    void shouldAcceptExactly16384HorizontalMessages() {
        List<OutboundHrmpMessage> msgs =
                java.util.Collections.nCopies(ValidationResult.MAX_HORIZONTAL_MESSAGES, new OutboundHrmpMessage(1, new byte[0]));
        ValidationResult r = new ValidationResult(new byte[0], null, List.of(), msgs, 0, 0);
        assertEquals(ValidationResult.MAX_HORIZONTAL_MESSAGES, ValidationResult.decode(r.encode()).horizontalMessages().size());
    }

    @Test
    void shouldRejectHorizontalCountThatCannotFitTheInput() {
        byte[] enc = new ScaleWriter().bytes(new byte[0]).u8(0).compact(0).compact(1000).u32(0).u32(0).toByteArray();
        ScaleException e = assertThrows(ScaleException.class, () -> ValidationResult.decode(enc));
        assertTrue(e.getMessage().contains("cannot fit"), e.getMessage());
    }

    @Test
    void shouldRejectOversizedMessageAndHead() {
        byte[] bigMsg = new ScaleWriter().bytes(new byte[0]).u8(0).compact(1)
                .bytes(new byte[ValidationResult.MAX_MESSAGE_SIZE + 1]).compact(0).u32(0).u32(0).toByteArray();
        assertThrows(ScaleException.class, () -> ValidationResult.decode(bigMsg));
        byte[] bigHead = new ScaleWriter().bytes(new byte[ValidationResult.MAX_HEAD_DATA + 1]).u8(0).compact(0)
                .compact(0).u32(0).u32(0).toByteArray();
        assertThrows(ScaleException.class, () -> ValidationResult.decode(bigHead));
    }
}
