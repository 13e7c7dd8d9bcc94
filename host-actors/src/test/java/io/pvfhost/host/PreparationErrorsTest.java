package io.pvfhost.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pvfhost.artifacts.ArtifactContent;
import io.pvfhost.artifacts.ArtifactFile;
import io.pvfhost.artifacts.ArtifactId;
import io.pvfhost.common.blob.MaybeCompressed;
import io.pvfhost.common.error.PrepareError;
import io.pvfhost.common.error.ValidationOutcome;
import io.pvfhost.common.params.ExecutorParam;
import io.pvfhost.common.params.ExecutorParams;
import io.pvfhost.common.types.ValidationParams;
import io.pvfhost.worker.testing.TinyWasm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Preparation through real prepare workers: typed errors, error artifacts, re-preparation. */
class PreparationErrorsTest {
    @TempDir
    Path cache;

    /** A host whose workers cannot start: whatever it answers, it did not prepare anything. */
    static final String NO_WORKERS = "pvf.host.worker.main-class = \"io.pvfhost.host.FakeWorker\"\n"
            + "pvf.host.worker.jvm-options = [\"-Dfake.mode=exit\"]\n";

    static PrecheckOutcome precheck(ValidationHost host, byte[] code) throws Exception {
        return host.precheckPvf(Pvf.of(code)).toCompletableFuture().get(2, TimeUnit.MINUTES);
    }

