package io.pvfhost.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code bin/pvf-host} script as a subprocess, on the packaged cli jar and class path file.
 * It runs with PVF_HOST_SKIP_BUILD=1 so that a test never starts a Maven build. In the test phase
 * it skips itself while the package is missing or older than the classes; cli/pom.xml runs it again
 * in the package phase, after the jar and classpath.txt are written.
 */
class ScriptTest {
    static Path root;

    @TempDir
    Path cache;

    /** Per test rather than per class, so that a skip shows in the report with its reason. */
    @BeforeEach
    void requireAnUpToDatePackage() throws IOException {
        root = CliRun.projectRoot();
        Path target = root.resolve("cli/target");
        Optional<Path> jar;
        try (Stream<Path> s = Files.list(target)) {
            jar = s.filter(p -> p.getFileName().toString().matches("pvf-cli-.*(?<!-sources|-tests|-javadoc)\\.jar")).findFirst();
        }
        Assumptions.assumeTrue(jar.isPresent() && Files.isRegularFile(target.resolve("classpath.txt")),
                "cli not packaged yet in " + target + ": this test runs again in the package phase");
        FileTime packaged = Files.getLastModifiedTime(jar.get());
        try (Stream<Path> s = Files.walk(target.resolve("classes"))) {
            Optional<Path> newer = s.filter(Files::isRegularFile).filter(p -> isAfter(p, packaged)).findAny();
            Assumptions.assumeTrue(newer.isEmpty(), () -> jar.get() + " is older than " + newer.orElseThrow()
                    + ": this test runs again in the package phase");
        }
    }

    private static boolean isAfter(Path p, FileTime t) {
        try {
            return Files.getLastModifiedTime(p).compareTo(t) > 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    record Result(int exit, String out, String err) {}

    Result script(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(root.resolve("bin/pvf-host").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cache.toFile());
        pb.environment().put("PVF_HOST_SKIP_BUILD", "1");
        Path out = Files.createTempFile(cache, "out", ".txt");
        Path err = Files.createTempFile(cache, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("bin/pvf-host did not finish in 180 s: " + cmd);
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void shouldValidateWithJsonThroughTheScript() throws Exception {
        Result r = script("validate", "--json", "--cache", cache.resolve("artifacts").toString(),
                "--code", CliRun.corpusPath("adder/kagome-adder.code"),
                "--params", CliRun.corpusPath("adder/adder_gossamer.params.hex"));
        assertEquals(0, r.exit(), () -> "stdout:\n" + r.out() + "\nstderr:\n" + r.err());
        JsonNode json = CliRun.parseOneObject(r.out());
        assertEquals("valid", json.path("outcome").asText(), r::out);
        assertEquals(CliRun.corpusHex("adder/adder_gossamer.expected_output.hex"), json.path("resultBytes").asText());
        assertTrue(json.path("result").path("headData").asText().startsWith("0x"), r::out);
    }

    @Test
    void shouldExitWith64OnBadParamsThroughTheScript() throws Exception {
        Path bad = Files.writeString(cache.resolve("bad.params"), "not params", StandardCharsets.US_ASCII);
        Result r = script("validate", "--json", "--code", root.resolve("pvfs/adder.wasm").toString(), "--params", bad.toString());
        assertEquals(64, r.exit(), r::err);
        assertEquals("", r.out());
        assertTrue(r.err().contains("not SCALE-encoded ValidationParams"), r::err);
    }
}
