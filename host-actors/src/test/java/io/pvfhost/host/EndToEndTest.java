package io.pvfhost.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pvfhost.common.error.ValidationOutcome;
import io.pvfhost.common.types.ValidationParams;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Real PVFs through the actors and real worker subprocesses. */
class EndToEndTest {
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

    static ValidationOutcome execute(byte[] code, byte[] params, ExecKind kind, Duration timeout) throws Exception {
        return host.executePvf(Pvf.of(code), ValidationParams.decode(params), kind, timeout)
                .toCompletableFuture().get(120, TimeUnit.SECONDS);
    }

    @ParameterizedTest(name = "{0} on the {1} vector")
    @CsvSource({
        "adder/kagome-adder.code, gossamer",
        "adder/kagome-adder.code, genesis",
        "adder/gossamer-adder.code, gossamer",
        "adder/gossamer-adder.code, genesis",
    })
    void shouldReturnExpectedResultBytesForRealAdders(String code, String vector) throws Exception {
        byte[] expected = TestData.corpusHex("adder/adder_" + vector + ".expected_output.hex");
        var outcome = execute(TestData.corpusFile(code), TestData.corpusHex("adder/adder_" + vector + ".params.hex"),
                ExecKind.BACKING, null);
        var valid = assertInstanceOf(ValidationOutcome.Valid.class, outcome, () -> "outcome: " + outcome);
        assertArrayEquals(expected, valid.resultBytes());
    }

    @Test
    void shouldReportStateMismatchAsInvalid() throws Exception {
        var outcome = execute(TestData.corpusFile("adder/kagome-adder.code"),
                TestData.corpusHex("adder/adder_badstate.params.hex"), ExecKind.BACKING, null);
        var invalid = assertInstanceOf(ValidationOutcome.Invalid.class, outcome, () -> "outcome: " + outcome);
        assertEquals(ValidationOutcome.InvalidKind.WorkerReportedInvalid, invalid.kind());
        assertTrue(invalid.detail().contains("StateMismatch"), invalid.detail());
    }

    @Test
    void shouldRunCallbacksOnItsCallbackThreadsAndStartNoThreadPerRequest() throws Exception {
        byte[] code = TestData.ownPvf("adder.wasm");
        byte[] params = TestData.corpusHex("adder/adder_genesis.params.hex");
        execute(code, params, ExecKind.BACKING, null); // prepared, a worker up
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long started = threads.getTotalStartedThreadCount();
        int requests = 200;
        for (int i = 0; i < requests; i++) {
            assertInstanceOf(ValidationOutcome.Valid.class, execute(code, params, ExecKind.BACKING, null));
        }
        long perRequest = threads.getTotalStartedThreadCount() - started;
        // Akka's ask answered through the JDK's default async executor: a new thread per request on two cores
        assertTrue(perRequest < requests / 4, perRequest + " threads started for " + requests + " requests");

        var pvf = Pvf.of(code);
        var p = ValidationParams.decode(params);
        String plain = host.executePvf(pvf, p, ExecKind.BACKING, null).thenApply(o -> Thread.currentThread().getName())
                .get(120, TimeUnit.SECONDS);
        String async = host.executePvf(pvf, p, ExecKind.BACKING, null).thenApplyAsync(o -> Thread.currentThread().getName())
                .thenApply(n -> n + " " + Thread.currentThread().getName()).get(120, TimeUnit.SECONDS);
        assertTrue(plain.startsWith("pvf-host-callbacks-"), plain);
        assertTrue(async.matches("pvf-host-callbacks-\\d+ pvf-host-callbacks-\\d+"), async);
        // futures that are not the host's but wait on its futures: completed on its callback threads
        // too. Each on a PVF not prepared yet, so the callback is registered long before the answer.
        var any = new ValidationParams(new byte[0], new byte[0], 1, new byte[32]);
        String all = java.util.concurrent.CompletableFuture.allOf(host.executePvf(Pvf.of(TestData.ownPvf("nan.wasm")), any,
                ExecKind.BACKING, null)).thenApply(v -> Thread.currentThread().getName()).get(120, TimeUnit.SECONDS);
        var gate = new java.util.concurrent.CompletableFuture<String>();
        Pvf fresh = Pvf.of(TestData.ownPvf("fresh.wasm"));
        var composed = gate.thenCompose(x -> host.executePvf(fresh, any, ExecKind.BACKING, null))
                .thenApply(o -> Thread.currentThread().getName());
        gate.complete("x");
        String minimal = host.executePvf(Pvf.of(TestData.ownPvf("bigmem.wasm")), any, ExecKind.BACKING, null)
                .minimalCompletionStage().thenApply(o -> Thread.currentThread().getName()).toCompletableFuture()
                .get(120, TimeUnit.SECONDS);
        for (String name : new String[] {all, composed.get(120, TimeUnit.SECONDS), minimal}) {
            assertTrue(name.startsWith("pvf-host-callbacks-"), name);
        }
    }

    @Test
    void ourAdderShouldMatchTheRealOne() throws Exception {
        for (String vector : new String[] {"gossamer", "genesis"}) {
            var outcome = execute(TestData.ownPvf("adder.wasm"), TestData.corpusHex("adder/adder_" + vector + ".params.hex"),
                    ExecKind.APPROVAL, null);
            var valid = assertInstanceOf(ValidationOutcome.Valid.class, outcome, () -> "outcome: " + outcome);
            assertArrayEquals(TestData.corpusHex("adder/adder_" + vector + ".expected_output.hex"), valid.resultBytes());
        }
    }

    @Test
    void shouldEndAnEndlessLoopWithATimeoutAndKeepServing() throws Exception {
        byte[] params = TestData.corpusHex("adder/adder_genesis.params.hex");
        // warm: preparation is not part of the measured execution
        assertInstanceOf(PrecheckOutcome.Valid.class,
                host.precheckPvf(Pvf.of(TestData.ownPvf("halt.wasm"))).toCompletableFuture().get(60, TimeUnit.SECONDS));
        Duration timeout = Duration.ofSeconds(1);
        long start = System.nanoTime();
        var outcome = execute(TestData.ownPvf("halt.wasm"), params, ExecKind.BACKING, timeout);
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        var invalid = assertInstanceOf(ValidationOutcome.Invalid.class, outcome, () -> "outcome: " + outcome);
        assertEquals(ValidationOutcome.InvalidKind.HardTimeout, invalid.kind());
        assertTrue(elapsedMs >= timeout.toMillis(), "ended after " + elapsedMs + " ms");
        assertTrue(elapsedMs < 4 * timeout.toMillis(), "ended after " + elapsedMs + " ms, beyond 4x the timeout");
        var next = execute(TestData.ownPvf("adder.wasm"), params, ExecKind.BACKING, null);
        assertInstanceOf(ValidationOutcome.Valid.class, next, () -> "outcome after the timeout: " + next);
    }
}
