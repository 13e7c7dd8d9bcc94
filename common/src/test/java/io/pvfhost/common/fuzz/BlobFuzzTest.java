package io.pvfhost.common.fuzz;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.pvfhost.common.blob.DecompressionException;
import io.pvfhost.common.blob.MaybeCompressed;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing (Jazzer) of maybe-compressed blobs (code and PoVs): only
 * {@link DecompressionException} may escape, nothing over the bomb limit comes out, and a blob
 * without the prefix comes back as it is. Coverage stops at zstd-jni's native code, which the
 * mutations of the seed frames still reach.
 */
class BlobFuzzTest {
    /** A small limit: any limit takes the same paths, and each run stays cheap. */
    private static final int LIMIT = 1 << 16;

    static Stream<Arguments> blobs() {
        byte[] text = "(module (func (export \"validate_block\")))".repeat(20).getBytes(StandardCharsets.UTF_8);
        return Stream.of(
                arguments(Named.of("zeros", MaybeCompressed.compress(new byte[1000], 3))),
                arguments(Named.of("text level 19", MaybeCompressed.compress(text, 19))),
                arguments(Named.of("just over the limit", MaybeCompressed.compress(new byte[LIMIT + 1], 1))),
                arguments(Named.of("plain", text)));
    }

    @MethodSource("blobs")
    @FuzzTest
    void blobShouldDecompressWithinTheLimitOrThrowDecompressionException(byte[] input) {
        byte[] out;
        try {
            out = MaybeCompressed.decompress(input, LIMIT);
        } catch (DecompressionException expected) {
            return;
        }
        if (MaybeCompressed.isCompressed(input)) {
            assertTrue(out.length <= LIMIT, out.length + " bytes out");
        } else {
            assertSame(input, out);
        }
    }
}
