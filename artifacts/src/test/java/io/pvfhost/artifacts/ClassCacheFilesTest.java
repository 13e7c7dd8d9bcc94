package io.pvfhost.artifacts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassCacheFilesTest {
    static final String KEY = "0123456789abcdef0123456789abcdef";
    static final String OTHER = "fedcba9876543210fedcba9876543210";

    @TempDir
    Path dir;

    static String aot(String key) {
        return ClassCacheFiles.fileName(key, ClassCacheFiles.AOT);
    }

    private Set<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    @Test
    void shouldNameCachesAndTempFilesByKey() {
        assertEquals("pvf-class-cache-" + KEY + ".aot", ClassCacheFiles.fileName(KEY, ClassCacheFiles.AOT));
        assertEquals("pvf-class-cache-" + KEY + ".jsa", ClassCacheFiles.fileName(KEY, ClassCacheFiles.APPCDS));
        assertEquals("pvf-class-cache-" + KEY + ".aot.k3x.tmp", ClassCacheFiles.tempName(aot(KEY), "k3x"));
        assertEquals("pvf-class-cache-" + KEY + ".jsa.1.tmp", ClassCacheFiles.tempName(ClassCacheFiles.fileName(KEY, ".jsa"), "1"));
    }

    @Test
    void shouldRefuseKeysAndTagsThatWouldMakeOtherNames() {
        assertThrows(IllegalArgumentException.class, () -> ClassCacheFiles.fileName("0123", ".aot"));
        assertThrows(IllegalArgumentException.class, () -> ClassCacheFiles.fileName(KEY.toUpperCase(), ".aot"));
        assertThrows(IllegalArgumentException.class, () -> ClassCacheFiles.fileName("../" + KEY.substring(3), ".aot"));
        assertThrows(IllegalArgumentException.class, () -> ClassCacheFiles.fileName(KEY, ".txt"));
        assertThrows(IllegalArgumentException.class, () -> ClassCacheFiles.tempName(aot(KEY), ""));
        assertThrows(IllegalArgumentException.class, () -> ClassCacheFiles.tempName(aot(KEY), "a/b"));
        assertThrows(IllegalArgumentException.class, () -> ClassCacheFiles.tempName("notes.aot", "1"));
    }

    @Test
    void shouldTellStaleFilesOfOursFromTheCurrentCacheAndForeignFiles() {
        String current = aot(KEY);
        assertFalse(ClassCacheFiles.isStale(current, current));
        assertTrue(ClassCacheFiles.isStale(aot(OTHER), current));
        assertTrue(ClassCacheFiles.isStale(ClassCacheFiles.fileName(KEY, ClassCacheFiles.APPCDS), current), "the other kind");
        assertTrue(ClassCacheFiles.isStale(ClassCacheFiles.tempName(current, "1"), current), "a temp file of the current key");
        assertTrue(ClassCacheFiles.isStale(ClassCacheFiles.tempName(aot(OTHER), "zz9") + ".config", current));
        assertTrue(ClassCacheFiles.isStale(current, null), "no cache in use: every cache of ours is stale");
        for (String foreign : new String[] {"pvf-class-cache-notes.aot", "pvf-class-cache-" + KEY + ".aot.bak",
                "pvf-class-cache-" + KEY + ".cds", "my-" + current, current + ".tmp", "app.aot", "pvf-class-cache-"}) {
            assertFalse(ClassCacheFiles.isStale(foreign, current), foreign);
            assertFalse(ClassCacheFiles.isStale(foreign, null), foreign);
        }
    }

    @Test
    void shouldRemoveOnlyStaleFilesOfOursAndNeverAFolder() throws IOException {
        String current = aot(KEY);
        Files.write(dir.resolve(current), new byte[3]);
        Files.write(dir.resolve(aot(OTHER)), new byte[3]);
        Files.write(dir.resolve(ClassCacheFiles.tempName(current, "7")), new byte[3]);
        Files.write(dir.resolve(ClassCacheFiles.tempName(current, "7") + ".config"), new byte[0]);
        Files.writeString(dir.resolve("notes.aot"), "mine");
        Path folder = Files.createDirectory(dir.resolve(ClassCacheFiles.tempName(aot(OTHER), "8")));
        Files.write(folder.resolve("inside"), new byte[1]);

        var removed = ClassCacheFiles.clean(dir, current);

        assertEquals(3, removed.size());
        assertEquals(Set.of(current, "notes.aot", folder.getFileName().toString()), names());
        assertTrue(Files.exists(folder.resolve("inside")));
        assertEquals(3, Files.size(dir.resolve(current)));
    }
}
