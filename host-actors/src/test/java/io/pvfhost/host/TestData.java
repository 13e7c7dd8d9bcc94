package io.pvfhost.host;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pvfhost.common.Corpus;
import io.pvfhost.common.Hex;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Finds the corpus and our own PVFs, and makes host configurations for tests. */
public final class TestData {
    private TestData() {}

    public static Path projectRoot() {
        String p = System.getProperty("pvf.project.root");
        if (p != null) {
            return Path.of(p);
        }
        Path d = Path.of("").toAbsolutePath();
        while (d != null && !Files.exists(d.resolve("pvfs"))) {
            d = d.getParent();
        }
        return d;
    }

    /** One of our own PVFs from pvfs/ (the committed .wasm built from its .wat). */
    public static byte[] ownPvf(String name) throws IOException {
        return Files.readAllBytes(projectRoot().resolve("pvfs").resolve(name));
    }

    /** The corpus folder, or the test is skipped with a message saying where it was looked for. */
    public static Path corpus() {
        var root = Corpus.root();
        Assumptions.assumeTrue(root.isPresent(), Corpus.missingMessage());
        return root.get();
    }

    public static byte[] corpusFile(String rel) throws IOException {
        return Files.readAllBytes(corpus().resolve(rel));
    }

    public static byte[] corpusHex(String rel) throws IOException {
        return Hex.decode(Files.readString(corpus().resolve(rel), StandardCharsets.UTF_8));
    }

    /**
     * A configuration with its own cache folder and no worker class cache (else every host started
     * on a fresh folder would begin a training; {@code extra} may turn it on again).
     */
    public static Config config(Path cache, String extra) {
        return ConfigFactory.parseString("pvf.host.cache-path = \"" + cache + "\"\npvf.host.worker.class-cache = off\n" + extra)
                .withFallback(ConfigFactory.defaultReference()).resolve();
    }
}
