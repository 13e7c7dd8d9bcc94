package io.pvfhost.common.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.pvfhost.common.Corpus;
import io.pvfhost.common.Hex;
import io.pvfhost.common.blob.DecompressionException;
import io.pvfhost.common.blob.MaybeCompressed;
import io.pvfhost.common.scale.ScaleException;
import io.pvfhost.common.types.ValidationParams;
import io.pvfhost.common.types.ValidationResult;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of the decoders of untrusted bytes with a fixed budget: random inputs and
 * mutations of valid ones. Only the decoder's own typed exception may escape, and whatever
 * decodes must encode back to the same bytes.
 */
class DecoderFuzzTest {
    static final int BUDGET = 20_000;

    static List<byte[]> seeds() throws Exception {
        List<byte[]> seeds = new ArrayList<>();
        seeds.add(new ValidationParams(new byte[72], new byte[16], 7, new byte[32]).encode());
        seeds.add(new ValidationResult(new byte[72], null, List.of(new byte[3]), List.of(), 0, 7).encode());
        var corpus = Corpus.root();
        if (corpus.isPresent()) {
            for (String f : new String[] {"adder/adder_genesis.params.hex", "adder/adder_genesis.expected_output.hex"}) {
                seeds.add(Hex.decode(Files.readString(corpus.get().resolve(f))));
            }
        }
        return seeds;
    }

    static byte[] mutate(byte[] seed, Random r) {
        byte[] b = seed.clone();
        int edits = 1 + r.nextInt(4);
        for (int i = 0; i < edits && b.length > 0; i++) {
            switch (r.nextInt(4)) {
                case 0 -> b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                case 1 -> b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                case 2 -> b = java.util.Arrays.copyOf(b, r.nextInt(b.length + 1));
                default -> {
                    byte[] longer = java.util.Arrays.copyOf(b, b.length + 1 + r.nextInt(8));
                    r.nextBytes(java.util.Arrays.copyOfRange(longer, b.length, longer.length));
                    b = longer;
                }
            }
        }
        return b;
    }

    static void fuzz(long seed, List<byte[]> seeds, Consumer<byte[]> decoder, Class<? extends RuntimeException> allowed) {
        Random r = new Random(seed);
        for (int i = 0; i < BUDGET; i++) {
            byte[] input;
            if (r.nextInt(4) == 0) {
                input = new byte[r.nextInt(64)];
                r.nextBytes(input);
            } else {
                input = mutate(seeds.get(r.nextInt(seeds.size())), r);
            }
            try {
                decoder.accept(input);
            } catch (RuntimeException e) {
                if (!allowed.isInstance(e)) {
                    fail("input " + Hex.toHex(input) + " threw " + e, e);
                }
            }
        }
    }

    @Test
    void validationParamsDecoderShouldOnlyEverThrowScaleException() throws Exception {
        fuzz(1, seeds(), b -> assertArrayEquals(b, ValidationParams.decode(b).encode()), ScaleException.class);
    }

    @Test
    void validationResultDecoderShouldOnlyEverThrowScaleException() throws Exception {
        fuzz(2, seeds(), b -> assertArrayEquals(b, ValidationResult.decode(b).encode()), ScaleException.class);
    }

    @Test
    void blobDecompressionShouldOnlyEverThrowDecompressionException() {
        List<byte[]> seeds = List.of(MaybeCompressed.compress(new byte[1000], 3),
                MaybeCompressed.compress("some code some code some code".getBytes(), 19));
        fuzz(3, seeds, b -> MaybeCompressed.decompress(b, 1 << 20), DecompressionException.class);
    }
}
