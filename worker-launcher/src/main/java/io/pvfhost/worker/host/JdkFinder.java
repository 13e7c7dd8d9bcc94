package io.pvfhost.worker.host;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds a JDK for workers: Chicory's compiled wasm runs much faster on JDK 25 than on 17
 * (docs/BENCHMARKS.md: the compute loop 1.4x V8 instead of 2.5x), so where one is installed,
 * workers use it even when the host itself runs on 17.
 */
public final class JdkFinder {
    /** The oldest JDK the workers prefer over the host's own. */
    public static final int PREFERRED_MAJOR = 25;
    private static final Pattern VERSION = Pattern.compile("^JAVA_VERSION=\"(\\d+)[^\"]*\"", Pattern.MULTILINE);

    private JdkFinder() {}

    /** A JDK home and its major version. */
    public record Jdk(Path home, int major) {
        public Path java() {
            return WorkerSpec.javaIn(home);
        }
    }

    /**
     * The newest JDK of {@link #PREFERRED_MAJOR} or later among the host's own, its siblings and
     * the given folders; empty when there is none.
     */
    public static Optional<Jdk> findPreferred(Path ownHome, List<Path> searchFolders) {
        Set<Path> candidates = new LinkedHashSet<>();
        candidates.add(ownHome);
        List<Path> folders = new ArrayList<>(searchFolders);
        if (ownHome.getParent() != null) {
            folders.add(ownHome.getParent());
        }
        for (Path folder : folders) {
            if (!Files.isDirectory(folder)) {
                continue;
            }
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(folder)) {
                ds.forEach(candidates::add);
            } catch (IOException ignored) {
                // an unreadable folder has no JDK for us
            }
        }
        return candidates.stream()
                .map(JdkFinder::describe)
                .flatMap(Optional::stream)
                .filter(j -> j.major() >= PREFERRED_MAJOR && Files.isExecutable(j.java()))
                .max(Comparator.comparingInt(Jdk::major));
    }

    /** The standard places: the host's java.home and /usr/lib/jvm. */
    public static Optional<Jdk> findPreferred() {
        return findPreferred(Path.of(System.getProperty("java.home")), List.of(Path.of("/usr/lib/jvm")));
    }

    /** A JDK home's major version, from its {@code release} file. */
    static Optional<Jdk> describe(Path home) {
        try {
            Path release = home.toRealPath().resolve("release");
            if (!Files.isRegularFile(release)) {
                return Optional.empty();
            }
            Matcher m = VERSION.matcher(Files.readString(release));
            return m.find() ? Optional.of(new Jdk(home.toRealPath(), Integer.parseInt(m.group(1)))) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
