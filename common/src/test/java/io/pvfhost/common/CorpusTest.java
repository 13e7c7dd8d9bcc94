package io.pvfhost.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusTest {
    private static final String PROPERTY = "pvf.corpus.dir";

    private static void withCorpusDir(String value, Runnable action) {
        String old = System.getProperty(PROPERTY);
        try {
            if (value == null) {
                System.clearProperty(PROPERTY);
            } else {
                System.setProperty(PROPERTY, value);
            }
            action.run();
        } finally {
            if (old == null) {
                System.clearProperty(PROPERTY);
            } else {
                System.setProperty(PROPERTY, old);
            }
        }
    }

    @Test
    void shouldHonourExplicitCorpusDirectory(@TempDir Path dir) {
        withCorpusDir(dir.toString(), () -> assertEquals(dir.toAbsolutePath().normalize(), Corpus.require()));
        Path missing = dir.resolve("absent");
        withCorpusDir(missing.toString(), () -> {
            assertTrue(Corpus.root().isEmpty());
            IllegalStateException e = assertThrows(IllegalStateException.class, Corpus::require);
            assertTrue(e.getMessage().startsWith("pvf corpus missing at " + missing), e.getMessage());
        });
    }

    @Test
    void shouldLookBesideTheProjectRootByDefault() {
        withCorpusDir(null, () -> {
            Path expected = Corpus.expectedPath();
            assertTrue(expected.endsWith(Path.of("shared", "pvf-corpus")), expected.toString());
        });
    }
}
