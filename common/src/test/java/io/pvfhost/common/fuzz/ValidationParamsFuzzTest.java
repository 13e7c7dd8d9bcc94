package io.pvfhost.common.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.pvfhost.common.scale.ScaleException;
import io.pvfhost.common.types.ValidationParams;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing (Jazzer) of the {@code validate_block} params decoder: only
 * {@link ScaleException} may escape, and what decodes encodes back to the same bytes.
 */
class ValidationParamsFuzzTest {

    static Stream<Arguments> params() {
        return Stream.of(
                arguments(Named.of("empty head and block", new ValidationParams(new byte[0], new byte[0], 0, new byte[32]).encode())),
                arguments(Named.of("adder-like", new ValidationParams(new byte[72], new byte[16], 7, new byte[32]).encode())),
                arguments(Named.of("two-byte lengths", new ValidationParams(new byte[100], new byte[300], 0xffff_ffffL, new byte[32]).encode())));
    }

    @MethodSource("params")
    @FuzzTest
    void paramsShouldDecodeCanonicallyOrThrowScaleException(byte[] input) {
        ValidationParams p;
        try {
            p = ValidationParams.decode(input);
        } catch (ScaleException expected) {
            return;
        }
        assertArrayEquals(input, p.encode());
    }
}
