package io.pvfhost.worker.fuzz;

import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.pvfhost.common.params.ExecutorParams;
import io.pvfhost.worker.execute.BytecodeGuard;
import io.pvfhost.worker.prepare.Preparation;
import io.pvfhost.worker.testing.TinyWasm;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing (Jazzer) of the bytecode guard on an artifact of one class file: only
 * {@link BytecodeGuard.RejectedBytecodeException} may escape. The seeds are the classes our
 * compiler makes of a small module, which the guard accepts.
 */
class BytecodeGuardFuzzTest {
    private static final String NAME = "com.dylibso.chicory.$gen.CompiledMachine";

    static Stream<Arguments> classes() {
        var prepared = Preparation.prepare(TinyWasm.withExports("a", "b"), new Preparation.Limits(3 << 20, 30 << 20),
                ExecutorParams.DEFAULT);
        return prepared.classes().entrySet().stream()
                .map(e -> arguments(Named.of(e.getKey(), e.getValue())));
    }

    @MethodSource("classes")
    @FuzzTest
    void classFileShouldPassOrThrowRejectedBytecodeException(byte[] input) {
        try {
            BytecodeGuard.check(Map.of(NAME, input));
        } catch (BytecodeGuard.RejectedBytecodeException expected) {
            // the only failure allowed
        }
    }
}
