package io.pvfhost.worker.prepare.instrument;

import static io.pvfhost.worker.prepare.instrument.TestModules.parse;
import static io.pvfhost.worker.prepare.instrument.TestModules.wasm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** NaN results of the operations Cranelift canonicalises come out as the canonical NaN. */
class NanCanonicalizationTest {
    private static final long F32_NAN = 0x7FC0_0000L;
    private static final long F64_NAN = 0x7FF8_0000_0000_0000L;
    /** Signalling / payload-carrying / negative NaN inputs. */
    private static final long F32_PAYLOAD_NAN = 0xFFA0_0001L;
    private static final long F64_PAYLOAD_NAN = 0xFFF4_0000_0000_0001L;
    private static final long F32_ONE = Float.floatToRawIntBits(1f);
    private static final long F64_ONE = Double.doubleToRawLongBits(1d);

    private static final WasmModule ORIGINAL = parse(wasm("nan"));
    private static final WasmModule INSTRUMENTED = parse(Instrumenter.instrument(wasm("nan"), 65_536, true));

    /** name, args -> expected bits after canonicalisation (i32 results as unsigned). */
    private static Map<String, long[]> nanCases() {
        Map<String, long[]> cases = new LinkedHashMap<>();
        cases.put("f32_zero_div_zero", new long[] {F32_NAN});
        cases.put("f64_zero_div_zero", new long[] {F64_NAN});
        cases.put("f32_sqrt_minus_one", new long[] {F32_NAN});
        cases.put("f64_sqrt_minus_one", new long[] {F64_NAN});
        cases.put("f32_add_bits", new long[] {F32_NAN, F32_PAYLOAD_NAN, F32_ONE});
        cases.put("f64_mul_bits", new long[] {F64_NAN, F64_ONE, F64_PAYLOAD_NAN});
        cases.put("f32_min_bits", new long[] {F32_NAN, F32_PAYLOAD_NAN, F32_ONE});
        cases.put("f64_max_bits", new long[] {F64_NAN, F64_PAYLOAD_NAN, F64_ONE});
        cases.put("f32_nearest_bits", new long[] {F32_NAN, F32_PAYLOAD_NAN});
        cases.put("f64_floor_bits", new long[] {F64_NAN, F64_PAYLOAD_NAN});
        cases.put("demote_bits", new long[] {F32_NAN, F64_PAYLOAD_NAN});
        cases.put("promote_bits", new long[] {F64_NAN, F32_PAYLOAD_NAN});
        return cases;
    }

    @Test
    void shouldReturnExactlyTheCanonicalNanInterpretedAndCompiled() {
        Function<Instance, Machine> machines = TestModules.compiler(INSTRUMENTED);
        List<String> seen = new ArrayList<>();
        for (int run = 0; run < 20; run++) {
            for (boolean compiled : new boolean[] {false, true}) {
                Instance instance = compiled ? TestModules.compiled(INSTRUMENTED, machines) : TestModules.interpreted(INSTRUMENTED);
                StringBuilder line = new StringBuilder(compiled ? "compiled" : "interpreted");
                for (Map.Entry<String, long[]> c : nanCases().entrySet()) {
                    long[] v = c.getValue();
                    long[] args = java.util.Arrays.copyOfRange(v, 1, v.length);
                    long bits = bits(instance.export(c.getKey()).apply(args)[0], v[0]);
                    assertEquals(v[0], bits, c.getKey() + " (" + (compiled ? "compiled" : "interpreted")
                            + "): got 0x" + Long.toHexString(bits));
                    line.append(' ').append(Long.toHexString(bits));
                }
                seen.add(line.toString());
            }
        }
        assertEquals(2, seen.stream().distinct().count(), "identical bits in every run of each mode");
    }

