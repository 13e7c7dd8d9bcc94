package io.pvfhost.worker.prepare.instrument;

import static io.pvfhost.worker.prepare.instrument.TestModules.assertSameModule;
import static io.pvfhost.worker.prepare.instrument.TestModules.parse;
import static io.pvfhost.worker.prepare.instrument.TestModules.wasm;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.wasm.WasmModule;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Stack costs (declared locals + maximal stack height) checked against values computed by hand
 * from the rules of wasm-instrument v0.3.0 {@code src/stack_limiter/max_height.rs}, and the
 * instrumented output checked against the expectations of its {@code tests/diff.rs}.
 */
class StackCostTest {

    private static long[] costs(String name) {
        return ModuleRewriter.stackCosts(wasm(name), WasmFeatures.DEFAULT);
    }

    @Test
    void shouldComputeTheCostsOfMaxHeightRsTests() {
        long[] c = costs("costs");
        // heights are sampled before each instruction, starting from ACTIVATION_FRAME_COST = 2
        assertEquals(3 + 2, c[0], "simple_test: three constants pushed");
        assertEquals(1 + 2, c[1], "implicit_and_explicit_return");
        assertEquals(2, c[2], "dont_count_in_unreachable");
        assertEquals(2 + 2, c[3], "yet_another_test: nothing counted after unreachable");
        assertEquals(1 + 2, c[4], "call_indirect: the table index only, the callee is not counted");
        assertEquals(1 + 2, c[5], "breaks");
        assertEquals(3 + 2, c[6], "if_else_works");
    }

    @Test
    void shouldComputeFurtherCostsByHand() {
        long[] c = costs("costs");
        // 7 callee: i64.const at 2 -> 3; drop at 3: max 3
        assertEquals(3, c[7]);
        // 8: 3 declared locals (i64 i64 f32), parameters not counted; nop at height 2
        assertEquals(3 + 2, c[8]);
        // 9: local.get 2->3; if at 3 pops to 2; then: const 2->3; else at 3 (no reset);
        //    const at 3->4; const at 4->5; i32.add at 5: max 5 (4 if else reset the height)
        assertEquals(5, c[9]);
        // 10: local.get 2->3; if at 3 -> 2; unreachable; the else-branch stays polymorphic, so its
        //     four constants (up to 6) are not counted: max 3
        assertEquals(3, c[10]);
        // 11: const 2->3, const 3->4, call at 4 pops 2 pushes 1 -> 3, const 3->4, add at 4: max 4
        assertEquals(4, c[11]);
        // 12: local.get 2->3, end at 3
        assertEquals(3, c[12]);
        // 13: block; const 2->3; const 3->4; br_if at 4 pops 1+1 pushes 1 -> 3; const 3->4;
        //     const 4->5; select at 5: max 5
        assertEquals(5, c[13]);
        // 14: loop (branch arity 0); const 2->3; br_if at 3 pops the condition -> 2; const 2->3;
        //     end at 3: max 3
        assertEquals(3, c[14]);
    }

    @Test
    void shouldCostTheRecursiveFunctionFive() {
        // local.get 2->3; i32.eqz 3; if at 3 pops to 2 (frame start 2); i32.const 2->3; else at 3
        // (height kept); local.get 3->4; i32.const 4->5; i32.sub at 5 -> 4; call at 4 (pop 1,
        // push 1) -> 4; i32.const 4->5; i32.add at 5 -> 4; end at 4 -> 3; end at 3. Max 5, no locals.
        assertArrayEquals(new long[] {5}, costs("recursive"));
    }

    @Test
    void shouldGiveImportsCostZero() {
        long[] c = costs("ported/imports");
        assertEquals(0, c[0]);
        assertEquals(0, c[1]);
        assertEquals(4, c[2]);
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple", "start", "table", "global", "imports", "many_locals", "empty_functions"})
    void shouldInstrumentLikeWasmInstrumentDiffTests(String name) {
        byte[] actual = Instrumenter.instrument(wasm("ported/" + name), 1024, false);
        WasmModule expected = parse(wasm("ported/" + name + ".expected"));
        assertSameModule(expected, parse(actual));
    }

    @Test
    void shouldEmitTheExactInstrumentationSequence() {
        byte[] out = Instrumenter.instrument(wasm("ported/many_locals"), 1024, false);
        WasmModule m = parse(out);
        assertEquals(List.of(
                "GLOBAL_GET [0]", "I32_CONST [5]", "I32_ADD", "GLOBAL_SET [0]",
                "GLOBAL_GET [0]", "I32_CONST [1024]", "I32_GT_U", "IF [64]", "UNREACHABLE", "END",
                "CALL [0]",
                "GLOBAL_GET [0]", "I32_CONST [5]", "I32_SUB", "GLOBAL_SET [0]", "END"),
                TestModules.body(m, 1).stream().map(Object::toString).toList());
    }

    @Test
    void shouldEncodeALimitAboveTwoToThe31AsANegativeConstant() {
        // `$stack_limit as i32`: the comparison is unsigned, so the limit still works
        byte[] out = Instrumenter.instrument(wasm("ported/many_locals"), 0xFFFF_FFF0L, false);
        assertTrue(TestModules.body(parse(out), 1).stream()
                .anyMatch(op -> op.opcode().equals("I32_CONST") && op.operands().get(0) == -16L));
    }

    @Test
    void shouldRejectALimitThatIsNotAU32() {
        assertThrows(IllegalArgumentException.class, () -> Instrumenter.instrument(wasm("ported/simple"), -1, false));
        assertThrows(IllegalArgumentException.class, () -> Instrumenter.instrument(wasm("ported/simple"), 1L << 32, false));
    }

    @Test
    void shouldAddTheStackGlobalWhenTheModuleHasNoGlobalSection() {
        WasmModule m = parse(Instrumenter.instrument(wasm("recursive"), 100, false));
        assertEquals(1, m.globalSection().globalCount());
        // the export now points to the thunk (function 1), which calls f (function 0)
        assertEquals(1, m.exportSection().getExport(0).index());
        assertTrue(TestModules.body(m, 1).stream().anyMatch(op -> op.toString().equals("CALL [0]")));
    }
}
