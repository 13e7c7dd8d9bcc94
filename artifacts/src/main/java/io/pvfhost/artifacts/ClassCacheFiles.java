package io.pvfhost.artifacts;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Names of the worker JVMs' class cache files, which live in the cache folder unless configured
 * elsewhere:
 *
 * <ul>
 *   <li>{@code pvf-class-cache-<key>.aot} (the AOT cache of JDK 25 and later) or {@code .jsa} (an
 *       AppCDS archive, before 25): a cache; the key (32 hex digits) hashes everything the cache
 *       depends on (JDK, class path, options), so any change gives a new name;
 *   <li>{@code pvf-class-cache-<key>.aot.<unique>.tmp} (or {@code .jsa...}): a training's output,
 *       renamed into place once checked; and the same name with {@code .config}, which the JVM
 *       writes beside an AOT cache while it trains.
 * </ul>
 *
 * Like the artifacts, these are the only shapes ever deleted: a cache of another key and any temp
 * file are stale, the current cache is kept, every other name is left alone.
 */
public final class ClassCacheFiles {
    public static final String PREFIX = "pvf-class-cache-";
    /** An AOT cache (JDK 25 and later). */
    public static final String AOT = ".aot";
    /** An AppCDS archive (JDK 17 to 24). */
    public static final String APPCDS = ".jsa";
    private static final String KEY = "[0-9a-f]{32}";
    private static final String EXTENSIONS = "(" + Pattern.quote(AOT) + "|" + Pattern.quote(APPCDS) + ")";
    private static final Pattern KEY_PATTERN = Pattern.compile(KEY);
    private static final Pattern UNIQUE = Pattern.compile("[0-9a-z]{1,20}");
    private static final Pattern CACHE = Pattern.compile(Pattern.quote(PREFIX) + KEY + EXTENSIONS);
    private static final Pattern TEMP = Pattern.compile(Pattern.quote(PREFIX) + KEY + EXTENSIONS
            + "\\.[0-9a-z]{1,20}" + Pattern.quote(ArtifactFile.TEMP_SUFFIX) + "(\\.config)?");

    private ClassCacheFiles() {}

    /** The cache file of a key (32 lowercase hex digits) with {@link #AOT} or {@link #APPCDS}. */
    public static String fileName(String key, String extension) {
        if (!KEY_PATTERN.matcher(key).matches()) {
            throw new IllegalArgumentException("not a class cache key: " + key);
        }
        if (!extension.equals(AOT) && !extension.equals(APPCDS)) {
            throw new IllegalArgumentException("not a class cache extension: " + extension);
        }
        return PREFIX + key + extension;
    }

    /** A training's output for a cache file name; {@code unique} (1-20 of [0-9a-z]) tells concurrent trainings apart. */
    public static String tempName(String cacheFileName, String unique) {
        if (!CACHE.matcher(cacheFileName).matches()) {
            throw new IllegalArgumentException("not a class cache file name: " + cacheFileName);
        }
        if (!UNIQUE.matcher(unique).matches()) {
            throw new IllegalArgumentException("not a temp file tag: " + unique);
        }
        return cacheFileName + "." + unique + ArtifactFile.TEMP_SUFFIX;
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
