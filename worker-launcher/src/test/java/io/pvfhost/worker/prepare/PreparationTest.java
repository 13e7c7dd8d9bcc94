package io.pvfhost.worker.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pvfhost.common.blob.MaybeCompressed;
import io.pvfhost.common.error.PrepareError;
import io.pvfhost.common.params.ExecutorParams;
import io.pvfhost.worker.testing.TinyWasm;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Each kind of bad code gets its typed error, in-process (the host tests do it through workers). */
class PreparationTest {
    static final Preparation.Limits LIMITS = new Preparation.Limits(3 << 20, 30 << 20);

    static PrepareError failure(byte[] code) {
        return failure(code, LIMITS);
    }

    static PrepareError failure(byte[] code, Preparation.Limits limits) {
        try {
            Preparation.prepare(code, limits, ExecutorParams.DEFAULT);
        } catch (Throwable t) {
            return Preparation.classify(t);
        }
        throw new AssertionError("prepared without error");
    }

    /** The worker's own heap running out depends on the machine: transient, never stored as the code's fault. */
    @Test
    void shouldClassifyTheWorkerHeapRunningOutAsTransient() {
        var e = Preparation.classify(new OutOfMemoryError("Java heap space"));
        assertEquals(PrepareError.Kind.JOB_DIED, e.kind());
        assertTrue(e.isTransient());
    }

    @Test
    void shouldRefuseAModuleWithoutMemoryAsTheReferenceDoes() {
        var e = failure(TinyWasm.noMemory());
        assertEquals(PrepareError.Kind.PREPARATION, e.kind());
        assertTrue(e.detail().contains("no memory section found"), e.detail());
    }

    /** wasmparser's limits, which the reference's compiler enforces: a Preparation error there, so here. */
    @Test
    void shouldRefuseModulesPastTheReferenceValidatorsLimits() {
        Preparation.prepare(TinyWasm.withParams(1_000), LIMITS, ExecutorParams.DEFAULT); // at the limit: fine
        var params = failure(TinyWasm.withParams(1_001));
        assertEquals(PrepareError.Kind.PREPARATION, params.kind());
        assertTrue(params.detail().contains("1001 parameters of type 0: at most 1000"), params.detail());
        var name = failure(TinyWasm.withExports("x".repeat(100_001)));
        assertEquals(PrepareError.Kind.PREPARATION, name.kind());
        assertTrue(name.detail().contains("export name of 100001 bytes"), name.detail());
    }

    @Test
    void shouldPrepareAValidModule() {
        var c = Preparation.prepare(TinyWasm.withExports("a", "b"), LIMITS, ExecutorParams.DEFAULT);
        assertTrue(c.classes().containsKey(c.mainClass()));
        assertTrue(c.interpretedFunctions().isEmpty());
    }

    @Test
    void shouldRejectMalformedWasm() {
        PrepareError e = failure(new byte[] {0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0x7f});
        assertEquals(PrepareError.Kind.PREVALIDATION, e.kind());
        assertTrue(e.detail().contains("unexpected end of data"), e.detail());
    }

    @Test
    void shouldRejectInvalidWasm() {
        PrepareError e = failure(TinyWasm.invalid());
        assertEquals(PrepareError.Kind.PREVALIDATION, e.kind());
        assertTrue(e.detail().startsWith("invalid wasm"), e.detail());
    }

    @Test
    void shouldRejectImportsFromOtherModules() {
        PrepareError e = failure(TinyWasm.importingFrom("wasi_snapshot_preview1", "fd_write"));
        assertEquals(PrepareError.Kind.PREVALIDATION, e.kind());
        assertTrue(e.detail().contains("wasi_snapshot_preview1.fd_write is not from module env"), e.detail());
    }

    @Test
    void shouldRejectTwoMemories() {
        PrepareError e = failure(TinyWasm.twoMemories());
        assertEquals(PrepareError.Kind.PREVALIDATION, e.kind());
    }

    @Test
    void shouldRejectDuplicateExportNames() {
        PrepareError e = failure(TinyWasm.withExports("validate_block", "validate_block"));
        assertEquals(PrepareError.Kind.PREVALIDATION, e.kind());
        assertTrue(e.detail().contains("duplicate export name \"validate_block\""), e.detail());
    }

    @Test
    void shouldRejectSimd() {
        PrepareError e = failure(TinyWasm.simd());
        assertEquals(PrepareError.Kind.PREVALIDATION, e.kind());
    }

    @Test
    void shouldRejectCodeOverTheMaximumSize() {
        byte[] code = TinyWasm.withExports("a");
        PrepareError e = failure(code, new Preparation.Limits(code.length - 1, 30 << 20));
        assertEquals(PrepareError.Kind.COULD_NOT_DECOMPRESS_CODE_BLOB, e.kind());
    }

    @Test
    void shouldRejectACompressionBomb() {
        byte[] bomb = MaybeCompressed.compress(new byte[40 << 20], 3);
        PrepareError e = failure(bomb);
        assertEquals(PrepareError.Kind.COULD_NOT_DECOMPRESS_CODE_BLOB, e.kind());
    }

    @Test
    void shouldRejectCorruptZstd() {
        byte[] good = MaybeCompressed.compress(TinyWasm.withExports("a"), 3);
        byte[] bad = Arrays.copyOf(good, good.length - 3);
        PrepareError e = failure(bad);
        assertEquals(PrepareError.Kind.COULD_NOT_DECOMPRESS_CODE_BLOB, e.kind());
    }

    @Test
    void shouldGiveTheSameArtifactForTheSameCode() {
        byte[] code = TinyWasm.withExports("a", "b");
        var a = io.pvfhost.artifacts.ArtifactFile.encode(Preparation.prepare(code, LIMITS, ExecutorParams.DEFAULT));
        var b = io.pvfhost.artifacts.ArtifactFile.encode(Preparation.prepare(code, LIMITS, ExecutorParams.DEFAULT));
        assertTrue(Arrays.equals(a, b), "two preparations of the same code differ");
    }
}
