package io.pvfhost.worker.fuzz;

import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import io.pvfhost.artifacts.CorruptedArtifactException;
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
 * images of the project's own PVFs with every function left to the interpreter, so that they hold
 * annotated function bodies too.
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
        try {
            ModuleImage.decode(input);
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
        return ModuleImage.encode(m, all);
    }
}
