package io.pvfhost.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The production sweeper: what it does to files. */
class ArtifactsPrunerTest {
    @TempDir
    Path dir;

    @Test
    void shouldDeleteThePrunedFilesAndWriteWhenTheOthersWereLastNeededIntoTheirTimes() throws Exception {
        Path pruned = Files.write(dir.resolve("pruned"), new byte[] {1});
        Path kept = Files.write(dir.resolve("kept"), new byte[] {2});
        Path gone = dir.resolve("gone"); // removed meanwhile: skipped
        Instant needed = Instant.parse("2026-01-02T03:04:05Z");
        ArtifactsPruner.deletingOn(Runnable::run).sweep(List.of(pruned, gone),
                List.of(new ArtifactsPruner.LastNeeded(gone, needed), new ArtifactsPruner.LastNeeded(kept, needed)));
        assertFalse(Files.exists(pruned));
        assertFalse(Files.exists(gone), "recording a time must not make a file");
        assertTrue(Files.exists(kept));
        assertEquals(needed, Files.getLastModifiedTime(kept).toInstant());
    }

    @Test
    void shouldNotChangeTheFileALinkUnderAnArtifactsNamePointsTo() throws Exception {
        Path target = Files.write(dir.resolve("elsewhere"), new byte[] {3});
        Instant before = Files.getLastModifiedTime(target).toInstant();
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);
        ArtifactsPruner.deletingOn(Runnable::run).sweep(List.of(),
                List.of(new ArtifactsPruner.LastNeeded(link, Instant.parse("2020-01-01T00:00:00Z"))));
        assertEquals(before, Files.getLastModifiedTime(target).toInstant());
    }
}
