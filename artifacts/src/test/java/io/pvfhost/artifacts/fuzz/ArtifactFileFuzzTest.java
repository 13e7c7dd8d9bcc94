package io.pvfhost.artifacts.fuzz;

import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.pvfhost.artifacts.ArtifactContent;
import io.pvfhost.artifacts.ArtifactFile;
import io.pvfhost.artifacts.CorruptedArtifactException;
import io.pvfhost.common.Version;
import io.pvfhost.common.error.PrepareError;
import io.pvfhost.common.scale.ScaleWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing (Jazzer) of the artifact file decoder: only
 * {@link CorruptedArtifactException} may escape.
 *
 * <p>The first byte chooses what the rest is. Even: the file itself. Odd: what follows a compiled
 * artifact's header, which the test puts behind a valid header (magic, this engine's version, the
 * compiled kind), so that the fuzzer works on the content instead of on getting past the header.
 */
class ArtifactFileFuzzTest {
    private static final byte FILE = 0;
    private static final byte PAYLOAD = 1;

    static Stream<Arguments> artifacts() {
        var compiled = new ArtifactContent.Compiled(new byte[] {'P', 'V', 'M', 'I', 1, 0}, "M",
                Map.of("M", new byte[] {(byte) 0xca, (byte) 0xfe}, "M$1", new byte[3]), Set.of(0, 7));
        var failed = new ArtifactContent.Failed(new PrepareError(PrepareError.Kind.PREVALIDATION, "bad magic"));
        byte[] payload = new ScaleWriter()
                .bytes(new byte[] {1, 2, 3})
                .bytes("M".getBytes(StandardCharsets.UTF_8))
                .compact(2)
                .bytes("M".getBytes(StandardCharsets.UTF_8)).bytes(new byte[] {(byte) 0xca, (byte) 0xfe})
                .bytes("N".getBytes(StandardCharsets.UTF_8)).bytes(new byte[0])
                .compact(2).u32(3).u32(0x7fff_ffffL)
                .toByteArray();
        return Stream.of(
                arguments(Named.of("compiled file", tagged(FILE, ArtifactFile.encode(compiled)))),
                arguments(Named.of("failed file", tagged(FILE, ArtifactFile.encode(failed)))),
                arguments(Named.of("compiled payload", tagged(PAYLOAD, payload))));
    }

    @MethodSource("artifacts")
    @FuzzTest
    void artifactShouldDecodeOrThrowCorruptedArtifactException(byte[] input) {
        if (input.length == 0) {
            return;
        }
        byte[] rest = Arrays.copyOfRange(input, 1, input.length);
        byte[] file = (input[0] & 1) == FILE ? rest : withPayload(rest);
        try {
            ArtifactFile.decode(file);
        } catch (CorruptedArtifactException expected) {
            // the only failure allowed
        }
    }

    private static byte[] tagged(byte tag, byte[] bytes) {
        byte[] out = new byte[bytes.length + 1];
        out[0] = tag;
        System.arraycopy(bytes, 0, out, 1, bytes.length);
        return out;
    }

    /** A compiled artifact of this engine whose content after the header is {@code payload}. */
    private static byte[] withPayload(byte[] payload) {
        return new ScaleWriter()
                .raw(new byte[] {'P', 'V', 'F', 'A', 3})
                .bytes(Version.ENGINE_VERSION.getBytes(StandardCharsets.UTF_8))
                .u8(0).raw(payload)
                .toByteArray();
    }
}
