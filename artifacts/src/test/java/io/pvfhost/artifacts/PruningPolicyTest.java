package io.pvfhost.artifacts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pvfhost.common.error.PrepareError;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PruningPolicyTest {
    private static final Instant NOW = Instant.parse("2025-01-02T00:00:00Z");
    private static final Duration TTL = Duration.ofHours(24);
    private static final long GIB = 1L << 30;

    private final ArtifactTable table = new ArtifactTable();
    private final Random random = new Random(7);

    private ArtifactId prepared(Duration ago, long size) {
        ArtifactId id = ArtifactIdTest.randomId(random);
        table.prepared(id, Path.of(id.fileName()), new byte[32], size, NOW.minus(ago));
        return id;
    }

    @Test
    void withoutASizeLimitShouldRemoveEveryArtifactNotNeededForTheTtl() {
        ArtifactId old = prepared(TTL.plusSeconds(1), 1);
        ArtifactId older = prepared(TTL.multipliedBy(3), 1);
        prepared(TTL.minusSeconds(1), 1);
        prepared(Duration.ZERO, 1);
        assertEquals(List.of(older, old), PruningPolicy.select(table.view(), NOW, TTL, 0, Set.of()));
    }

    @Test
    void shouldKeepArtifactsNotNeededForTheTtlWhileTheCacheFitsTheLimit() {
        prepared(TTL.multipliedBy(30), 4 * GIB);
        prepared(TTL.plusSeconds(1), 4 * GIB);
        prepared(Duration.ZERO, 2 * GIB);
        assertEquals(List.of(), PruningPolicy.select(table.view(), NOW, TTL, 10 * GIB, Set.of()));
    }

    @Test
    void shouldCountAnArtifactNeededExactlyTheTtlAgoAsStaleAndOneJustAfterAsRecent() {
        ArtifactId stale = prepared(TTL, 1);
        prepared(TTL.minusMillis(1), 1);
        assertEquals(List.of(stale), PruningPolicy.select(table.view(), NOW, TTL, 0, Set.of()));
    }

    @Test
    void shouldRemoveTheLargerFirstAmongArtifactsNeededAtTheSameTime() {
        prepared(TTL.plusHours(1), 2 * GIB);
        ArtifactId large = prepared(TTL.plusHours(1), 3 * GIB);
        prepared(TTL.plusHours(1), 1 * GIB);
        assertEquals(List.of(large), PruningPolicy.select(table.view(), NOW, TTL, 4 * GIB, Set.of()));
    }

    @Test
    void shouldNeverRemoveAnArtifactInUse() {
        ArtifactId old = prepared(TTL.multipliedBy(2), 1);
        assertEquals(List.of(), PruningPolicy.select(table.view(), NOW, TTL, 0, Set.of(old)));
    }

    @Test
    void shouldNeverRemoveAnArtifactBeingPreparedOrAFailedOne() {
        ArtifactId preparing = ArtifactIdTest.randomId(random);
        table.startPreparing(preparing);
        ArtifactId failed = ArtifactIdTest.randomId(random);
        table.failed(failed, new PrepareError(PrepareError.Kind.PREVALIDATION, "bad"), NOW.minus(TTL.multipliedBy(3)));
        assertEquals(List.of(), PruningPolicy.select(table.view(), NOW, TTL, 0, Set.of()));
    }

    @Test
    void shouldRemoveTheLeastRecentlyNeededBeyondTheTtlUntilTheCacheFitsTheLimit() {
        ArtifactId oldest = prepared(TTL.plusHours(3), 4 * GIB);
        ArtifactId middle = prepared(TTL.plusHours(2), 4 * GIB);
        prepared(TTL.plusHours(1), 4 * GIB);
        prepared(Duration.ZERO, 1 * GIB);
        // 13 GiB over a 10 GiB limit: the oldest goes (9 GiB left)
        assertEquals(List.of(oldest), PruningPolicy.select(table.view(), NOW, TTL, 10 * GIB, Set.of()));
        // 5 GiB limit: two must go
        assertEquals(List.of(oldest, middle), PruningPolicy.select(table.view(), NOW, TTL, 5 * GIB, Set.of()));
    }

    @Test
    void shouldNeverRemoveAnArtifactNeededWithinTheTtlEvenOverTheLimit() {
        ArtifactId expired = prepared(TTL.plusHours(1), 4 * GIB);
        prepared(Duration.ofHours(3), 4 * GIB);
        prepared(Duration.ofHours(2), 4 * GIB);
        // 12 GiB over a 1 GiB limit: only the one beyond the TTL may go; the cache stays over
        assertEquals(List.of(expired), PruningPolicy.select(table.view(), NOW, TTL, GIB, Set.of()));
    }

    @Test
    void shouldSkipArtifactsInUseWhenEvictingForSize() {
        ArtifactId oldest = prepared(TTL.plusHours(3), 4 * GIB);
        ArtifactId middle = prepared(TTL.plusHours(2), 4 * GIB);
        ArtifactId newest = prepared(TTL.plusHours(1), 4 * GIB);
        assertEquals(List.of(middle), PruningPolicy.select(table.view(), NOW, TTL, 10 * GIB, Set.of(oldest)));
        // when everything else is in use the cache may stay over the limit
        assertEquals(List.of(), PruningPolicy.select(table.view(), NOW, TTL, 1, Set.of(oldest, middle, newest)));
    }
}
