package io.pvfhost.common.types;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pvfhost.common.Corpus;
import io.pvfhost.common.Hex;
import io.pvfhost.common.scale.ScaleException;
import io.pvfhost.common.scale.ScaleWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class ValidationParamsTest {

    static Path adder() {
        Assumptions.assumeTrue(Corpus.root().isPresent(), Corpus.missingMessage());
        return Corpus.require().resolve("adder");
    }

    static byte[] readHex(Path file) {
        try {
            return Hex.decode(Files.readString(file));
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
    }

    static List<Path> files(String suffix) throws IOException {
        try (Stream<Path> s = Files.list(adder())) {
            List<Path> out = s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
            assertTrue(!out.isEmpty(), "no " + suffix + " files in the corpus");
            return out;
        }
    }

    @Test
    void shouldDecodeCorpusParamsAndReencodeByteIdentical() throws IOException {
        for (Path f : files(".params.hex")) {
            byte[] bytes = readHex(f);
            ValidationParams p = ValidationParams.decode(bytes);
            assertEquals(72, p.parentHead().length, f + ": adder head data is 72 bytes");
            assertEquals(16, p.blockData().length, f + ": adder block data is {state u64, add u64}");
            assertArrayEquals(bytes, p.encode(), f.toString());
        }
    }

    @Test
    void shouldDecodeGenesisVectorFields() {
        ValidationParams p = ValidationParams.decode(readHex(adder().resolve("adder_genesis.params.hex")));
        assertArrayEquals(readHex(adder().resolve("kagome_adder-collator_genesis.state.hex")), p.parentHead());
        assertEquals("0x" + "0000000000000000" + "0500000000000000", Hex.toHex(p.blockData())); // state 0, add 5
        assertEquals(7, p.relayParentNumber());
        assertArrayEquals(new byte[32], p.relayParentStorageRoot());
    }

    @Test
    void shouldRejectTrailingByte() {
        byte[] bytes = readHex(adder().resolve("adder_genesis.params.hex"));
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        ScaleException e = assertThrows(ScaleException.class, () -> ValidationParams.decode(longer));
        assertTrue(e.getMessage().contains("trailing"), e.getMessage());
    }

    @Test
    void shouldRejectEveryTruncation() {
        byte[] bytes = readHex(adder().resolve("adder_gossamer.params.hex"));
        for (int len = 0; len < bytes.length; len++) {
            byte[] cut = Arrays.copyOf(bytes, len);
            assertThrows(ScaleException.class, () -> ValidationParams.decode(cut), "length " + len);
        }
    }

    @Test
    void shouldRoundTripAndCompareByContent() {
        ValidationParams a = new ValidationParams(new byte[] {1, 2}, new byte[] {3}, 0xffff_ffffL, new byte[32]);
        ValidationParams b = ValidationParams.decode(a.encode());
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, new ValidationParams(new byte[] {1, 2}, new byte[] {4}, 0xffff_ffffL, new byte[32]));
        assertTrue(a.toString().contains("parentHead=0x0102"), a.toString());
    }

    @Test
    void shouldRejectParentHeadOverOneMiB() {
        byte[] bytes = new ScaleWriter()
                .bytes(new byte[ValidationParams.MAX_PARENT_HEAD + 1])
                .bytes(new byte[0])
                .u32(1)
                .raw(new byte[32])
                .toByteArray();
        ScaleException e = assertThrows(ScaleException.class, () -> ValidationParams.decode(bytes));
        assertTrue(e.getMessage().contains("exceeds the limit of 1048576"), e.getMessage());
    }

    @Test
    void shouldRefuseInvalidFields() {
        assertThrows(IllegalArgumentException.class, () -> new ValidationParams(new byte[0], new byte[0], 1, new byte[31]));
        assertThrows(IllegalArgumentException.class, () -> new ValidationParams(new byte[0], new byte[0], -1, new byte[32]));
        assertThrows(NullPointerException.class, () -> new ValidationParams(null, new byte[0], 1, new byte[32]));
    }
}
