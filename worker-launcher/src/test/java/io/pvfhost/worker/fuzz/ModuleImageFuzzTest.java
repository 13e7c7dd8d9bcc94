package io.pvfhost.worker.fuzz;

import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import io.pvfhost.artifacts.CorruptedArtifactException;
import io.pvfhost.common.scale.ScaleException;
import io.pvfhost.common.scale.ScaleReader;
import io.pvfhost.common.scale.ScaleWriter;
import io.pvfhost.worker.artifact.ModuleImage;
import io.pvfhost.worker.testing.OwnPvfs;
import io.pvfhost.worker.testing.TinyWasm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing (Jazzer) of the module image decoder, which an execute worker runs on
 * every artifact it loads: only {@link CorruptedArtifactException} may escape. The seeds are the
 * images of the project's own PVFs with every function left to the interpreter, so that they come
 * with annotated function bodies too: an input is a length-prefixed image followed by the bodies
 * (an input that does not split so is decoded as an image alone).
 */
class ModuleImageFuzzTest {

    static Stream<Arguments> images() throws IOException {
        List<Arguments> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(OwnPvfs.folder())) {
            for (Path p : files.filter(f -> f.toString().endsWith(".wasm")).sorted().toList()) {
                out.add(arguments(Named.of(p.getFileName().toString(), imageOf(Files.readAllBytes(p)))));
            }
        }
        // bulk memory: a passive data segment, a passive element segment, a data count section
        byte[] passive = TinyWasm.passiveSegments();
        out.add(arguments(Named.of("passive segments", imageOf(passive))));
        return out.stream();
    }

    @MethodSource("images")
    @FuzzTest
    void imageShouldDecodeOrThrowCorruptedArtifactException(byte[] input) {
        byte[] image = input;
        byte[] bodies = new byte[0];
        try {
            ScaleReader r = new ScaleReader(input);
            image = r.bytes(input.length);
            bodies = r.fixed(r.remaining());
        } catch (ScaleException notSplit) {
            // the whole input is the image
        }
        try {
            ModuleImage.decodeStubbed(image, () -> false);
        } catch (CorruptedArtifactException expected) {
            // the only failure allowed
        }
        try {
            ModuleImage.decode(image, bodies);
        } catch (CorruptedArtifactException expected) {
            // the only failure allowed
        }
    }

    /** The image of a module with all of its functions interpreted. */
    private static byte[] imageOf(byte[] wasm) {
        WasmModule m = Parser.parse(wasm);
        int imported = m.importSection().count(ExternalType.FUNCTION);
        Set<Integer> all = IntStream.range(imported, imported + m.codeSection().functionBodyCount())
                .boxed().collect(Collectors.toSet());
        ModuleImage.Encoded e = ModuleImage.encode(m, all);
        return new ScaleWriter().bytes(e.image()).raw(e.bodies()).toByteArray();
    }
}