    static Stream<Arguments> badCode() throws Exception {
        byte[] adder = TestData.ownPvf("adder.wasm");
        byte[] compressed = MaybeCompressed.compress(adder, 3);
        return Stream.of(
                Arguments.of("corrupt zstd", Arrays.copyOf(compressed, compressed.length - 4), PrepareError.Kind.COULD_NOT_DECOMPRESS_CODE_BLOB),
                Arguments.of("malformed wasm", new byte[] {0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0x7f}, PrepareError.Kind.PREVALIDATION),
                Arguments.of("invalid wasm", TinyWasm.invalid(), PrepareError.Kind.PREVALIDATION),
                Arguments.of("no memory (the reference: no memory section found)", TinyWasm.noMemory(), PrepareError.Kind.PREPARATION),
                Arguments.of("50 001 locals (over wasmparser's limit)", TinyWasm.withLocals(50_001), PrepareError.Kind.PREVALIDATION),
                Arguments.of("a body without its final end", TinyWasm.noFinalEnd(), PrepareError.Kind.PREVALIDATION),
                Arguments.of("import from another module", TinyWasm.importingFrom("wasi", "fd_write"), PrepareError.Kind.PREVALIDATION),
                Arguments.of("two memories", TinyWasm.twoMemories(), PrepareError.Kind.PREVALIDATION),
                Arguments.of("disabled feature (SIMD)", TinyWasm.simd(), PrepareError.Kind.PREVALIDATION));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCode")
    void shouldStoreTheTypedErrorAndNeverPrepareItAgain(String what, byte[] code, PrepareError.Kind kind) throws Exception {
        PrepareError first;
        try (ValidationHost host = ValidationHost.start(TestData.config(cache, ""))) {
            var outcome = precheck(host, code);
            var invalid = assertInstanceOf(PrecheckOutcome.Invalid.class, outcome, () -> what + ": " + outcome);
            assertEquals(kind, invalid.error().kind(), invalid.error().toString());
            first = invalid.error();
            // a second request in the same host is answered from the table
            assertEquals(outcome, precheck(host, code));
        }
        Path file = cache.resolve(ArtifactId.of(code, ExecutorParams.DEFAULT).fileName());
        var stored = assertInstanceOf(ArtifactContent.Failed.class, ArtifactFile.decode(Files.readAllBytes(file)));
        assertEquals(first, stored.error());
        // after a restart, with no worker able to start, the stored error still answers
        try (ValidationHost host = ValidationHost.start(TestData.config(cache, NO_WORKERS))) {
            var again = precheck(host, code);
            assertEquals(new PrecheckOutcome.Invalid(first), again);
            var exec = host.executePvf(Pvf.of(code), new ValidationParams(new byte[0], new byte[0], 1, new byte[32]),
                    ExecKind.BACKING, null).toCompletableFuture().get(1, TimeUnit.MINUTES);
            assertEquals(new ValidationOutcome.PreparationFailed(first), exec);
        }
    }

    static Stream<Arguments> overTheLimits() {
        return Stream.of(
                Arguments.of("bomb", MaybeCompressed.compress(new byte[40 << 20], 3)),
                Arguments.of("over-size code", new byte[(3 << 20) + 1]));
    }

    /**
     * Code over the code limits is invalid (CouldNotDecompressCodeBlob) for the rest of the host's
     * run, but not stored: the limits come with the request or the configuration, not the code.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("overTheLimits")
    void shouldNotStoreAnErrorOfTheCodeLimits(String what, byte[] code) throws Exception {
        try (ValidationHost host = ValidationHost.start(TestData.config(cache, ""))) {
            var outcome = precheck(host, code);
            var invalid = assertInstanceOf(PrecheckOutcome.Invalid.class, outcome, () -> what + ": " + outcome);
            assertEquals(PrepareError.Kind.COULD_NOT_DECOMPRESS_CODE_BLOB, invalid.error().kind(), invalid.error().toString());
            assertEquals(outcome, precheck(host, code), "answered from the table in the same run");
        }
        assertFalse(Files.exists(cache.resolve(ArtifactId.of(code, ExecutorParams.DEFAULT).fileName())));
    }

    /** Builds before this one stored errors of the code limits: a host removes them at start. */
    @Test
    void shouldRemoveAStoredErrorOfTheCodeLimitsAtStartAndPrepareTheCode() throws Exception {
        byte[] code = TestData.ownPvf("adder.wasm");
        Path file = cache.resolve(ArtifactId.of(code, ExecutorParams.DEFAULT).fileName());
        Files.createDirectories(cache);
        ArtifactFile.write(file, new ArtifactContent.Failed(new PrepareError(PrepareError.Kind.COULD_NOT_DECOMPRESS_CODE_BLOB,
                "code of 1009 bytes exceeds the maximum code size of 1000")));
        try (ValidationHost host = ValidationHost.start(TestData.config(cache, ""))) {
            assertEquals(PrecheckOutcome.Valid.INSTANCE, precheck(host, code));
        }
        assertInstanceOf(ArtifactContent.Compiled.class, ArtifactFile.decode(Files.readAllBytes(file)));
    }

    @Test
    void shouldPrepareWithTheCodeLimitsARequestGivesAndAgainAfterARestartWithLargerOnes() throws Exception {
        byte[] compressed = TestData.corpusFile("adder/kagome-adder.code");
        byte[] decompressed = MaybeCompressed.decompress(compressed, 64L << 20);
        byte[] raw = TestData.corpusFile("adder/gossamer-adder.code");
        try (ValidationHost host = ValidationHost.start(TestData.config(cache, ""))) {
            // decompressed, kagome's adder is larger than this request's bomb limit
            var outcome = host.precheckPvf(Pvf.of(compressed).withCodeLimits(3 << 20, decompressed.length - 1))
                    .toCompletableFuture().get(2, TimeUnit.MINUTES);
            var invalid = assertInstanceOf(PrecheckOutcome.Invalid.class, outcome, () -> "outcome: " + outcome);
            assertEquals(PrepareError.Kind.COULD_NOT_DECOMPRESS_CODE_BLOB, invalid.error().kind(), invalid.error().toString());
            // gossamer's, stored raw, is larger than this request's code size
            var tooLarge = host.precheckPvf(Pvf.of(raw).withCodeLimits(raw.length - 1, 30 << 20))
                    .toCompletableFuture().get(2, TimeUnit.MINUTES);
            assertEquals(PrepareError.Kind.COULD_NOT_DECOMPRESS_CODE_BLOB,
                    assertInstanceOf(PrecheckOutcome.Invalid.class, tooLarge, () -> "outcome: " + tooLarge).error().kind());
        }
        // a restart with limits that fit, exactly: prepared, not answered with the smaller limits' error
        try (ValidationHost host = ValidationHost.start(TestData.config(cache, ""))) {
            assertEquals(PrecheckOutcome.Valid.INSTANCE, host.precheckPvf(Pvf.of(compressed).withCodeLimits(compressed.length,
                    decompressed.length)).toCompletableFuture().get(2, TimeUnit.MINUTES));
            assertEquals(PrecheckOutcome.Valid.INSTANCE, host.precheckPvf(Pvf.of(raw).withCodeLimits(raw.length, 30 << 20))
                    .toCompletableFuture().get(2, TimeUnit.MINUTES));
        }
    }

    @Test
    void shouldPrepareAgainAnArtifactThatWasCorruptedOrDeleted() throws Exception {
        byte[] code = TestData.ownPvf("adder.wasm");
        var params = ValidationParams.decode(TestData.corpusHex("adder/adder_genesis.params.hex"));
        byte[] expected = TestData.corpusHex("adder/adder_genesis.expected_output.hex");
        Path file = cache.resolve(ArtifactId.of(code, ExecutorParams.DEFAULT).fileName());
        try (ValidationHost host = ValidationHost.start(TestData.config(cache, "pvf.host.execute.workers-max = 1"))) {
            assertInstanceOf(PrecheckOutcome.Valid.class, precheck(host, code));
            assertTrue(Files.exists(file));
            byte[] bytes = Files.readAllBytes(file);
            bytes[bytes.length / 2] ^= 1;
            Files.write(file, bytes);
            // an approval is run again at once on the artifact prepared again (backing would answer
            // PossiblyInvalid(CorruptedArtifact), as the reference: HostTest)
            var afterCorruption = host.executePvf(Pvf.of(code), params, ExecKind.APPROVAL, null).toCompletableFuture().get(1, TimeUnit.MINUTES);
            assertArrayEquals(expected, assertInstanceOf(ValidationOutcome.Valid.class, afterCorruption,
                    () -> "after corruption: " + afterCorruption).resultBytes());
            Files.delete(file);
            var afterDeletion = host.executePvf(Pvf.of(code), params, ExecKind.BACKING, null).toCompletableFuture().get(1, TimeUnit.MINUTES);
            assertArrayEquals(expected, assertInstanceOf(ValidationOutcome.Valid.class, afterDeletion,
                    () -> "after deletion: " + afterDeletion).resultBytes());
            assertTrue(Files.exists(file), "the artifact was not written again");
        }
    }

    @Test
    void shouldUseArtifactsFoundOnDiskAfterARestart() throws Exception {
        byte[] code = TestData.ownPvf("adder.wasm");
        try (ValidationHost host = ValidationHost.start(TestData.config(cache, ""))) {
            assertInstanceOf(PrecheckOutcome.Valid.class, precheck(host, code));
        }
        try (ValidationHost host = ValidationHost.start(TestData.config(cache, NO_WORKERS))) {
            // prepared already: no prepare worker needed to say valid
            assertInstanceOf(PrecheckOutcome.Valid.class, precheck(host, code));
        }
    }

    /**
     * At start the host reads an artifact's head only: a class changed on disk while the host was
     * down is found by the worker when it defines the class, and the code is prepared again.
     */
    @Test
    void shouldPrepareAgainAnArtifactWhoseClassChangedWhileTheHostWasDown() throws Exception {
        byte[] code = TestData.ownPvf("adder.wasm");
        var params = ValidationParams.decode(TestData.corpusHex("adder/adder_genesis.params.hex"));
        byte[] expected = TestData.corpusHex("adder/adder_genesis.expected_output.hex");
        Path file = cache.resolve(ArtifactId.of(code, ExecutorParams.DEFAULT).fileName());
        try (ValidationHost host = ValidationHost.start(TestData.config(cache, ""))) {
            assertInstanceOf(PrecheckOutcome.Valid.class, precheck(host, code));
        }
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 10] ^= 1; // in the last class, past the head
        Files.write(file, bytes);
        try (ValidationHost host = ValidationHost.start(TestData.config(cache, "pvf.host.execute.workers-max = 1"))) {
            var outcome = host.executePvf(Pvf.of(code), params, ExecKind.APPROVAL, null).toCompletableFuture().get(1, TimeUnit.MINUTES);
            assertArrayEquals(expected, assertInstanceOf(ValidationOutcome.Valid.class, outcome, () -> "outcome: " + outcome)
                    .resultBytes());
        }
        assertFalse(java.util.Arrays.equals(bytes, Files.readAllBytes(file)), "the changed artifact was not written again");
    }

