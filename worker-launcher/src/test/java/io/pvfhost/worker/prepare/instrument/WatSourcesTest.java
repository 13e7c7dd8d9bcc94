package io.pvfhost.worker.prepare.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The committed test binaries are what {@code wat2wasm} (Debian's wabt) makes of the .wat beside
 * them, so that the tests run without wabt and the sources stay the truth. A first line
 * {@code ;; wat2wasm-flags: ...} gives extra flags.
 */
class WatSourcesTest {

    @Test
    void shouldMatchTheCommittedWasmWhenRecompiled() throws Exception {
        var wat2wasm = TestModules.wat2wasm();
        Assumptions.assumeTrue(wat2wasm.isPresent(), "wat2wasm is not on PATH (apt-get install wabt)");
        Path root = Path.of(WatSourcesTest.class.getResource("/instrument").toURI());
        List<Path> sources;
        try (Stream<Path> s = Files.walk(root)) {
            sources = s.filter(p -> p.toString().endsWith(".wat")).sorted().toList();
        }
        assertTrue(sources.size() >= 20, "found " + sources.size() + " .wat files");
        Path tmp = Files.createTempDirectory("wat2wasm");
        try {
            for (Path wat : sources) {
                Path committed = Path.of(wat.toString().replaceAll("\\.wat$", ".wasm"));
                assertTrue(Files.exists(committed), "no committed binary for " + wat);
                Path out = tmp.resolve("out.wasm");
                List<String> cmd = new ArrayList<>(List.of(wat2wasm.get().toString()));
                cmd.addAll(flags(wat));
                cmd.addAll(List.of(wat.toString(), "-o", out.toString()));
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                String log = new String(p.getInputStream().readAllBytes());
                assertEquals(0, p.waitFor(), "wat2wasm " + wat + ": " + log);
                assertEquals(TestModules.hex(Files.readAllBytes(committed)), TestModules.hex(Files.readAllBytes(out)),
                        root.relativize(wat) + " was changed without rebuilding its .wasm");
            }
        } finally {
            try (Stream<Path> s = Files.walk(tmp)) {
                s.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static List<String> flags(Path wat) throws IOException {
        String first = Files.readAllLines(wat).get(0);
        String marker = ";; wat2wasm-flags:";
        return first.startsWith(marker) ? List.of(first.substring(marker.length()).trim().split("\\s+")) : List.of();
    }
}
