package io.pvfhost.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pvfhost.common.blob.MaybeCompressed;
import io.pvfhost.common.error.ValidationOutcome;
import io.pvfhost.common.types.ValidationParams;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The execution contract (reference sections 5 and 7) with real workers. */
class ExecutionContractTest {
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

    static ValidationOutcome run(String pvf, ValidationParams params) throws Exception {
        return host.executePvf(Pvf.of(TestData.ownPvf(pvf)), params, ExecKind.BACKING, Duration.ofSeconds(10))
                .toCompletableFuture().get(2, TimeUnit.MINUTES);
    }

    static ValidationParams params(long relayParent) {
        return new ValidationParams(new byte[0], new byte[0], relayParent, new byte[32]);
    }

    static ValidationParams genesis() throws Exception {
        return ValidationParams.decode(TestData.corpusHex("adder/adder_genesis.params.hex"));
    }

    static void assertHealthy() throws Exception {
        var next = run("adder.wasm", genesis());
        assertInstanceOf(ValidationOutcome.Valid.class, next, () -> "next request: " + next);
    }

    @Test
    void memoryGrowthPastTheLimitShouldTrapAndNotHarmTheWorker() throws Exception {
        var outcome = run("grow.wasm", params(1));
        var invalid = assertInstanceOf(ValidationOutcome.Invalid.class, outcome, () -> "outcome: " + outcome);
        assertEquals(ValidationOutcome.InvalidKind.WorkerReportedInvalid, invalid.kind());
        assertTrue(invalid.detail().toLowerCase().contains("out of bounds"), invalid.detail());
        assertHealthy();
    }

    @Test
    void exhaustingTheAllocatorShouldTrap() throws Exception {
        var outcome = run("allocbomb.wasm", params(1));
        var invalid = assertInstanceOf(ValidationOutcome.Invalid.class, outcome, () -> "outcome: " + outcome);
        assertTrue(invalid.detail().contains("Allocator ran out of space"), invalid.detail());
        assertHealthy();
    }

    @ParameterizedTest(name = "bad result case {0}")
    @ValueSource(ints = {1, 3})
    void resultsOutOfBoundsOrMalformedShouldBeInvalid(int kase) throws Exception {
        var outcome = run("badresult.wasm", params(kase));
        var invalid = assertInstanceOf(ValidationOutcome.Invalid.class, outcome, () -> "outcome: " + outcome);
        assertEquals(ValidationOutcome.InvalidKind.WorkerReportedInvalid, invalid.kind());
    }

    /** The reference decodes the result with Decode::decode: bytes after it are ignored, the result is the prefix. */
    @Test
    void bytesAfterTheResultShouldBeIgnoredAsTheReferenceDoes() throws Exception {
        var outcome = run("badresult.wasm", params(2));
        var valid = assertInstanceOf(ValidationOutcome.Valid.class, outcome, () -> "outcome: " + outcome);
        assertArrayEquals(new byte[12], valid.resultBytes(), "the 12 bytes of the empty result, without the trailing one");
    }

    @Test
    void compressedBlockDataShouldBeDecompressedForTheRuntime() throws Exception {
        ValidationParams p = genesis();
        ValidationParams compressed = new ValidationParams(p.parentHead(), MaybeCompressed.compress(p.blockData(), 3),
                p.relayParentNumber(), p.relayParentStorageRoot());
        var outcome = run("adder.wasm", compressed);
        var valid = assertInstanceOf(ValidationOutcome.Valid.class, outcome, () -> "outcome: " + outcome);
        assertArrayEquals(TestData.corpusHex("adder/adder_genesis.expected_output.hex"), valid.resultBytes());
    }

    @Test
    void aPovBombShouldBeAnInvalidCandidate() throws Exception {
        ValidationParams p = genesis();
        byte[] bomb = MaybeCompressed.compress(new byte[41 << 20], 3);
        var outcome = run("adder.wasm", new ValidationParams(p.parentHead(), bomb, p.relayParentNumber(), p.relayParentStorageRoot()));
        var invalid = assertInstanceOf(ValidationOutcome.Invalid.class, outcome, () -> "outcome: " + outcome);
        assertEquals(ValidationOutcome.InvalidKind.PoVDecompressionFailure, invalid.kind());
    }