    @Test
    void shouldLeaveNonNanResultsUnchanged() {
        float[] floats = {1.5f, -2.25f, 0f, -0f, Float.MIN_VALUE, Float.MAX_VALUE, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, 3.4999f, 1e-40f};
        double[] doubles = {1.5, -2.25, 0d, -0d, Double.MIN_VALUE, Double.MAX_VALUE, Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY, 2.5000001, 1e-310};
        Instance before = TestModules.interpreted(ORIGINAL);
        Instance after = TestModules.interpreted(INSTRUMENTED);
        int compared = 0;
        for (float a : floats) {
            for (float b : floats) {
                long x = Float.floatToRawIntBits(a) & 0xFFFF_FFFFL;
                long y = Float.floatToRawIntBits(b) & 0xFFFF_FFFFL;
                for (String f : List.of("f32_add_bits", "f32_min_bits")) {
                    long expected = before.export(f).apply(x, y)[0];
                    if (!Float.isNaN(Float.intBitsToFloat((int) expected))) {
                        assertEquals(expected, after.export(f).apply(x, y)[0], f + "(" + a + ", " + b + ")");
                        compared++;
                    }
                }
                assertEquals(before.export("f32_nearest_bits").apply(x)[0], after.export("f32_nearest_bits").apply(x)[0]);
                assertEquals(before.export("promote_bits").apply(x)[0], after.export("promote_bits").apply(x)[0]);
            }
        }
        for (double a : doubles) {
            for (double b : doubles) {
                long x = Double.doubleToRawLongBits(a);
                long y = Double.doubleToRawLongBits(b);
                for (String f : List.of("f64_mul_bits", "f64_max_bits")) {
                    long expected = before.export(f).apply(x, y)[0];
                    if (!Double.isNaN(Double.longBitsToDouble(expected))) {
                        assertEquals(expected, after.export(f).apply(x, y)[0], f + "(" + a + ", " + b + ")");
                        compared++;
                    }
                }
                assertEquals(before.export("f64_floor_bits").apply(x)[0], after.export("f64_floor_bits").apply(x)[0]);
                assertEquals(before.export("demote_bits").apply(x)[0], after.export("demote_bits").apply(x)[0]);
            }
        }
        assertNotEquals(0, compared);
        // params, declared locals and both scratch locals in one function: 1.5 / 1.5 promoted + 2.25
        long d = after.export("mixed").apply(Float.floatToRawIntBits(1.5f) & 0xFFFF_FFFFL, Double.doubleToRawLongBits(2.25))[0];
        assertEquals(Double.doubleToRawLongBits(3.25) + 7, d);
        long nan = after.export("mixed").apply(Float.floatToRawIntBits(0f), Double.doubleToRawLongBits(2.25))[0];
        assertEquals(F64_NAN + 7, nan);
    }

    @Test
    void shouldNotCanonicaliseSignBitOperations() {
        // neg, abs, copysign only touch the sign bit (IEEE 754): Cranelift leaves them alone
        for (String f : List.of("f32_neg_bits", "f64_abs_bits", "f32_copysign_bits")) {
            int defined = definedIndex(ORIGINAL, f);
            assertEquals(TestModules.body(ORIGINAL, defined), TestModules.body(INSTRUMENTED, defined), f);
        }
        int add = definedIndex(ORIGINAL, "f32_add_bits");
        List<String> tail = TestModules.body(INSTRUMENTED, add).stream().map(Object::toString).toList();
        // f32.add, then: local.set t; f32.const canonical; local.get t x3; f32.ne; select
        // (Chicory's parser annotates select with an operand 0)
        int at = tail.indexOf("F32_ADD");
        assertEquals(List.of("F32_ADD", "LOCAL_SET [2]", "F32_CONST [" + F32_NAN + "]", "LOCAL_GET [2]",
                "LOCAL_GET [2]", "LOCAL_GET [2]", "F32_NE", "SELECT [0]"), tail.subList(at, at + 8));
        assertEquals(List.of(com.dylibso.chicory.wasm.types.ValType.F32),
                INSTRUMENTED.codeSection().getFunctionBody(add).localTypes());
    }

    @Test
    void shouldNotChangeStackCostsByCanonicalising() {
        byte[] withNans = Instrumenter.instrument(wasm("nan"), 65_536, true);
        byte[] without = Instrumenter.instrument(wasm("nan"), 65_536, false);
        // the thunk bodies carry the callees' costs: identical with and without canonicalisation
        WasmModule a = parse(withNans);
        WasmModule b = parse(without);
        int n = a.functionSection().functionCount();
        assertEquals(n, b.functionSection().functionCount());
        int originals = ORIGINAL.functionSection().functionCount();
        for (int i = originals; i < n; i++) {
            assertEquals(TestModules.body(b, i), TestModules.body(a, i), "thunk " + i);
        }
        // without canonicalisation (and with no calls to meter) the original bodies are untouched
        for (int i = 0; i < originals; i++) {
            assertEquals(TestModules.body(ORIGINAL, i), TestModules.body(b, i), "function " + i);
        }
    }

    private static long bits(long raw, long expectedShape) {
        return expectedShape <= 0xFFFF_FFFFL ? raw & 0xFFFF_FFFFL : raw;
    }

    private static int definedIndex(WasmModule m, String export) {
        for (int i = 0; i < m.exportSection().exportCount(); i++) {
            if (m.exportSection().getExport(i).name().equals(export)) {
                return m.exportSection().getExport(i).index();
            }
        }
        throw new IllegalArgumentException(export);
    }
}
