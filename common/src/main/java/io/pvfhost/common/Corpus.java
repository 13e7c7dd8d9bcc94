package io.pvfhost.common;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the shared test corpus of real validation code ({@code ../shared/pvf-corpus} beside the
 * project root). The corpus is test data outside the project, so callers must cope with its
 * absence: tests skip with {@link #missingMessage()}, tools fail with {@link #require()}.
 *
 * <p>Lookup: system property {@code pvf.corpus.dir} if set; else the project root from
 * {@code pvf.project.root} (Surefire sets it), or the nearest folder at or above
 * {@code user.dir} that holds {@code common/pom.xml}; then {@code ../shared/pvf-corpus} from it.
 */
public final class Corpus {
    private Corpus() {}

    /** Where the corpus is expected, whether or not it is there. */
    public static Path expectedPath() {
        String explicit = System.getProperty("pvf.corpus.dir");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit).toAbsolutePath().normalize();
        }
        return projectRoot().resolve("../shared/pvf-corpus").normalize();
    }

    /** The corpus folder, if it exists. */
    public static Optional<Path> root() {
        Path p = expectedPath();
        return Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
    }

    /** The corpus folder; {@link IllegalStateException} saying where it was looked for if absent. */
    public static Path require() {
        return root().orElseThrow(() -> new IllegalStateException(missingMessage()));
    }

    public static String missingMessage() {
        return "pvf corpus missing at " + expectedPath()
                + ": it lives beside the project as ../shared/pvf-corpus (or set -Dpvf.corpus.dir)";
    }

    private static Path projectRoot() {
        String prop = System.getProperty("pvf.project.root");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath().normalize();
        for (Path p = start; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("common/pom.xml"))) {
                return p;
            }
        }
        return start;
    }
}
