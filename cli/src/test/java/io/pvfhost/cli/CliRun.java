package io.pvfhost.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.pvfhost.common.Corpus;
import io.pvfhost.common.Hex;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** One in-process run of the command line: exit status, stdout and stderr. */
record CliRun(int exit, String out, String err) {
    private static final JsonMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    static CliRun run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            exit = PvfHostCli.run(args, o, e);
        }
        return new CliRun(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Stdout as exactly one JSON object (nothing before or after it but whitespace). */
    JsonNode json() {
        return parseOneObject(out);
    }

    static JsonNode parseOneObject(String text) {
        JsonNode node;
        try {
            node = STRICT.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("stdout is not one JSON value: " + e.getMessage() + "\n" + text, e);
        }
        assertTrue(node != null && node.isObject(), () -> "stdout is not a JSON object: " + text);
        return node;
    }

    void assertExit(int expected) {
        assertEquals(expected, exit, () -> "exit status; stdout:\n" + out + "\nstderr:\n" + err);
    }

    /** The corpus folder, or the test is skipped saying where it was looked for. */
    static Path corpus() {
        var root = Corpus.root();
        Assumptions.assumeTrue(root.isPresent(), Corpus.missingMessage());
        return root.get();
    }

    static String corpusPath(String rel) {
        return corpus().resolve(rel).toString();
    }

    /** A corpus hex file as canonical 0x-prefixed lower-case hex. */
    static String corpusHex(String rel) throws IOException {
        return Hex.toHex(Hex.decode(Files.readString(corpus().resolve(rel), StandardCharsets.UTF_8)));
    }

    static Path projectRoot() {
        String p = System.getProperty("pvf.project.root");
        if (p != null && !p.isBlank()) {
            return Path.of(p).toAbsolutePath().normalize();
        }
        Path d = Path.of("").toAbsolutePath();
        while (d != null && !Files.isDirectory(d.resolve("pvfs"))) {
            d = d.getParent();
        }
        if (d == null) {
            throw new IllegalStateException("project root not found: set -Dpvf.project.root");
        }
        return d;
    }
}