    @Test
    void theSameInputsShouldGiveTheSameBytesInEveryWorker() throws Exception {
        byte[] expected = TestData.corpusHex("adder/adder_genesis.expected_output.hex");
        List<CompletableFuture<ValidationOutcome>> all = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            all.add(host.executePvf(Pvf.of(TestData.ownPvf("adder.wasm")), genesis(), ExecKind.BACKING, null).toCompletableFuture());
        }
        for (var f : all) {
            var outcome = f.get(2, TimeUnit.MINUTES);
            var valid = assertInstanceOf(ValidationOutcome.Valid.class, outcome, () -> "outcome: " + outcome);
            assertArrayEquals(expected, valid.resultBytes());
        }
    }

    // the edges where a host could part from the reference's verdict (edges.wat, heap64.wat, bigmem.wat)

    @Test
    void aLogTargetThatIsNotUtf8ShouldTrapAndAValidOneNot() throws Exception {
        var outcome = run("edges.wasm", params(1));
        var invalid = assertInstanceOf(ValidationOutcome.Invalid.class, outcome, () -> "outcome: " + outcome);
        assertTrue(invalid.detail().contains("invalid UTF-8"), invalid.detail());
        assertInstanceOf(ValidationOutcome.Valid.class, run("edges.wasm", params(3)));
        assertInstanceOf(ValidationOutcome.Valid.class, run("edges.wasm", params(0)));
    }

    @Test
    void aResultLargerThanAReplyCarriesShouldBeInvalidNotAnInternalError() throws Exception {
        var outcome = run("edges.wasm", params(2));
        var invalid = assertInstanceOf(ValidationOutcome.Invalid.class, outcome, () -> "outcome: " + outcome);
        assertTrue(invalid.detail().contains("a result of 68157713 bytes, more than the limit"), invalid.detail());
        assertHealthy();
    }

    @Test
    void aLogLevelOverTraceShouldTrap() throws Exception {
        var outcome = run("edges.wasm", params(4));
        var invalid = assertInstanceOf(ValidationOutcome.Invalid.class, outcome, () -> "outcome: " + outcome);
        assertTrue(invalid.detail().contains("invalid log level 5"), invalid.detail());
    }

    @Test
    void aMemoryNotExportedAsMemoryOrNoValidateBlockShouldMakeTheCandidateInvalid() throws Exception {
        for (String pvf : new String[] {"nomemexport.wasm", "novalidate.wasm"}) {
            var outcome = run(pvf, params(0));
            var invalid = assertInstanceOf(ValidationOutcome.Invalid.class, outcome, () -> pvf + ": " + outcome);
            assertTrue(invalid.detail().contains(pvf.startsWith("nomem") ? "`memory`" : "validate_block"), invalid.detail());
        }
    }

    /** The reference's instantiation and linking errors are runtime construction errors (possibly invalid), not verdicts. */
    @ParameterizedTest
    @ValueSource(strings = {"badsegment.wasm", "dupimport.wasm"})
    void aDataSegmentOutOfBoundsOrAMissingImportWithTwoTypesShouldBeARuntimeConstructionError(String pvf) throws Exception {
        var outcome = run(pvf, params(0));
        var possibly = assertInstanceOf(ValidationOutcome.PossiblyInvalid.class, outcome, () -> "outcome: " + outcome);
        assertEquals(ValidationOutcome.PossiblyInvalidKind.RuntimeConstruction, possibly.kind());
        assertHealthy();
    }

    @Test
    void anI64HeapBaseShouldMakeTheCandidateInvalid() throws Exception {
        var outcome = run("heap64.wasm", params(0));
        var invalid = assertInstanceOf(ValidationOutcome.Invalid.class, outcome, () -> "outcome: " + outcome);
        assertTrue(invalid.detail().contains("__heap_base"), invalid.detail());
    }

    @Test
    void aMemoryAskingForMoreInitialPagesThanTheMaximumShouldRunWithTheMaximum() throws Exception {
        var outcome = run("bigmem.wasm", params(0));
        assertInstanceOf(ValidationOutcome.Valid.class, outcome, () -> "outcome: " + outcome);
    }
}
