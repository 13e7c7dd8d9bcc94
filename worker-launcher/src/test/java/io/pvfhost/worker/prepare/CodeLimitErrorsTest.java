package io.pvfhost.worker.prepare;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pvfhost.common.blob.MaybeCompressed;
import io.pvfhost.common.error.PrepareError;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Which stored errors are of the code limits (a host removes those found on disk, written by
 * builds that still stored them), by the errors the preparation really gives.
 */
class CodeLimitErrorsTest {
    private static final Preparation.Limits SMALL = new Preparation.Limits(1024, 4096);

    @Test
    void theErrorsOfTheCodeLimitsShouldBeRecognised() {
        PrepareError bomb = PreparationTest.failure(MaybeCompressed.compress(new byte[8192], 3), SMALL);
        PrepareError tooLarge = PreparationTest.failure(new byte[1025], SMALL);
        assertTrue(PrepareWorker.isOfTheCodeLimits(bomb), bomb.toString());
        assertTrue(PrepareWorker.isOfTheCodeLimits(tooLarge), tooLarge.toString());
    }

    @Test
    void otherDeterministicErrorsShouldNot() {
        byte[] compressed = MaybeCompressed.compress(new byte[100], 3);
        PrepareError corrupt = PreparationTest.failure(Arrays.copyOf(compressed, compressed.length - 4), SMALL);
        assertTrue(corrupt.kind() == PrepareError.Kind.COULD_NOT_DECOMPRESS_CODE_BLOB, corrupt.toString());
        assertFalse(PrepareWorker.isOfTheCodeLimits(corrupt), corrupt.toString());
        PrepareError invalid = PreparationTest.failure(new byte[] {0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0x7f}, SMALL);
        assertFalse(PrepareWorker.isOfTheCodeLimits(invalid), invalid.toString());
    }
}
