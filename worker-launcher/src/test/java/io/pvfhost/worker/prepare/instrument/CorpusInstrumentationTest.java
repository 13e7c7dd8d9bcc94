package io.pvfhost.worker.prepare.instrument;

import static io.pvfhost.worker.prepare.instrument.TestModules.assertSameModule;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.runtime.TrapException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import io.pvfhost.common.Corpus;
import io.pvfhost.common.Hex;
import io.pvfhost.common.blob.MaybeCompressed;
import io.pvfhost.worker.execute.FreeingBumpAllocator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The rewriter on the real runtimes of the shared corpus. */
class CorpusInstrumentationTest {
    private static final long BOMB_LIMIT = 64L << 20;

    static Stream<String> runtimes() {
        return Stream.of("adder/kagome-adder.code", "adder/gossamer-adder.code",
                "cumulus/coretime-polkadot-v1003000.code", "cumulus/cumulus-test-parachain-v1.code",
                "cumulus/statemine-genesis.code");
    }

    static Path corpus() {
        var root = Corpus.root();
        Assumptions.assumeTrue(root.isPresent(), Corpus.missingMessage());
        return root.get();
    }

    static byte[] code(String name) {
        try {
            return MaybeCompressed.decompress(Files.readAllBytes(corpus().resolve(name)), BOMB_LIMIT);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @MethodSource("runtimes")
    void shouldCopyARuntimeWithNothingToChangeByteForByte(String name) {
        byte[] wasm = code(name);
        byte[] out = ModuleRewriter.rewrite(wasm, new ModuleRewriter.Options(OptionalLong.empty(), false, WasmFeatures.DEFAULT, false));
        assertArrayEquals(wasm, out);
    }

    @ParameterizedTest
    @MethodSource("runtimes")
    void shouldReencodeEverySectionAndBodyToTheSameFunctions(String name) {
        byte[] wasm = code(name);
        byte[] out = ModuleRewriter.rewrite(wasm, new ModuleRewriter.Options(OptionalLong.empty(), false, WasmFeatures.DEFAULT, true));
        WasmModule original = Parser.parse(wasm);
        WasmModule reencoded = Parser.parse(out);
        assertSameModule(original, reencoded);
        assertEquals(original.dataSection().dataSegments().length, reencoded.dataSection().dataSegments().length);
        System.out.printf("%s: re-encoded %d bytes -> %d bytes (%s)%n", name, wasm.length, out.length,
                java.util.Arrays.equals(wasm, out) ? "identical" : "differs");
    }

    @ParameterizedTest
    @MethodSource("runtimes")
    void shouldInstrumentEveryRuntimeIntoAModuleChicoryValidatesAndInstantiates(String name) {
        byte[] wasm = code(name);
        // CPU time of this thread (wall time is at the mercy of the machine's load) and wall time
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long bestCpu = Long.MAX_VALUE;
        long bestWall = Long.MAX_VALUE;
        long firstCpu = 0;
        byte[] out = null;
        for (int i = 0; i < 3; i++) {
            long c0 = mx.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            out = Instrumenter.instrument(wasm, 65_536, true);
            long cpu = mx.getCurrentThreadCpuTime() - c0;
            firstCpu = i == 0 ? cpu : firstCpu;
            bestCpu = Math.min(bestCpu, cpu);
            bestWall = Math.min(bestWall, System.nanoTime() - t0);
        }
        WasmModule original = Parser.parse(wasm);
        WasmModule instrumented = Parser.parse(out); // validates every body
        TestModules.instantiateWithStubs(instrumented);
        int exportedFunctions = (int) Stream.of(exports(original)).filter(e -> e.equals("FUNCTION")).count();
        assertTrue(instrumented.functionSection().functionCount() > original.functionSection().functionCount());
        assertTrue(instrumented.functionSection().functionCount()
                <= original.functionSection().functionCount() + exportedFunctions + tableFunctions(original));
        assertEquals(original.globalSection().globalCount() + 1, instrumented.globalSection().globalCount());
        System.out.printf("%s: %d bytes instrumented in %.1f ms CPU (first run %.1f ms CPU, best wall %.1f ms)"
                + " -> %d bytes, %d functions -> %d%n", name, wasm.length, bestCpu / 1e6, firstCpu / 1e6,
                bestWall / 1e6, out.length, original.functionSection().functionCount(),
                instrumented.functionSection().functionCount());
        assertTrue(bestCpu < 10_000_000_000L, "instrumenting " + name + " took " + bestCpu / 1e6 + " ms of CPU");
    }

    private static String[] exports(WasmModule m) {
        String[] kinds = new String[m.exportSection().exportCount()];
        for (int i = 0; i < kinds.length; i++) {
            kinds[i] = m.exportSection().getExport(i).exportType().name();
        }
        return kinds;
    }

    private static int tableFunctions(WasmModule m) {
        return m.elementSection().stream().mapToInt(e -> e.elementCount()).sum();
    }

    @ParameterizedTest
    @MethodSource("runtimes")
    void shouldFindOnlyMvpInstructionsInTheCorpusRuntimes(String name) {
        byte[] wasm = code(name);
        WasmFeatures all = new WasmFeatures(true, true, true);
        WasmBinary m = WasmBinary.parse(wasm, all);
        InstructionDecoder d = new InstructionDecoder(all);
        TreeMap<String, Integer> counts = new TreeMap<>();
        for (WasmBinary.Body b : m.bodies) {
            ByteReader r = new ByteReader(wasm, b.exprStart(), b.end());
            while (!r.atEnd()) {
                d.next(r);
                String kind = d.opcode >= Opcodes.I32_EXTEND8_S && d.opcode <= Opcodes.I64_EXTEND32_S ? "sign-extension"
                        : d.opcode >= Opcodes.TRUNC_SAT_FIRST && d.opcode <= Opcodes.TRUNC_SAT_LAST ? "saturating"
                        : d.opcode > Opcodes.TRUNC_SAT_LAST ? "bulk-memory"
                        : NanCanonicalizer.resultType(d.opcode) != 0 ? "canonicalised float" : null;
                if (kind != null) {
                    counts.merge(kind, 1, Integer::sum);
                }
            }
        }
        System.out.printf("%s: %s%n", name, counts);
        // the reference (parity-wasm without sign_ext/bulk) decodes only the MVP; so does the corpus
        assertEquals(null, counts.get("bulk-memory"), name + " uses bulk memory");
        assertEquals(null, counts.get("saturating"), name + " uses saturating conversions");
        assertEquals(null, counts.get("sign-extension"), name + " uses sign extension");
        Instrumenter.instrument(wasm, 65_536, true, WasmFeatures.REFERENCE);
    }

    @Test
    void shouldValidateTheAdderBlocksIdenticallyAfterInstrumentation() throws IOException {
        Path adder = corpus().resolve("adder");
        byte[] params = Hex.decode(Files.readString(adder.resolve("adder_genesis.params.hex")).trim());
        byte[] expected = Hex.decode(Files.readString(adder.resolve("adder_genesis.expected_output.hex")).trim());
        byte[] gossamerParams = Hex.decode(Files.readString(adder.resolve("adder_gossamer.params.hex")).trim());
        byte[] gossamerExpected = Hex.decode(Files.readString(adder.resolve("adder_gossamer.expected_output.hex")).trim());
        byte[] badState = Hex.decode(Files.readString(adder.resolve("adder_badstate.params.hex")).trim());
        for (String name : List.of("adder/kagome-adder.code", "adder/gossamer-adder.code")) {
            WasmModule instrumented = Parser.parse(Instrumenter.instrument(code(name), 65_536, true));
            Function<Instance, Machine> machines = TestModules.compiler(instrumented);
            for (Function<Instance, Machine> mode : java.util.Arrays.asList(null, machines)) {
                assertArrayEquals(expected, validateBlock(instrumented, mode, params), name);
                assertArrayEquals(gossamerExpected, validateBlock(instrumented, mode, gossamerParams), name);
                assertThrows(TrapException.class, () -> validateBlock(instrumented, mode, badState), name);
            }
        }
    }

    /** validate_block on a fresh instance with the adder's only import (logging) stubbed. */
    private static byte[] validateBlock(WasmModule module, Function<Instance, Machine> machines, byte[] params) {
        return TestModules.onBigStack(() -> {
            FunctionType logType = FunctionType.of(List.of(ValType.I32, ValType.I64, ValType.I64), List.of());
            var imports = ImportValues.builder()
                    .addFunction(new HostFunction("env", "ext_logging_log_version_1", logType, (inst, args) -> null))
                    .build();
            var builder = Instance.builder(module).withImportValues(imports);
            if (machines != null) {
                builder.withMachineFactory(machines);
            }
            Instance instance = builder.build();
            var allocator = new FreeingBumpAllocator((int) instance.exports().global("__heap_base").getValue());
            int ptr = allocator.allocate(instance.memory(), params.length);
            instance.memory().write(ptr, params);
            long packed = instance.export("validate_block").apply(ptr, params.length)[0];
            return instance.memory().readBytes((int) packed, (int) (packed >>> 32));
        });
    }
}
