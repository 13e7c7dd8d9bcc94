package io.pvfhost.worker.prepare.instrument;

import static io.pvfhost.worker.prepare.instrument.TestModules.onBigStack;
import static io.pvfhost.worker.prepare.instrument.TestModules.parse;
import static io.pvfhost.worker.prepare.instrument.TestModules.wasm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import io.pvfhost.worker.prepare.instrument.TestModules.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A recursion traps at exactly the depth the stack limiter allows, in Chicory's interpreter and in
 * compiled code alike, run after run.
 *
 * <p>{@code f(n) = n == 0 ? 0 : f(n - 1) + 1} costs 5 (see {@link StackCostTest}; no locals, max
 * height 5). The host calls the exported thunk, which adds f's cost before calling f: calling f(n)
 * makes n + 1 activations of f, each adding 5, and the check {@code height > L} happens before each
 * of them. So f(n) succeeds iff 5 * (n + 1) <= L, and the deepest n that succeeds is
 * {@code floor((L - 5) / 5)}: with L = 65536, 13106 (height 65535); n = 13107 would need 65540.
 */
class RecursionDepthTest {
    private static final int COST_OF_F = 5;
    private static final int REPETITIONS = 20;

    @ParameterizedTest
    @ValueSource(longs = {65_536, 1_000, 5, 4})
    void shouldTrapAtTheSameDepthInterpretedAndCompiled(long limit) {
        long deepest = Math.floorDiv(limit - COST_OF_F, COST_OF_F); // -1 when even f(0) traps
        WasmModule module = parse(Instrumenter.instrument(wasm("recursive"), limit, true));
        Function<Instance, Machine> machines = TestModules.compiler(module);

        List<String> runs = onBigStack(() -> {
            List<String> out = new ArrayList<>();
            for (int run = 0; run < REPETITIONS; run++) {
                for (boolean compiled : new boolean[] {false, true}) {
                    String mode = compiled ? "compiled" : "interpreted";
                    if (deepest >= 0) {
                        Outcome ok = call(module, machines, compiled, deepest);
                        assertFalse(ok.trapped(), mode + " f(" + deepest + ") must succeed with limit " + limit);
                        assertEquals(deepest, ok.value(), mode + " f(" + deepest + ")");
                    }
                    Outcome trap = call(module, machines, compiled, deepest + 1);
                    assertTrue(trap.trapped(), mode + " f(" + (deepest + 1) + ") must trap with limit " + limit);
                    out.add(mode + ": ok up to " + deepest + ", trap at " + (deepest + 1) + " (" + trap.trap() + ")");
                }
            }
            return out;
        });
        assertEquals(2 * REPETITIONS, runs.size());
        assertEquals(1, runs.stream().filter(s -> s.startsWith("interpreted")).distinct().count(), runs.toString());
        assertEquals(1, runs.stream().filter(s -> s.startsWith("compiled")).distinct().count(), runs.toString());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shouldLeaveTheStackHeightAtZeroAfterAReturn(boolean compiled) {
        WasmModule module = parse(Instrumenter.instrument(wasm("recursive"), 65_536, true));
        Function<Instance, Machine> machines = compiled ? TestModules.compiler(module) : null;
        long height = onBigStack(() -> {
            Instance instance = compiled ? TestModules.compiled(module, machines) : TestModules.interpreted(module);
            assertEquals(1000, instance.export("f").apply(1000)[0]);
            // the stack height global is the only global, index 0
            return instance.global(0).getValue();
        });
        assertEquals(0, height);
    }

    private static Outcome call(WasmModule module, Function<Instance, Machine> machines, boolean compiled, long n) {
        // a fresh instance per call: after a trap the height global is not restored (as in the reference)
        Instance instance = compiled ? TestModules.compiled(module, machines) : TestModules.interpreted(module);
        return Outcome.of(() -> instance.export("f").apply(n));
    }
}
