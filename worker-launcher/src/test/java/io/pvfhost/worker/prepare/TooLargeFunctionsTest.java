package io.pvfhost.worker.prepare;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import io.pvfhost.worker.testing.TinyWasm;
import java.io.ByteArrayOutputStream;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Functions too big for one JVM method are found before the real compilation, and a miss still works. */
class TooLargeFunctionsTest {

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

    /** () -> () functions: 0 small, 1 far too big for a JVM method, 2 small. */
    static WasmModule moduleWithAHugeFunction() {
        byte[] wasm = new TinyWasm()
                .section(1, TinyWasm.vec(TinyWasm.voidType()))
                .section(3, TinyWasm.vec(TinyWasm.uleb(0), TinyWasm.uleb(0), TinyWasm.uleb(0)))
                .section(10, TinyWasm.vec(TinyWasm.emptyBody(), hugeBody(), TinyWasm.emptyBody()))
                .build();
        return Parser.parse(wasm);
    }

    @Test
    void shouldGiveTheGuessInAscendingOrder() {
        // the compiler writes the order into the main class: it must not depend on the JVM's hash salt
        byte[][] bodies = new byte[20][];
        byte[][] types = new byte[20][];
        for (int i = 0; i < 20; i++) {
            bodies[i] = i % 6 == 1 ? hugeBody() : TinyWasm.emptyBody();
            types[i] = TinyWasm.uleb(0);
        }
        WasmModule m = Parser.parse(new TinyWasm()
                .section(1, TinyWasm.vec(TinyWasm.voidType()))
                .section(3, TinyWasm.vec(types))
                .section(10, TinyWasm.vec(bodies))
                .build());
        var guess = TooLargeFunctions.guess(m, "io.pvfhost.generated.T", 4);
        assertEquals(java.util.List.of(1, 7, 13, 19), java.util.List.copyOf(guess));
    }

    @Test
    void shouldCompileInOnePassWhenTheGuessIsRight() {
        WasmModule m = moduleWithAHugeFunction();
        var result = com.dylibso.chicory.compiler.internal.Compiler.builder(m)
                .withClassName("io.pvfhost.generated.T")
                .withMaxFunctionsPerClass(Preparation.FUNCTIONS_PER_CLASS)
                .withClassCollectorFactory(com.dylibso.chicory.compiler.internal.ByteClassCollector::new)
                .withInterpretedFunctions(TooLargeFunctions.guess(m, "io.pvfhost.generated.T", Preparation.FUNCTIONS_PER_CLASS))
                .withInterpreterFallback(com.dylibso.chicory.compiler.InterpreterFallback.FAIL)
                .build()
                .compile(); // FAIL mode: throws if the guess left out a function that does not fit
        assertEquals(Set.of(1), result.interpretedFunctions());
    }

    @Test
    void shouldFindTheFunctionTooBigForTheJvm() {
        assertEquals(Set.of(1), TooLargeFunctions.guess(moduleWithAHugeFunction(), "io.pvfhost.generated.T", 64));
    }

    @Test
    void shouldGuessNothingWithoutBigFunctions() {
        WasmModule small = Parser.parse(TinyWasm.withExports("a"));
        assertEquals(Set.of(), TooLargeFunctions.guess(small, "io.pvfhost.generated.T", 64));
    }

    @Test
    void shouldCompileTheSameWhetherTheGuessIsRightOrMissed() {
        WasmModule m = moduleWithAHugeFunction();
        var guessed = Preparation.compile(m, "io.pvfhost.generated.T", Set.of(1));
        // a guess that misses: the compiler's own search finds the function, at the cost of a restart
        var missed = Preparation.compile(m, "io.pvfhost.generated.T", Set.of());
        assertEquals(Set.of(1), guessed.interpretedFunctions());
        assertEquals(guessed.interpretedFunctions(), missed.interpretedFunctions());
        assertEquals(guessed.classes().keySet(), missed.classes().keySet());
        for (String name : guessed.classes().keySet()) {
            assertArrayEquals(guessed.classes().get(name), missed.classes().get(name), name);
        }
    }
}
