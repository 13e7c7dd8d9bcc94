package io.pvfhost.artifacts;

import io.pvfhost.common.Version;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache folder. It may be a folder the user also uses for other things, so we only ever
 * delete files we recognise as ours: artifact files ({@code chicory-*.pvfa}), our temp files, our
 * worker folders ({@code pvf-worker-*}) and worker class caches ({@link ClassCacheFiles}).
 */
public final class ArtifactStore {
    private static final Logger LOG = LoggerFactory.getLogger(ArtifactStore.class);
    public static final String WORKER_DIR_PREFIX = "pvf-worker-";
    private static final String ENGINE_PREFIX = "chicory-";

    private final Path root;

    private ArtifactStore(Path root) {
        this.root = root;
    }

    /** An artifact file of the current engine found at start. */
    public record Found(ArtifactId id, Path path, long size, Instant modified) {}

    /** Opens the folder, creating it owner-only when absent. */
    public static ArtifactStore open(Path root) throws IOException {
        Path abs = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(abs)) {
            Files.createDirectories(abs);
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(abs, PosixFilePermissions.fromString("rwx------"));
            }
        }
        if (!Files.isWritable(abs)) {
            throw new IOException("cache folder is not writable: " + abs);
        }
        return new ArtifactStore(abs);
    }

    public Path root() {
        return root;
    }

    public Path pathOf(ArtifactId id) {
        return root.resolve(id.fileName());
    }

    /** {@link #cleanAndScan(String)} with no class cache to keep. */
    public List<Found> cleanAndScan() throws IOException {
        return cleanAndScan(null);
    }

    /**
     * Removes our stale files (temp files, other engine versions, left-over worker folders, class
     * caches other than {@code classCacheToKeep} and their temp files) and returns the artifacts
     * of the current engine that remain. Foreign files are left alone.
     *
     * @param classCacheToKeep the file name of the class cache in use (null: none is in use here)
     */
    public List<Found> cleanAndScan(String classCacheToKeep) throws IOException {
        List<Found> found = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (name.startsWith(WORKER_DIR_PREFIX) && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    deleteTree(p);
                } else if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    // we never make folders or links under artifact or temp names: not ours, and
                    // deleting a non-empty folder would fail the whole scan
                    continue;
                } else if (ClassCacheFiles.isStale(name, classCacheToKeep)) {
                    LOG.info("removing stale worker class cache file: {}", name);
                    Files.deleteIfExists(p);
                } else if (name.startsWith(ENGINE_PREFIX) && name.endsWith(ArtifactFile.TEMP_SUFFIX)) {
                    Files.deleteIfExists(p);
                } else if (name.startsWith(ENGINE_PREFIX) && name.endsWith(ArtifactId.EXTENSION)) {
                    var id = ArtifactId.fromFileName(name);
                    if (id.isPresent()) {
                        found.add(new Found(id.get(), p, Files.size(p), Files.getLastModifiedTime(p).toInstant()));
                    } else if (!name.startsWith(Version.ENGINE_VERSION + "_")) {
                        LOG.info("removing artifact of another engine version: {}", name);
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
        return found;
    }

    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
