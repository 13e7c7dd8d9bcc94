package io.pvfhost.worker.artifact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.AnnotatedInstruction;
import com.dylibso.chicory.wasm.types.FunctionBody;
import com.dylibso.chicory.wasm.types.OpCode;
import io.pvfhost.artifacts.CorruptedArtifactException;
import io.pvfhost.common.Corpus;
import io.pvfhost.common.blob.MaybeCompressed;
import io.pvfhost.worker.prepare.instrument.Instrumenter;
import io.pvfhost.worker.prepare.instrument.WasmFeatures;
import io.pvfhost.worker.testing.OwnPvfs;
import io.pvfhost.worker.testing.TinyWasm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The image must rebuild exactly the module Chicory's parser builds from the same wasm, except
 * that compiled functions' bodies are stubs: every other section is compared with the parser's
 * {@code equals}, interpreted bodies instruction by instruction.
 */
class ModuleImageTest {

    static Stream<Path> modules() throws IOException {
        List<Path> out = new ArrayList<>();
        Path root = Corpus.root().orElse(null);
        if (root != null) {
            try (var s = Files.list(root.resolve("cumulus"))) {
                s.filter(p -> p.toString().endsWith(".code")).sorted().forEach(out::add);
            }
            try (var s = Files.list(root.resolve("adder"))) {
                s.filter(p -> p.toString().endsWith(".code")).sorted().forEach(out::add);
            }
        }
        try (var s = Files.list(OwnPvfs.folder())) {
            s.filter(p -> p.toString().endsWith(".wasm")).sorted().forEach(out::add);
        }
        return out.stream();
    }

    /** The instrumented module, as preparation compiles it. */
    static byte[] instrumented(Path p) throws IOException {
        byte[] raw = Files.readAllBytes(p);
        byte[] wasm = MaybeCompressed.isCompressed(raw) ? MaybeCompressed.decompress(raw, 64L << 20) : raw;
        return Instrumenter.instrument(wasm, 65_536, true, WasmFeatures.REFERENCE);
    }

