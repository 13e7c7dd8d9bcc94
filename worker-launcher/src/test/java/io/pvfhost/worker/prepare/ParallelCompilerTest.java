package io.pvfhost.worker.prepare;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import io.pvfhost.common.Corpus;
import io.pvfhost.common.blob.MaybeCompressed;
import io.pvfhost.worker.JobThreads;
import io.pvfhost.worker.prepare.instrument.Instrumenter;
import io.pvfhost.worker.testing.OwnPvfs;
import io.pvfhost.worker.testing.TinyWasm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The parallel compilation gives exactly the classes of one Chicory compilation of the whole
 * module, whatever the number of threads, and finds the functions too big for a JVM method.
 */
class ParallelCompilerTest {
    private static final String CLASS = "io.pvfhost.generated.T";

    /** A body far too big for a JVM method: 30 000 x (i32.const 1000000; drop). */
    static byte[] hugeBody() {
        ByteArrayOutputStream huge = new ByteArrayOutputStream();
        huge.write(0); // no locals
        for (int i = 0; i < 30_000; i++) {
            huge.writeBytes(new byte[] {0x41, (byte) 0xC0, (byte) 0x84, 0x3D, 0x1a});
        }
        huge.write(0x0b);
        byte[] body = huge.toByteArray();
        return TinyWasm.concat(TinyWasm.uleb(body.length), body);
    }

