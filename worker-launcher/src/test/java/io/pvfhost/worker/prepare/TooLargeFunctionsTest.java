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

    /** () -> () functions: 0 small, 1 far too big for a JVM method (30 000 x i32.const 1000000; drop), 2 small. */
    static WasmModule moduleWithAHugeFunction() {
        ByteArrayOutputStream huge = new ByteArrayOutputStream();
        huge.write(0); // no locals
        for (int i = 0; i < 30_000; i++) {
            huge.writeBytes(new byte[] {0x41, (byte) 0xC0, (byte) 0x84, 0x3D, 0x1a});
        }
        huge.write(0x0b);
        byte[] body = huge.toByteArray();
        byte[] wasm = new TinyWasm()
                .section(1, TinyWasm.vec(TinyWasm.voidType()))
                .section(3, TinyWasm.vec(TinyWasm.uleb(0), TinyWasm.uleb(0), TinyWasm.uleb(0)))
                .section(10, TinyWasm.vec(TinyWasm.emptyBody(), TinyWasm.concat(TinyWasm.uleb(body.length), body),
                        TinyWasm.emptyBody()))
                .build();
        return Parser.parse(wasm);
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
