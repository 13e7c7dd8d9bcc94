package io.pvfhost.artifacts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pvfhost.common.Version;
import io.pvfhost.common.error.PrepareError;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactStoreTest {

    @TempDir
    Path dir;

    private static Set<String> names(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    private static String otherEngine(ArtifactId id, String engine) {
        return engine + id.fileName().substring(Version.ENGINE_VERSION.length());
    }

    @Test
    void shouldCleanOurStaleFilesKeepCurrentArtifactsAndLeaveForeignFilesAlone() throws IOException {
        ArtifactStore store = ArtifactStore.open(dir);
        Random rnd = new Random(1);
        ArtifactId a = ArtifactIdTest.randomId(rnd);
        ArtifactId b = ArtifactIdTest.randomId(rnd);
        ArtifactId c = ArtifactIdTest.randomId(rnd);

        // current artifacts
        ArtifactFile.write(store.pathOf(a), new ArtifactContent.Failed(new PrepareError(PrepareError.Kind.PREPARATION, "x")));
        Files.write(store.pathOf(b), new byte[123]);
        // ours, stale
        Files.write(dir.resolve(c.fileName() + ".4242" + ArtifactFile.TEMP_SUFFIX), new byte[5]);
        Files.write(dir.resolve(otherEngine(c, "chicory-1.7.4-a1")), new byte[5]);
        Files.write(dir.resolve(otherEngine(c, "chicory-9.9.9")), new byte[5]);
        Path worker = Files.createDirectory(dir.resolve(ArtifactStore.WORKER_DIR_PREFIX + "12345"));
        Files.createDirectories(worker.resolve("nested/deeper"));
        Files.write(worker.resolve("nested/deeper/artifact.tmp"), new byte[5]);
        Files.write(worker.resolve("socket"), new byte[0]);
        // foreign
        Files.writeString(dir.resolve("notes.txt"), "my notes");
        Path photos = Files.createDirectory(dir.resolve("photos"));
        Files.write(photos.resolve("cat.jpg"), new byte[10]);
        Files.write(photos.resolve(a.fileName()), new byte[10]); // looks like ours, but not in our folder
        Files.write(dir.resolve("something.pvfa"), new byte[1]);
        Files.write(dir.resolve("backup.tmp"), new byte[1]);
        Files.write(dir.resolve(ArtifactStore.WORKER_DIR_PREFIX + "log.txt"), new byte[1]); // a file, not a folder

        List<ArtifactStore.Found> found = store.cleanAndScan();

        assertEquals(Set.of(a, b), found.stream().map(ArtifactStore.Found::id).collect(Collectors.toSet()));
        for (ArtifactStore.Found f : found) {
            assertEquals(store.pathOf(f.id()), f.path());
            assertEquals(Files.size(f.path()), f.size());
            assertEquals(Files.getLastModifiedTime(f.path()).toInstant(), f.modified());
        }
        assertEquals(123, found.stream().filter(f -> f.id().equals(b)).findFirst().orElseThrow().size());
        assertEquals(Set.of(a.fileName(), b.fileName(), "notes.txt", "photos", "something.pvfa", "backup.tmp",
                ArtifactStore.WORKER_DIR_PREFIX + "log.txt"), names(dir));
        assertEquals(Set.of("cat.jpg", a.fileName()), names(photos));
        assertEquals("my notes", Files.readString(dir.resolve("notes.txt")));
    }

    @Test
    void shouldKeepTheClassCacheInUseAndRemoveOurOtherClassCacheFiles() throws IOException {
        ArtifactStore store = ArtifactStore.open(dir);
        ArtifactId a = ArtifactIdTest.randomId(new Random(5));
        Files.write(store.pathOf(a), new byte[1]);
        String current = ClassCacheFilesTest.aot(ClassCacheFilesTest.KEY);
        String other = ClassCacheFilesTest.aot(ClassCacheFilesTest.OTHER);
        Files.write(dir.resolve(current), new byte[2]);
        Files.write(dir.resolve(other), new byte[2]);
        Files.write(dir.resolve(ClassCacheFiles.fileName(ClassCacheFilesTest.KEY, ClassCacheFiles.APPCDS)), new byte[2]);
        Files.write(dir.resolve(ClassCacheFiles.tempName(current, "99")), new byte[2]);
        Files.write(dir.resolve(ClassCacheFiles.tempName(current, "99") + ".config"), new byte[0]);
        Files.write(dir.resolve("worker.aot"), new byte[2]); // a cache the user made by hand: foreign

        assertEquals(1, store.cleanAndScan(current).size());
        assertEquals(Set.of(a.fileName(), current, "worker.aot"), names(dir));

        // no class cache in use here (off, JDK 17, or kept in another folder): ours go, foreign stays
        assertEquals(1, store.cleanAndScan().size());
        assertEquals(Set.of(a.fileName(), "worker.aot"), names(dir));
    }

    @Test
    void shouldReturnNothingForAnEmptyFolder() throws IOException {
        assertTrue(ArtifactStore.open(dir).cleanAndScan().isEmpty());
        assertEquals(Set.of(), names(dir));
    }

    @Test
    void shouldBeIdempotent() throws IOException {
        ArtifactStore store = ArtifactStore.open(dir);
        ArtifactId a = ArtifactIdTest.randomId(new Random(2));
        Files.write(store.pathOf(a), new byte[1]);
        Files.write(dir.resolve(a.fileName() + ".1" + ArtifactFile.TEMP_SUFFIX), new byte[1]);
        assertEquals(1, store.cleanAndScan().size());
        assertEquals(1, store.cleanAndScan().size());
        assertEquals(Set.of(a.fileName()), names(dir));
    }

    // Folders are never ours under an artifact or temp name: they are not returned, and a cleanup
    // must neither delete them nor fail on them.
    @Test
    void shouldLeaveFoldersWithArtifactLikeNamesAlone() throws IOException {
        ArtifactStore store = ArtifactStore.open(dir);
        Random rnd = new Random(3);
        ArtifactId a = ArtifactIdTest.randomId(rnd);
        ArtifactId b = ArtifactIdTest.randomId(rnd);
        Path current = Files.createDirectory(store.pathOf(a));
        Path old = Files.createDirectory(dir.resolve(otherEngine(b, "chicory-1.0.0")));
        Files.write(old.resolve("inside.txt"), new byte[1]);
        Path tmpLike = Files.createDirectory(dir.resolve(b.fileName() + ".7" + ArtifactFile.TEMP_SUFFIX));
        Files.write(tmpLike.resolve("inside.txt"), new byte[1]);
        Path emptyOld = Files.createDirectory(dir.resolve(otherEngine(a, "chicory-1.0.0")));

        assertTrue(store.cleanAndScan().isEmpty());
        assertTrue(Files.isDirectory(current));
        assertTrue(Files.exists(old.resolve("inside.txt")));
        assertTrue(Files.exists(tmpLike.resolve("inside.txt")));
        assertTrue(Files.isDirectory(emptyOld));
    }

    // Nor links: one under an artifact's name is not adopted (its target is not our file), and
    // neither the link nor its target is deleted.
    @Test
    void shouldLeaveLinksWithArtifactLikeNamesAlone() throws IOException {
        ArtifactStore store = ArtifactStore.open(dir);
        Random rnd = new Random(4);
        ArtifactId a = ArtifactIdTest.randomId(rnd);
        ArtifactId b = ArtifactIdTest.randomId(rnd);
        Path elsewhere = Files.createTempDirectory(dir.getParent(), "elsewhere");
        Path target = Files.write(elsewhere.resolve("target"), new byte[] {1});
        Path link = Files.createSymbolicLink(store.pathOf(a), target);
        Path oldLink = Files.createSymbolicLink(dir.resolve(otherEngine(b, "chicory-1.0.0")), target);
        Path workerLink = Files.createSymbolicLink(dir.resolve(ArtifactStore.WORKER_DIR_PREFIX + "x"), elsewhere);

        assertTrue(store.cleanAndScan().isEmpty());
        assertTrue(Files.isSymbolicLink(link) && Files.isSymbolicLink(oldLink) && Files.isSymbolicLink(workerLink));
        assertTrue(Files.exists(target));
    }

    @Test
    void shouldCreateTheCacheFolderOwnerOnly() throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path cache = dir.resolve("a/b/cache");
        ArtifactStore store = ArtifactStore.open(cache);
        assertTrue(Files.isDirectory(cache));
        assertEquals(cache.toAbsolutePath().normalize(), store.root());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cache)));
    }

    @Test
    void shouldNotChangeThePermissionsOfAnExistingFolder() throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path home = Files.createDirectory(dir.resolve("home"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        ArtifactStore.open(home);
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(home)));
    }

    @Test
    void shouldResolveArtifactPathsInsideTheFolder() throws IOException {
        ArtifactStore store = ArtifactStore.open(dir.resolve("x/../cache"));
        ArtifactId a = ArtifactIdTest.randomId(new Random(4));
        assertEquals(dir.resolve("cache").toAbsolutePath().normalize().resolve(a.fileName()), store.pathOf(a));
    }

    @Test
    void shouldDeleteAFolderTreeAndIgnoreAMissingOne() throws IOException {
        Path t = Files.createDirectories(dir.resolve("t/a/b"));
        Files.write(t.resolve("f"), new byte[1]);
        ArtifactStore.deleteTree(dir.resolve("t"));
        assertFalse(Files.exists(dir.resolve("t")));
        ArtifactStore.deleteTree(dir.resolve("t")); // no error
    }
}