    /** A body that fits, with {@code n} x (i32.const n; drop). */
    static byte[] bodyOf(int n) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0);
        for (int i = 0; i < n; i++) {
            b.writeBytes(new byte[] {0x41, (byte) (n & 0x3f), 0x1a});
        }
        b.write(0x0b);
        byte[] body = b.toByteArray();
        return TinyWasm.concat(TinyWasm.uleb(body.length), body);
    }

    /** 20 () -> () functions; those with {@code i % 6 == 1} far too big, the others of various sizes. */
    static WasmModule mixedModule() {
        byte[][] bodies = new byte[20][];
        for (int i = 0; i < 20; i++) {
            bodies[i] = i % 6 == 1 ? hugeBody() : bodyOf(50 * i);
        }
        return voidFunctions(bodies);
    }

    /** A module of () -> () functions with these bodies. */
    static WasmModule voidFunctions(byte[][] bodies) {
        byte[][] types = new byte[bodies.length][];
        java.util.Arrays.fill(types, TinyWasm.uleb(0));
        return Parser.parse(new TinyWasm()
                .section(1, TinyWasm.vec(TinyWasm.voidType()))
                .section(3, TinyWasm.vec(types))
                .section(10, TinyWasm.vec(bodies))
                .build());
    }

    static void assertSameClasses(ParallelCompiler.Result want, ParallelCompiler.Result got) {
        assertEquals(want.interpreted(), got.interpreted());
        assertEquals(want.classes().keySet(), got.classes().keySet());
        for (String name : want.classes().keySet()) {
            assertArrayEquals(want.classes().get(name), got.classes().get(name), name);
        }
    }

    @Test
    void shouldFindTheFunctionsTooBigForTheJvmInAscendingOrder() throws Exception {
        // groups of 4: the huge functions (1, 7, 13, 19) are in groups 0, 1, 3 and 4, each a unit of its own
        var result = ParallelCompiler.compile(mixedModule(), CLASS, 4, null, 0);
        assertEquals(List.of(1, 7, 13, 19), List.copyOf(result.interpreted()));
        assertTrue(result.units() > 4, "split into units: " + result.units());
    }

    @Test
    void shouldGiveTheClassesOfOneCompilationOnAnyNumberOfThreads() throws Exception {
        WasmModule m = mixedModule();
        var plain = ParallelCompiler.plain(m, CLASS, 4);
        assertSameClasses(plain, ParallelCompiler.compile(m, CLASS, 4, null, 0));
        for (int threads : new int[] {1, 2, 3}) {
            ExecutorService pool = JobThreads.pool("test-compile", threads);
            try {
                assertSameClasses(plain, ParallelCompiler.compile(m, CLASS, 4, pool, 0));
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** {@code n} () -> () functions, every third far too big for a JVM method. */
    static WasmModule moduleWithTooBig(int tooBig) {
        byte[][] bodies = new byte[3 * tooBig][];
        for (int i = 0; i < bodies.length; i++) {
            bodies[i] = i % 3 == 2 ? hugeBody() : bodyOf(i);
        }
        return voidFunctions(bodies);
    }

    @Test
    void shouldBuildTheInterpretedSetAsOneCompilationDoesAtTheSizesWhereHashSetsDiffer() throws Exception {
        // the main class holds the interpreted functions in the order of Chicory's HashSet: with 12
        // (24, ...) of them a set copied from another (JDK 17) has a bigger table than one filled one
        // by one, and so another order
        WasmModule m = moduleWithTooBig(12);
        var plain = ParallelCompiler.plain(m, CLASS, 4);
        assertEquals(12, plain.interpreted().size());
        ExecutorService pool = JobThreads.pool("test-compile", 2);
        try {
            assertSameClasses(plain, ParallelCompiler.compile(m, CLASS, 4, pool, 0));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldCompileSmallModulesTheWholeWay() throws Exception {
        WasmModule small = Parser.parse(TinyWasm.withExports("a"));
        var result = ParallelCompiler.compile(small, CLASS, 64, null);
        assertEquals(1, result.units());
        assertEquals(Set.of(), result.interpreted());
    }

    @Test
    void shouldPlanTheSameUnitsWhateverTheThreads() {
        // the plan reads the module only; a candidate group is a unit alone, the other groups are
        // split into runs in order
        var units = ParallelCompiler.plan(mixedModule(), 4, 0);
        assertEquals(List.of(List.of(0), List.of(1), List.of(3), List.of(4), List.of(2)),
                units.stream().map(ParallelCompiler.Unit::groups).toList());
    }

    static Stream<Path> modules() throws IOException {
        List<Path> out = new ArrayList<>();
        Path root = Corpus.root().orElse(null);
        if (root == null) {
            System.out.println("ParallelCompilerTest: " + Corpus.missingMessage() + "; only our own PVFs");
        } else {
            try (var s = Files.list(root.resolve("cumulus"))) {
                s.filter(p -> p.toString().endsWith(".code")).sorted().forEach(out::add);
            }
        }
        try (var s = Files.list(OwnPvfs.folder())) {
            s.filter(p -> p.toString().endsWith(".wasm")).sorted().forEach(out::add);
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modules")
    void shouldCompileEveryRuntimeToTheClassesOfOneCompilation(Path path) throws Exception {
        byte[] raw = Files.readAllBytes(path);
        byte[] wasm = MaybeCompressed.isCompressed(raw) ? MaybeCompressed.decompress(raw, 64L << 20) : raw;
        WasmModule m = Parser.parse(Instrumenter.instrument(wasm, 65_536, true, Preparation.FEATURES));
        var plain = ParallelCompiler.plain(m, CLASS, Preparation.FUNCTIONS_PER_CLASS);
        ExecutorService pool = JobThreads.pool("test-compile", 3);
        try {
            var parallel = ParallelCompiler.compile(m, CLASS, Preparation.FUNCTIONS_PER_CLASS, pool, 0);
            assertSameClasses(plain, parallel);
            System.out.printf("%s: %d classes, %d units, interpreted %s%n", path.getFileName(), parallel.classes().size(),
                    parallel.units(), parallel.interpreted());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldCompileOnOneThreadUnderAPreparationMemoryLimit() {
        var limited = new io.pvfhost.common.params.ExecutorParams(
                List.of(new io.pvfhost.common.params.ExecutorParam.PrecheckingMaxMemory(512L << 20)));
        assertEquals(1, Preparation.compileThreads(limited));
        assertEquals(Preparation.compileThreads(), Preparation.compileThreads(io.pvfhost.common.params.ExecutorParams.DEFAULT));
        assertTrue(Preparation.compileThreads() >= 1 && Preparation.compileThreads() <= 8);
    }
}