    @Test
    void shouldLeaveForeignFilesAlone() throws Exception {
        Files.writeString(cache.resolve("notes.txt"), "mine");
        Files.createDirectories(cache.resolve("photos"));
        Files.writeString(cache.resolve("chicory-0.0.0-old_0x00_0x00.pvfa"), "stale artifact of another engine");
        try (ValidationHost host = ValidationHost.start(TestData.config(cache, ""))) {
            assertInstanceOf(PrecheckOutcome.Valid.class, precheck(host, TestData.ownPvf("adder.wasm")));
        }
        assertTrue(Files.exists(cache.resolve("notes.txt")) && Files.isDirectory(cache.resolve("photos")));
        assertTrue(Files.notExists(cache.resolve("chicory-0.0.0-old_0x00_0x00.pvfa")), "stale artifact kept");
    }

    @Test
    void aPreparationOverItsTimeoutShouldEndWithinFourTimesIt() throws Exception {
        Duration t = Duration.ofSeconds(2);
        try (ValidationHost host = ValidationHost.start(TestData.config(cache, "pvf.host.prepare.precheck-timeout = 2s"))) {
            long start = System.nanoTime();
            var outcome = precheck(host, TestData.corpusFile("cumulus/coretime-polkadot-v1003000.code"));
            long ms = (System.nanoTime() - start) / 1_000_000;
            var failed = assertInstanceOf(PrecheckOutcome.Failed.class, outcome, () -> "outcome: " + outcome);
            assertEquals(PrepareError.Kind.TIMED_OUT, failed.error().kind());
            assertTrue(ms >= t.toMillis() && ms < 4 * t.toMillis(), "ended after " + ms + " ms");
        }
    }