    /** The largest bodies and the first one, as if the compiler had left them to the interpreter. */
    static Set<Integer> someInterpreted(WasmModule m) {
        int imported = m.importSection().count(com.dylibso.chicory.wasm.types.ExternalType.FUNCTION);
        int n = m.codeSection().functionBodyCount();
        Set<Integer> out = new HashSet<>();
        IntStream.range(0, n).boxed()
                .sorted(Comparator.comparingInt((Integer i) -> -m.codeSection().getFunctionBody(i).instructions().size()))
                .limit(3).forEach(i -> out.add(imported + i));
        if (n > 0) {
            out.add(imported);
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modules")
    void shouldRebuildWhatTheParserBuilds(Path path) throws Exception {
        byte[] wasm = instrumented(path);
        WasmModule parsed = Parser.parse(wasm);
        Set<Integer> interpreted = someInterpreted(parsed);
        WasmModule decoded = ModuleImage.decode(ModuleImage.encode(parsed, interpreted));
        assertSameSections(parsed, decoded);
        int imported = parsed.importSection().count(com.dylibso.chicory.wasm.types.ExternalType.FUNCTION);
        FunctionBody stub = null;
        for (int i = 0; i < parsed.codeSection().functionBodyCount(); i++) {
            FunctionBody got = decoded.codeSection().getFunctionBody(i);
            if (interpreted.contains(imported + i)) {
                assertSameBody(parsed.codeSection().getFunctionBody(i), got, i);
            } else {
                assertEquals(List.of(OpCode.UNREACHABLE, OpCode.END),
                        got.instructions().stream().map(AnnotatedInstruction::opcode).toList());
                // one shared stub, not thousands of objects
                if (stub != null) {
                    assertSame(stub, got);
                }
                stub = got;
            }
        }
        assertEquals(parsed.codeSection().isRequiresDataCount(), decoded.codeSection().isRequiresDataCount());
        // stubbed: the same module with every body the shared stub, the interpreted ones skipped
        ModuleImage.Stubbed decodedStubbed = ModuleImage.decodeStubbed(ModuleImage.encode(parsed, interpreted).image(), () -> false);
        assertEquals(interpreted, decodedStubbed.interpreted(), "the image says which functions are interpreted");
        WasmModule stubbed = decodedStubbed.module();
        assertSameSections(parsed, stubbed);
        for (int i = 0; i < parsed.codeSection().functionBodyCount(); i++) {
            FunctionBody got = stubbed.codeSection().getFunctionBody(i);
            assertEquals(List.of(OpCode.UNREACHABLE, OpCode.END),
                    got.instructions().stream().map(AnnotatedInstruction::opcode).toList());
            assertSame(stubbed.codeSection().getFunctionBody(0), got, "body " + i);
        }
    }

    static void assertSameSections(WasmModule a, WasmModule b) {
        assertEquals(a.typeSection(), b.typeSection(), "types");
        assertEquals(a.importSection(), b.importSection(), "imports");
        assertEquals(a.functionSection(), b.functionSection(), "functions");
        assertEquals(a.tableSection(), b.tableSection(), "tables");
        assertEquals(a.memorySection(), b.memorySection(), "memories");
        assertEquals(a.globalSection(), b.globalSection(), "globals");
        assertEquals(a.exportSection(), b.exportSection(), "exports");
        assertEquals(a.startSection(), b.startSection(), "start");
        assertEquals(a.elementSection(), b.elementSection(), "elements");
        assertEquals(a.dataSection(), b.dataSection(), "data");
        assertEquals(a.dataCountSection(), b.dataCountSection(), "data count");
        assertEquals(a.codeSection().functionBodyCount(), b.codeSection().functionBodyCount(), "bodies");
    }

    /** Equal but for instruction addresses, which are offsets in the file the parser read. */
    static void assertSameBody(FunctionBody want, FunctionBody got, int index) {
        assertEquals(want.localTypes(), got.localTypes(), "locals of body " + index);
        assertEquals(want.instructions().size(), got.instructions().size(), "length of body " + index);
        for (int j = 0; j < want.instructions().size(); j++) {
            AnnotatedInstruction w = want.instructions().get(j);
            AnnotatedInstruction g = got.instructions().get(j);
            String at = "body " + index + " instruction " + j;
            assertEquals(w.opcode(), g.opcode(), at);
            assertArrayEquals(w.operands(), g.operands(), at);
            assertEquals(w.depth(), g.depth(), at);
            assertEquals(w.labelTrue(), g.labelTrue(), at);
            assertEquals(w.labelFalse(), g.labelFalse(), at);
            assertEquals(w.labelTable(), g.labelTable(), at);
            assertEquals(w.scope() == null ? null : w.scope().opcode(), g.scope() == null ? null : g.scope().opcode(), at);
        }
    }

    @Test
    void shouldKeepPassiveDataAndElementSegments() throws Exception {
        // bulk memory: a passive data segment, a passive element segment, a data count section
        byte[] wasm = TinyWasm.passiveSegments();
        WasmModule parsed = Parser.parse(wasm);
        assertEquals(1, parsed.dataSection().dataSegmentCount());
        assertTrue(parsed.dataCountSection().isPresent());
        WasmModule decoded = ModuleImage.decode(ModuleImage.encode(parsed, Set.of()));
        assertSameSections(parsed, decoded);
    }

    @Test
    void shouldKeepNamesOfAnyLength() throws Exception {
        // nothing in the wasm pipeline limits a name; a 70 000-byte export must load again
        String name = "n".repeat(70_000);
        byte[] wasm = TinyWasm.withExports(name);
        WasmModule parsed = Parser.parse(wasm);
        WasmModule decoded = ModuleImage.decode(ModuleImage.encode(parsed, Set.of()));
        assertEquals(name, decoded.exportSection().getExport(0).name());
        assertSameSections(parsed, decoded);
    }

    @Test
    void shouldStopDecodingWhenCancelled() throws Exception {
        Path adder = modules().filter(p -> p.toString().endsWith("adder.wasm")).findFirst().orElseThrow();
        WasmModule parsed = Parser.parse(instrumented(adder));
        assertTrue(parsed.dataSection().dataSegmentCount() > 0, "data segments, where decoding checks for cancellation");
        byte[] image = ModuleImage.encode(parsed, Set.of()).image();
        var e = assertThrows(CorruptedArtifactException.class, () -> ModuleImage.decodeStubbed(image, () -> true));
        assertTrue(e.getMessage().contains("cancelled"), e.getMessage());
        assertEquals(parsed.exportSection(), ModuleImage.decodeStubbed(image, () -> false).module().exportSection());
    }

    @Test
    void shouldRefuseBodiesThatAreNotTheImagesOwn() throws Exception {
        WasmModule parsed = Parser.parse(TinyWasm.withExports("a"));
        int imported = parsed.importSection().count(com.dylibso.chicory.wasm.types.ExternalType.FUNCTION);
        ModuleImage.Encoded one = ModuleImage.encode(parsed, Set.of(imported));
        assertTrue(one.bodies().length > 0);
        assertEquals(0, ModuleImage.encode(parsed, Set.of()).bodies().length);
        // the image is the same whichever functions are interpreted but for the bit that says so
        assertEquals(ModuleImage.encode(parsed, Set.of()).image().length, one.image().length);
        byte[] longer = java.util.Arrays.copyOf(one.bodies(), one.bodies().length + 1);
        var trailing = assertThrows(CorruptedArtifactException.class, () -> ModuleImage.decode(one.image(), longer));
        assertTrue(trailing.getMessage().contains("trailing"), trailing.getMessage());
        assertThrows(CorruptedArtifactException.class, () -> ModuleImage.decode(one.image(), new byte[0]));
        assertSameBody(parsed.codeSection().getFunctionBody(0),
                ModuleImage.decode(one.image(), one.bodies()).codeSection().getFunctionBody(0), 0);
    }

    @Test
    void shouldRefuseWhatPrevalidationKeepsOut() {
        // an imported global: the image holds function and memory imports only
        byte[] wasm = new TinyWasm()
                .section(2, TinyWasm.vec(TinyWasm.concat(TinyWasm.name("env"), TinyWasm.name("g"), TinyWasm.bytes(3, 0x7f, 0))))
                .build();
        WasmModule parsed = Parser.parse(wasm);
        var e = assertThrows(ModuleImage.UnsupportedModuleException.class, () -> ModuleImage.encode(parsed, Set.of()));
        assertTrue(e.getMessage().contains("only functions and memory may be imported"), e.getMessage());
    }

    @Test
    void shouldCallEveryDamagedImageCorrupted() throws Exception {
        Path first = modules().filter(p -> p.toString().endsWith("adder.wasm")).findFirst().orElseThrow();
        byte[] wasm = instrumented(first);
        WasmModule parsed = Parser.parse(wasm);
        ModuleImage.Encoded encoded = ModuleImage.encode(parsed, someInterpreted(parsed));
        byte[] image = encoded.image();
        byte[] bodies = encoded.bodies();
        for (int cut = 0; cut < image.length; cut += Math.max(1, image.length / 200)) {
            byte[] truncated = java.util.Arrays.copyOf(image, cut);
            assertThrows(CorruptedArtifactException.class, () -> ModuleImage.decode(truncated, bodies), "cut at " + cut);
            assertThrows(CorruptedArtifactException.class, () -> ModuleImage.decodeStubbed(truncated, () -> false),
                    "stubbed, cut at " + cut);
        }
        for (int cut = 0; cut < bodies.length; cut += Math.max(1, bodies.length / 200)) {
            byte[] truncated = java.util.Arrays.copyOf(bodies, cut);
            assertThrows(CorruptedArtifactException.class, () -> ModuleImage.decode(image, truncated), "bodies cut at " + cut);
        }
        // flipped bytes: decoded or refused as corrupted, nothing else escapes
        Random random = new Random(7);
        int refused = 0;
        for (int i = 0; i < 3000; i++) {
            byte[] damaged = image.clone();
            byte[] damagedBodies = bodies.clone();
            for (int k = 0, n = 1 + random.nextInt(4); k < n; k++) {
                damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
                damagedBodies[random.nextInt(damagedBodies.length)] = (byte) random.nextInt(256);
            }
            try {
                ModuleImage.decode(damaged, bodies);
            } catch (CorruptedArtifactException e) {
                refused++;
            }
            try {
                ModuleImage.decodeStubbed(damaged, () -> false);
            } catch (CorruptedArtifactException e) {
                refused++;
            }
            try {
                ModuleImage.decode(image, damagedBodies);
            } catch (CorruptedArtifactException e) {
                refused++;
            }
        }
        assertTrue(refused > 0, "some damage must be noticed");
    }
}
