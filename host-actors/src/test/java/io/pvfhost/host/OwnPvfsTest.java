package io.pvfhost.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The committed .wasm files of pvfs/ must be what their .wat sources build to. */
class OwnPvfsTest {

    static List<Path> watFiles() throws Exception {
        try (Stream<Path> s = Files.list(TestData.projectRoot().resolve("pvfs"))) {
            return s.filter(p -> p.toString().endsWith(".wat")).sorted().toList();
        }
    }

    @Test
    void everyWatSourceShouldHaveItsWasmBeside() throws Exception {
        List<Path> wats = watFiles();
        assertFalse(wats.isEmpty(), "no .wat sources found in pvfs/");
        for (Path wat : wats) {
            assertTrue(Files.exists(Path.of(wat.toString().replaceAll("\\.wat$", ".wasm"))), "missing .wasm for " + wat);
        }
    }

    @Test
    void committedWasmShouldMatchItsWatSource(@TempDir Path tmp) throws Exception {
        boolean haveWat2wasm = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(d -> Files.isExecutable(Path.of(d, "wat2wasm")));
        Assumptions.assumeTrue(haveWat2wasm, "wat2wasm is not installed (apt-get install wabt): cannot rebuild pvfs/*.wat");
        for (Path wat : watFiles()) {
            Path out = tmp.resolve(wat.getFileName() + ".wasm");
            Process p = new ProcessBuilder("wat2wasm", wat.toString(), "-o", out.toString()).inheritIO().start();
            assertTrue(p.waitFor() == 0, "wat2wasm failed on " + wat);
            Path committed = Path.of(wat.toString().replaceAll("\\.wat$", ".wasm"));
            assertArrayEquals(Files.readAllBytes(out), Files.readAllBytes(committed), committed + " is stale: rebuild it");
        }
    }
}
