package io.pvfhost.common.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.pvfhost.common.scale.ScaleException;
import io.pvfhost.common.types.OutboundHrmpMessage;
import io.pvfhost.common.types.ValidationResult;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing (Jazzer) of the decoder of what {@code validate_block} returns (bytes
 * out of untrusted code): only {@link ScaleException} may escape, and what decodes encodes back
 * to the same bytes.
 */
class ValidationResultFuzzTest {

    static Stream<Arguments> results() {
        return Stream.of(
                arguments(Named.of("head only", new ValidationResult(new byte[72], null, List.of(), List.of(), 0, 7).encode())),
                arguments(Named.of("every field", new ValidationResult(new byte[40], new byte[] {0, 97, 115, 109},
                        List.of(new byte[3], new byte[0]), List.of(new OutboundHrmpMessage(2000, new byte[5])),
                        3, 0xffff_ffffL).encode())));
    }

    @MethodSource("results")
    @FuzzTest
    void resultShouldDecodeCanonicallyOrThrowScaleException(byte[] input) {
        ValidationResult r;
        try {
            r = ValidationResult.decode(input);
        } catch (ScaleException expected) {
            return;
        }
        assertArrayEquals(input, r.encode());
    }
}
