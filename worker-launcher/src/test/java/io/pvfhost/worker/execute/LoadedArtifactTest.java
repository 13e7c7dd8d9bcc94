package io.pvfhost.worker.execute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pvfhost.artifacts.ArtifactContent;
import io.pvfhost.artifacts.ArtifactFile;
import io.pvfhost.artifacts.CorruptedArtifactException;
import io.pvfhost.common.error.PrepareError;
import io.pvfhost.common.params.ExecutorParams;
import io.pvfhost.worker.prepare.Preparation;
import io.pvfhost.worker.testing.TinyWasm;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading an artifact file as the execute worker does: verified, then loaded. */
class LoadedArtifactTest {
    static final Preparation.Limits LIMITS = new Preparation.Limits(3 << 20, 30 << 20);

    @TempDir
    Path dir;

    private Path written(ArtifactContent content, byte[][] checksum) throws Exception {
        Path p = dir.resolve("a.pvfa");
        checksum[0] = ArtifactFile.write(p, content);
        return p;
    }

    @Test
    void shouldLoadAVerifiedArtifact() throws Exception {
        byte[][] sum = new byte[1][];
        Path p = written(Preparation.prepare(TinyWasm.withExports("a", "b"), LIMITS, ExecutorParams.DEFAULT), sum);
        LoadedArtifact a = LoadedArtifact.read(p, sum[0]);
        assertEquals(2, a.module().exportSection().exportCount());
        assertEquals("a", a.module().exportSection().getExport(0).name());
    }

    @Test
    void shouldCallAnyChangedByteAChecksumMismatch() throws Exception {
        byte[][] sum = new byte[1][];
        Path p = written(Preparation.prepare(TinyWasm.withExports("a"), LIMITS, ExecutorParams.DEFAULT), sum);
        byte[] good = Files.readAllBytes(p);
        // a byte in the header, one in the middle, and the last one
        for (int at : new int[] {6, good.length / 2, good.length - 1}) {
            byte[] bad = good.clone();
            bad[at] ^= 0x40;
            Files.write(p, bad);
            var e = assertThrows(CorruptedArtifactException.class, () -> LoadedArtifact.read(p, sum[0]), "byte " + at);
            // whatever else is wrong with the bytes, the mismatch is what the worker reports
            assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
        }
    }

    @Test
    void shouldRefuseAnIntactFileWithAnotherChecksum() throws Exception {
        byte[][] sum = new byte[1][];
        Path p = written(Preparation.prepare(TinyWasm.withExports("a"), LIMITS, ExecutorParams.DEFAULT), sum);
        byte[] other = Arrays.copyOf(sum[0], sum[0].length);
        other[0] ^= 1;
        var e = assertThrows(CorruptedArtifactException.class, () -> LoadedArtifact.read(p, other));
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
    }

    @Test
    void shouldRefuseToRunAnErrorArtifact() throws Exception {
        byte[][] sum = new byte[1][];
        Path p = written(new ArtifactContent.Failed(new PrepareError(PrepareError.Kind.PREVALIDATION, "bad")), sum);
        var e = assertThrows(CorruptedArtifactException.class, () -> LoadedArtifact.read(p, sum[0]));
        assertTrue(e.getMessage().contains("preparation error"), e.getMessage());
    }

    @Test
    void shouldSayWhenTheFileIsGone() {
        assertThrows(NoSuchFileException.class, () -> LoadedArtifact.read(dir.resolve("gone.pvfa"), new byte[32]));
    }
}
