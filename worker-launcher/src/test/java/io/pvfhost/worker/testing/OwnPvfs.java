package io.pvfhost.worker.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** The project's own PVFs: {@code pvfs/} at the project root, found upwards from the working folder. */
public final class OwnPvfs {
    private OwnPvfs() {}

    public static Path folder() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("pvfs"))) {
                return d.resolve("pvfs");
            }
        }
        throw new IllegalStateException("no pvfs/ folder above " + Path.of("").toAbsolutePath());
    }
}