    @Test
    void aPreparationOverItsMemoryLimitShouldBeOutOfMemory() throws Exception {
        var params = new ExecutorParams(List.of(new ExecutorParam.PrecheckingMaxMemory(16L << 20)));
        try (ValidationHost host = ValidationHost.start(TestData.config(cache, ""))) {
            var outcome = host.precheckPvf(Pvf.of(TestData.corpusFile("cumulus/coretime-polkadot-v1003000.code"), params))
                    .toCompletableFuture().get(2, TimeUnit.MINUTES);
            var invalid = assertInstanceOf(PrecheckOutcome.Invalid.class, outcome, () -> "outcome: " + outcome);
            assertEquals(PrepareError.Kind.OUT_OF_MEMORY, invalid.error().kind());
            // the host goes on
            assertInstanceOf(PrecheckOutcome.Valid.class, precheck(host, TestData.ownPvf("adder.wasm")));
        }
    }

    @Test
    void anUnusableCacheFolderShouldFailAtStartWithItsName() throws Exception {
        // below a regular file: not even root can create it
        Files.writeString(cache.resolve("a-file"), "x");
        Path bad = cache.resolve("a-file").resolve("cache");
        var e = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                () -> ValidationHost.start(TestData.config(bad, "")));
        assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
    }
}
