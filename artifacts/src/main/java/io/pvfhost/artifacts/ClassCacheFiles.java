package io.pvfhost.artifacts;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Names of the worker JVMs' class cache files (the AOT cache of JDK 25 and later), which live in
 * the cache folder unless configured elsewhere:
 *
 * <ul>
 *   <li>{@code pvf-class-cache-<key>.aot}: a cache; the key (32 hex digits) hashes everything the
 *       cache depends on (JDK, class path, options), so any change gives a new name;
 *   <li>{@code pvf-class-cache-<key>.aot.<unique>.tmp}: a training's output, renamed into place
 *       once checked; and the same name with {@code .config}, which the JVM writes beside its
 *       output while it trains.
 * </ul>
 *
 * Like the artifacts, these are the only shapes ever deleted: a cache of another key and any temp
 * file are stale, the current cache is kept, every other name is left alone.
 */
public final class ClassCacheFiles {
    public static final String PREFIX = "pvf-class-cache-";
    public static final String EXTENSION = ".aot";
    private static final String KEY = "[0-9a-f]{32}";
    private static final Pattern KEY_PATTERN = Pattern.compile(KEY);
    private static final Pattern UNIQUE = Pattern.compile("[0-9a-z]{1,20}");
    private static final Pattern CACHE = Pattern.compile(Pattern.quote(PREFIX) + KEY + Pattern.quote(EXTENSION));
    private static final Pattern TEMP = Pattern.compile(Pattern.quote(PREFIX) + KEY + Pattern.quote(EXTENSION)
            + "\\.[0-9a-z]{1,20}" + Pattern.quote(ArtifactFile.TEMP_SUFFIX) + "(\\.config)?");

    private ClassCacheFiles() {}

    /** The cache file of a key (32 lowercase hex digits). */
    public static String fileName(String key) {
        if (!KEY_PATTERN.matcher(key).matches()) {
            throw new IllegalArgumentException("not a class cache key: " + key);
        }
        return PREFIX + key + EXTENSION;
    }

    /** A training's output for a key; {@code unique} (1-20 of [0-9a-z]) tells concurrent trainings apart. */
    public static String tempName(String key, String unique) {
        if (!UNIQUE.matcher(unique).matches()) {
            throw new IllegalArgumentException("not a temp file tag: " + unique);
        }
        return fileName(key) + "." + unique + ArtifactFile.TEMP_SUFFIX;
    }

    /**
     * Whether a regular file of this name is one of ours and stale: a temp file, or a cache other
     * than {@code current} (null: no cache is current, every one of ours is stale).
     */
    public static boolean isStale(String name, String current) {
        if (TEMP.matcher(name).matches()) {
            return true;
        }
        return CACHE.matcher(name).matches() && !name.equals(current);
    }

    /**
     * Removes our stale class cache files from {@code folder} (see {@link #isStale}); folders and
     * foreign files are left alone. Returns what was removed.
     */
    public static List<Path> clean(Path folder, String current) throws IOException {
        List<Path> removed = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(folder)) {
            for (Path p : ds) {
                if (Files.isRegularFile(p) && isStale(p.getFileName().toString(), current)) {
                    Files.deleteIfExists(p);
                    removed.add(p);
                }
            }
        }
        return removed;
    }
}
