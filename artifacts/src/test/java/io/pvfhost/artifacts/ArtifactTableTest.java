package io.pvfhost.artifacts;

import static io.pvfhost.artifacts.ArtifactTable.Decision.FAIL;
import static io.pvfhost.artifacts.ArtifactTable.Decision.JOIN;
import static io.pvfhost.artifacts.ArtifactTable.Decision.PREPARE;
import static io.pvfhost.artifacts.ArtifactTable.Decision.USE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pvfhost.common.error.PrepareError;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ArtifactTableTest {

    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final Duration COOLDOWN = Duration.ofMinutes(15);
    private static final int MAX_FAILURES = 5;
    private static final PrepareError TRANSIENT = new PrepareError(PrepareError.Kind.TIMED_OUT, "slow");
    private static final PrepareError DETERMINISTIC = new PrepareError(PrepareError.Kind.PREVALIDATION, "bad");

    private final ArtifactTable table = new ArtifactTable();
    private final ArtifactId id = ArtifactIdTest.randomId(new Random(1));
    private final ArtifactId other = ArtifactIdTest.randomId(new Random(2));

    private ArtifactTable.Decision decide(Instant now) {
        return table.decide(id, now, COOLDOWN, MAX_FAILURES);
    }

    private void failOnce(PrepareError error, Instant at) {
        table.startPreparing(id);
        table.failed(id, error, at);
    }

    @Test
    void shouldPrepareAnUnknownArtifact() {
        assertEquals(PREPARE, decide(T0));
        assertEquals(Optional.empty(), table.state(id));
    }

    @Test
    void shouldJoinAnArtifactBeingPrepared() {
        table.startPreparing(id);
        assertEquals(JOIN, decide(T0));
        assertEquals(PREPARE, table.decide(other, T0, COOLDOWN, MAX_FAILURES));
    }

    @Test
    void shouldUseAPreparedArtifact() {
        table.startPreparing(id);
        table.prepared(id, Path.of("/cache/a.pvfa"), new byte[] {1, 2}, 10, T0);
        assertEquals(USE, decide(T0));
        var p = assertInstanceOf(ArtifactState.Prepared.class, table.state(id).orElseThrow());
        assertEquals(Path.of("/cache/a.pvfa"), p.path());
        assertArrayEquals(new byte[] {1, 2}, p.checksum());
        assertEquals(10, p.size());
        assertEquals(T0, p.lastNeeded());
    }

    @ParameterizedTest
    @EnumSource(value = PrepareError.Kind.class, names = {"PREVALIDATION", "PREPARATION", "JOB_ERROR", "OUT_OF_MEMORY",
        "COULD_NOT_DECOMPRESS_CODE_BLOB"})
    void shouldFailForeverAfterADeterministicError(PrepareError.Kind kind) {
        failOnce(new PrepareError(kind, "x"), T0);
        assertEquals(FAIL, decide(T0));
        assertEquals(FAIL, decide(T0.plus(COOLDOWN)));
        assertEquals(FAIL, decide(T0.plus(Duration.ofDays(365))));
    }

    @ParameterizedTest
    @EnumSource(value = PrepareError.Kind.class, names = {"RUNTIME_CONSTRUCTION", "TIMED_OUT", "IO_ERR",
        "CREATE_TMP_FILE", "RENAME_TMP_FILE", "CLEAR_WORKER_DIR", "JOB_DIED", "KERNEL"})
    void shouldFailDuringTheCooldownAndPrepareAfterItForATransientError(PrepareError.Kind kind) {
        failOnce(new PrepareError(kind, "x"), T0);
        assertEquals(FAIL, decide(T0));
        assertEquals(FAIL, decide(T0.plus(COOLDOWN).minusNanos(1)));
        assertEquals(PREPARE, decide(T0.plus(COOLDOWN)));
        assertEquals(PREPARE, decide(T0.plus(COOLDOWN).plusSeconds(1)));
    }

    @Test
    void shouldRetryATransientErrorUntilFailuresExceedTheMaximum() {
        Instant now = T0;
        for (int failures = 1; failures <= MAX_FAILURES; failures++) {
            failOnce(TRANSIENT, now);
            now = now.plus(COOLDOWN);
            assertEquals(PREPARE, decide(now), "after " + failures + " failures");
        }
        failOnce(TRANSIENT, now); // MAX_FAILURES + 1
        assertEquals(MAX_FAILURES + 1, ((ArtifactState.FailedToProcess) table.state(id).orElseThrow()).numFailures());
        assertEquals(FAIL, decide(now.plus(COOLDOWN)));
        assertEquals(FAIL, decide(now.plus(Duration.ofDays(30))));
    }

    @Test
    void shouldHonourTheMaximumGivenToDecide() {
        failOnce(TRANSIENT, T0);
        failOnce(TRANSIENT, T0);
        Instant later = T0.plus(COOLDOWN);
        assertEquals(PREPARE, table.decide(id, later, COOLDOWN, 2));
        assertEquals(FAIL, table.decide(id, later, COOLDOWN, 1));
        assertEquals(FAIL, table.decide(id, later, COOLDOWN, 0));
    }

    @Test
    void shouldCarryTheFailureCountAcrossStartPreparing() {
        failOnce(TRANSIENT, T0);
        table.startPreparing(id);
        assertEquals(new ArtifactState.Preparing(1), table.state(id).orElseThrow());
        table.failed(id, TRANSIENT, T0.plusSeconds(1));
        var f = assertInstanceOf(ArtifactState.FailedToProcess.class, table.state(id).orElseThrow());
        assertEquals(2, f.numFailures());
        assertEquals(T0.plusSeconds(1), f.lastFailed());
        assertEquals(TRANSIENT, f.error());
    }

    @Test
    void shouldStartPreparingAFreshArtifactWithNoFailures() {
        table.startPreparing(id);
        assertEquals(new ArtifactState.Preparing(0), table.state(id).orElseThrow());
    }

    @Test
    void shouldCountAFailureWithoutAPrecedingStartPreparingAsTheFirst() {
        table.failed(id, DETERMINISTIC, T0);
        assertEquals(1, ((ArtifactState.FailedToProcess) table.state(id).orElseThrow()).numFailures());
    }

    @Test
    void shouldForgetFailuresOnceTheArtifactIsPrepared() {
        failOnce(TRANSIENT, T0);
        table.startPreparing(id);
        table.prepared(id, Path.of("a"), new byte[32], 1, T0);
        table.remove(id);
        table.startPreparing(id);
        assertEquals(new ArtifactState.Preparing(0), table.state(id).orElseThrow());
    }

    @Test
    void shouldPrepareAgainAfterRemoval() {
        table.startPreparing(id);
        table.prepared(id, Path.of("a"), new byte[32], 1, T0);
        table.remove(id);
        assertEquals(PREPARE, decide(T0));
    }

    @Test
    void shouldUpdateLastNeededOnlyForPreparedArtifacts() {
        table.startPreparing(id);
        table.prepared(id, Path.of("a"), new byte[32], 1, T0);
        table.touch(id, T0.plusSeconds(60));
        assertEquals(T0.plusSeconds(60), ((ArtifactState.Prepared) table.state(id).orElseThrow()).lastNeeded());

        table.startPreparing(other);
        table.touch(other, T0);
        assertEquals(new ArtifactState.Preparing(0), table.state(other).orElseThrow());
        table.touch(ArtifactIdTest.randomId(new Random(3)), T0);
        assertEquals(2, table.view().size());
    }

    @Test
    void shouldCopyTheChecksumItIsGiven() {
        byte[] checksum = {1, 2, 3};
        table.prepared(id, Path.of("a"), checksum, 1, T0);
        checksum[0] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, ((ArtifactState.Prepared) table.state(id).orElseThrow()).checksum());
    }

    @Test
    void shouldExposeAReadOnlyView() {
        table.startPreparing(id);
        assertTrue(table.view().containsKey(id));
        assertThrows(UnsupportedOperationException.class, () -> table.view().remove(id));
    }
}
