package io.pvfhost.common.blob;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.ZstdOutputStream;
import io.pvfhost.common.Allocation;
import io.pvfhost.common.Corpus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class MaybeCompressedTest {
    private static final byte[] WASM_MAGIC = {0x00, 0x61, 0x73, 0x6d};
    private static final long CODE_BOMB_LIMIT = 30L * 1024 * 1024;

    private static byte[] corpusFile(String relative) throws IOException {
        Assumptions.assumeTrue(Corpus.root().isPresent(), Corpus.missingMessage());
        return Files.readAllBytes(Corpus.require().resolve(relative));
    }

    private static byte[] sample(int n) {
        byte[] b = new byte[n];
        new Random(42).nextBytes(b);
        return b;
    }

    @Test
    void shouldPassRawBlobThroughEvenOverTheLimit() {
        byte[] raw = {0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0};
        assertFalse(MaybeCompressed.isCompressed(raw));
        assertSame(raw, MaybeCompressed.decompress(raw, 100));
        // as sp-maybe-compressed-blob's decompresses_only_when_magic: the limit is for decompression only
        assertSame(raw, MaybeCompressed.decompress(raw, 4));
        byte[] shortPrefix = Arrays.copyOf(MaybeCompressed.MAGIC, 7);
        assertSame(shortPrefix, MaybeCompressed.decompress(shortPrefix, 100));
    }

    @Test
    void shouldRoundTripCompressedBlob() {
        byte[] raw = new byte[200_000];
        System.arraycopy(sample(1000), 0, raw, 5000, 1000);
        byte[] blob = MaybeCompressed.compress(raw, 3);
        assertTrue(MaybeCompressed.isCompressed(blob));
        assertTrue(blob.length < raw.length / 10, "compressed to " + blob.length);
        assertArrayEquals(raw, MaybeCompressed.decompress(blob, CODE_BOMB_LIMIT));
        assertArrayEquals(new byte[0], MaybeCompressed.decompress(MaybeCompressed.compress(new byte[0], 3), 0));
    }

    @Test
    void shouldAcceptLimitEqualToSizeAndRejectOneLess() {
        byte[] raw = sample(100_000);
        byte[] blob = MaybeCompressed.compress(raw, 1);
        assertArrayEquals(raw, MaybeCompressed.decompress(blob, raw.length));
        DecompressionException e =
                assertThrows(DecompressionException.class, () -> MaybeCompressed.decompress(blob, raw.length - 1));
        assertEquals(DecompressionException.Kind.BOMB, e.kind());
        assertTrue(e.getMessage().contains("possible compression bomb"), e.getMessage());
    }

    @Test
    void shouldRejectCompressionBomb() throws IOException {
        // 100 MB of zeros, streamed so the test itself never holds them
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(MaybeCompressed.MAGIC);
        try (ZstdOutputStream z = new ZstdOutputStream(out, 3)) {
            byte[] chunk = new byte[1 << 20];
            for (int i = 0; i < 100; i++) {
                z.write(chunk);
            }
        }
        byte[] bomb = out.toByteArray();
        assertTrue(bomb.length < 100_000, "bomb is " + bomb.length + " bytes");
        long limit = 1024 * 1024;
        long allocated = Allocation.measure(() -> assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            DecompressionException e =
                    assertThrows(DecompressionException.class, () -> MaybeCompressed.decompress(bomb, limit));
            assertEquals(DecompressionException.Kind.BOMB, e.kind());
        }));
        // the output buffer stops at limit + 1; growth by doubling copies at most that much again
        assertTrue(allocated >= 0, "this JVM cannot measure thread allocation");
        assertTrue(allocated < 8 * limit, "allocated " + allocated + " bytes");
    }

    @Test
    void shouldRejectCorruptFrame() {
        byte[] good = MaybeCompressed.compress(sample(10_000), 3);
        byte[] garbage = Arrays.copyOf(MaybeCompressed.MAGIC, 16);
        Arrays.fill(garbage, 8, 16, (byte) 0x42);
        byte[] truncated = Arrays.copyOf(good, good.length - 3);
        byte[] trailing = Arrays.copyOf(good, good.length + 2);
        byte[] magicOnly = MaybeCompressed.MAGIC.clone();
        for (byte[] bad : new byte[][] {garbage, truncated, trailing, magicOnly}) {
            DecompressionException e =
                    assertThrows(DecompressionException.class, () -> MaybeCompressed.decompress(bad, CODE_BOMB_LIMIT));
            assertEquals(DecompressionException.Kind.CORRUPT, e.kind(), e.getMessage());
        }
    }

    @Test
    void shouldRejectFlippedByteThroughFrameChecksum() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(MaybeCompressed.MAGIC);
        try (ZstdOutputStream z = new ZstdOutputStream(out, 3)) {
            z.setChecksum(true);
            z.write(sample(10_000));
        }
        byte[] blob = out.toByteArray();
        blob[blob.length / 2] ^= 0x01;
        DecompressionException e =
                assertThrows(DecompressionException.class, () -> MaybeCompressed.decompress(blob, CODE_BOMB_LIMIT));
        assertEquals(DecompressionException.Kind.CORRUPT, e.kind());
    }

    @Test
    void shouldDecompressCorpusCodeToWasm() throws IOException {
        // sizes: MANIFEST.md says 3.9 MB for coretime and 1.4 MB for the test parachain
        Object[][] cases = {
            {"adder/kagome-adder.code", 38_342},
            {"cumulus/coretime-polkadot-v1003000.code", 3_893_767},
            {"cumulus/cumulus-test-parachain-v1.code", 1_406_377},
        };
        for (Object[] c : cases) {
            byte[] blob = corpusFile((String) c[0]);
            assertTrue(MaybeCompressed.isCompressed(blob), (String) c[0]);
            byte[] code = MaybeCompressed.decompress(blob, CODE_BOMB_LIMIT);
            assertArrayEquals(WASM_MAGIC, Arrays.copyOf(code, 4), (String) c[0]);
            assertEquals((int) c[1], code.length, (String) c[0]);
        }
    }

    @Test
    void shouldPassCorpusRawWasmThrough() throws IOException {
        for (String f : new String[] {"adder/gossamer-adder.code", "cumulus/statemine-genesis.code"}) {
            byte[] blob = corpusFile(f);
            assertFalse(MaybeCompressed.isCompressed(blob), f);
            assertSame(blob, MaybeCompressed.decompress(blob, CODE_BOMB_LIMIT));
            assertArrayEquals(WASM_MAGIC, Arrays.copyOf(blob, 4), f);
        }
    }

    @Test
    void shouldRejectNegativeLimit() {
        assertThrows(IllegalArgumentException.class, () -> MaybeCompressed.decompress(new byte[0], -1));
    }

    @Test
    void shouldNotLetCallersChangeTheAcceptedPrefix() {
        byte[] blob = MaybeCompressed.compress(new byte[] {1, 2, 3}, 3);
        byte saved = MaybeCompressed.MAGIC[0];
        try {
            MaybeCompressed.MAGIC[0] = 0;
            assertTrue(MaybeCompressed.isCompressed(blob));
        } finally {
            MaybeCompressed.MAGIC[0] = saved;
        }
    }
}
