package io.pvfhost.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pvfhost.common.error.ValidationOutcome;
import io.pvfhost.common.params.ExecutorParam;
import io.pvfhost.common.params.ExecutorParams;
import io.pvfhost.common.types.ValidationParams;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Determinism through real workers: the stack limit traps at the same depth on every run and in
 * every worker, NaN results have the same bits every time, and so do calls into the interpreter.
 */
class DeterminismTest {
    static final int RUNS = 20;

    @TempDir
    static Path cache;
    static ValidationHost host;

    @BeforeAll
    static void start() {
        host = ValidationHost.start(TestData.config(cache, "pvf.host.execute.workers-max = 2"));
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    static ValidationOutcome recurse(Pvf pvf, long depth) throws Exception {
        return host.executePvf(pvf, new ValidationParams(new byte[0], new byte[0], depth, new byte[32]), ExecKind.BACKING,
                Duration.ofSeconds(10)).toCompletableFuture().get(2, TimeUnit.MINUTES);
    }

    /**
     * f costs 5 per activation (see RecursionDepthTest for the hand computation) and validate_block
     * a few units, so the deepest n lies just under (L - 5) / 5. The first n from there down that
     * returns is the limit; it and n + 1 must then give the same verdicts on every run.
     */
    @ParameterizedTest(name = "logical stack limit {0}")
    @ValueSource(longs = {65_536, 1_000})
    void deepRecursionShouldTrapAtTheSameDepthEveryTime(long limit) throws Exception {
        ExecutorParams params = limit == ExecutorParams.DEFAULT_STACK_LOGICAL_MAX
                ? ExecutorParams.DEFAULT : new ExecutorParams(List.of(new ExecutorParam.StackLogicalMax(limit)));
        Pvf pvf = Pvf.of(TestData.ownPvf("recurse.wasm"), params);
        long deepest = -1;
        for (long n = (limit - 5) / 5; n >= (limit - 5) / 5 - 5; n--) {
            if (recurse(pvf, n) instanceof ValidationOutcome.Valid) {
                deepest = n;
                break;
            }
        }
        assertTrue(deepest > 0, "no depth near the limit returned");
        // validate_block's own cost is what separates the limit from (L - 5) / 5
        assertTrue((limit - 5) / 5 - deepest <= 3, "deepest " + deepest + " is too far below " + (limit - 5) / 5);
        for (int i = 0; i < RUNS; i++) {
            var ok = recurse(pvf, deepest);
            assertInstanceOf(ValidationOutcome.Valid.class, ok, () -> "depth " + " run: " + ok);
            var trap = recurse(pvf, deepest + 1);
            var invalid = assertInstanceOf(ValidationOutcome.Invalid.class, trap, () -> "one deeper: " + trap);
            assertTrue(invalid.detail().contains("unreachable"), invalid.detail());
        }
    }

    @Test
    void nanResultsShouldHaveTheCanonicalBitsEveryTime() throws Exception {
        Pvf pvf = Pvf.of(TestData.ownPvf("nan.wasm"));
        ByteBuffer expected = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
        expected.putInt(0x7fc00000).putInt(0x7fc00000).putLong(0x7ff8000000000000L).putLong(0x7ff8000000000000L)
                .putInt(0x7fc00000).putLong(0x7ff8000000000000L).putInt(0x7fc00000).putLong(0x7ff8000000000000L);
        byte[] first = null;
        for (int i = 0; i < RUNS; i++) {
            var outcome = host.executePvf(pvf, new ValidationParams(new byte[0], new byte[0], 1, new byte[32]),
                    ExecKind.BACKING, null).toCompletableFuture().get(2, TimeUnit.MINUTES);
            var valid = assertInstanceOf(ValidationOutcome.Valid.class, outcome, () -> "outcome: " + outcome);
            assertArrayEquals(expected.array(), valid.result().headData());
            if (first == null) {
                first = valid.resultBytes();
            }
            assertArrayEquals(first, valid.resultBytes());
        }
        assertEquals(60, first.length);
    }

    /**
     * A call that enters Chicory's interpreter (the training module's validate_block calls its one
     * function too big for a JVM method): a worker's first call decodes the interpreted bodies it
     * loaded stubbed, later calls in the same worker use the whole module; every run gives the
     * interpreter's own answer.
     */
    @Test
    void callsIntoTheInterpreterShouldGiveTheSameResultEveryTime() throws Exception {
        byte[] wasm = io.pvfhost.worker.TrainingModule.bytes();
        var plain = com.dylibso.chicory.runtime.Instance.builder(com.dylibso.chicory.wasm.Parser.parse(wasm)).build();
        byte[] expected = io.pvfhost.worker.TrainingModule.validateBlockResult((int) plain.export("big").apply(7)[0]);
        byte[] head = java.util.Arrays.copyOfRange(expected, 1, 5);
        Pvf pvf = Pvf.of(wasm);
        for (int i = 0; i < RUNS; i++) {
            var outcome = host.executePvf(pvf, new ValidationParams(new byte[0], new byte[0], 1, new byte[32]),
                    ExecKind.BACKING, null).toCompletableFuture().get(2, TimeUnit.MINUTES);
            var valid = assertInstanceOf(ValidationOutcome.Valid.class, outcome, () -> "outcome: " + outcome);
            assertArrayEquals(head, valid.result().headData(), "run " + i);
        }
    }

    /**
     * An execute worker reuses wasm memory pages between executions: pvfs/fresh.wasm reports what
     * its memory held before it wrote to every page, so each run must see a zeroed memory of 17 pages.
     */
    @Test
    void everyExecutionShouldStartOnAFreshMemory() throws Exception {
        Pvf pvf = Pvf.of(TestData.ownPvf("fresh.wasm"));
        byte[] expected = new byte[12];
        expected[8] = 17; // an i64 0 (nothing seen), then the i32 17 (pages found)
        for (int i = 0; i < RUNS; i++) {
            var outcome = host.executePvf(pvf, new ValidationParams(new byte[0], new byte[0], 1, new byte[32]),
                    ExecKind.BACKING, null).toCompletableFuture().get(2, TimeUnit.MINUTES);
            var valid = assertInstanceOf(ValidationOutcome.Valid.class, outcome, () -> "outcome: " + outcome);
            assertArrayEquals(expected, valid.result().headData(), "run " + i);
        }
    }
}
