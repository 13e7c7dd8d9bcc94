package io.pvfhost.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.pvfhost.common.Hex;
import io.pvfhost.common.hash.Hashing;
import io.pvfhost.common.types.ValidationParams;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line in-process, with real hosts and worker processes, on a shared temporary cache. */
class PvfHostCliTest {
    @TempDir
    static Path cache;

    @TempDir
    Path tmp;

    static CliRun cli(String... args) {
        return CliRun.run(args);
    }

    static String ownPvf(String name) {
        return CliRun.projectRoot().resolve("pvfs").resolve(name).toString();
    }

    // ---- validate

    @ParameterizedTest(name = "{0} on the {1} vector")
    @CsvSource({
        "adder/kagome-adder.code, gossamer",
        "adder/gossamer-adder.code, gossamer",
        "adder/kagome-adder.code, genesis",
        "adder/gossamer-adder.code, genesis",
    })
    void shouldValidateCorpusAddersWithTheExpectedResultBytes(String code, String vector) throws IOException {
        CliRun r = cli("validate", "--json", "--cache", cache.toString(),
                "--code", CliRun.corpusPath(code), "--params", CliRun.corpusPath("adder/adder_" + vector + ".params.hex"));
        r.assertExit(0);
        JsonNode json = r.json();
        assertEquals("valid", json.path("outcome").asText(), r::out);
        assertEquals(CliRun.corpusHex("adder/adder_" + vector + ".expected_output.hex"), json.path("resultBytes").asText());
        JsonNode result = json.path("result");
        assertTrue(result.path("headData").asText().startsWith("0x"), r::out);
        assertTrue(result.path("newValidationCode").isNull(), r::out);
        assertTrue(result.path("upwardMessages").isArray() && result.path("upwardMessages").isEmpty(), r::out);
        assertTrue(result.path("horizontalMessages").isArray() && result.path("horizontalMessages").isEmpty(), r::out);
        assertEquals(0, result.path("processedDownwardMessages").asLong(-1));
        assertFalse(json.has("error"), r::out);
    }

    @ParameterizedTest
    @ValueSource(strings = {"adder/kagome-adder.code", "adder/gossamer-adder.code"})
    void shouldReportAWrongStateAsInvalidWithStateMismatch(String code) {
        CliRun r = cli("validate", "--json", "--cache", cache.toString(),
                "--code", CliRun.corpusPath(code), "--params", CliRun.corpusPath("adder/adder_badstate.params.hex"));
        r.assertExit(1);
        JsonNode json = r.json();
        assertEquals("invalid", json.path("outcome").asText(), r::out);
        assertEquals("WorkerReportedInvalid", json.path("error").path("kind").asText(), r::out);
        assertTrue(json.path("error").path("detail").asText().contains("StateMismatch"), r::out);
        assertFalse(json.has("result"), r::out);
    }

    @Test
    void shouldReadParamsAsRawBytesAndPrintASummaryWithoutJson() throws IOException {
        long relayParent = 7;
        byte[] params = new ValidationParams(AdderChain.genesisHead(), AdderChain.blockData(0, 5), relayParent, new byte[32]).encode();
        Path raw = Files.write(tmp.resolve("params.bin"), params);
        CliRun r = cli("validate", "--cache", cache.toString(), "--kind", "approval", "--timeout", "5s",
                "--code", ownPvf("adder.wasm"), "--params", raw.toString());
        r.assertExit(0);
        String expectedHead = Hex.toHex(AdderChain.nextHead(AdderChain.genesisHead(), 0, 5));
        assertTrue(r.out().startsWith("valid: head " + expectedHead + " (72 bytes)"), r::out);
        assertTrue(r.out().contains("hrmp watermark " + relayParent), r::out);
        assertEquals(1, r.out().lines().count(), r::out);
    }

    @Test
    void shouldReadHexParamsWithPrefixAndWhitespace() throws IOException {
        String hex = Hex.toHexNoPrefix(new ValidationParams(AdderChain.genesisHead(), AdderChain.blockData(0, 5), 1, new byte[32]).encode());
        StringBuilder spaced = new StringBuilder("  0X");
        for (int i = 0; i < hex.length(); i += 32) {
            spaced.append(hex.toUpperCase(), i, Math.min(hex.length(), i + 32)).append(i % 64 == 0 ? " " : "\n");
        }
        Path file = Files.writeString(tmp.resolve("params.hex"), spaced + "\n", StandardCharsets.US_ASCII);
        CliRun r = cli("validate", "--json", "--cache", cache.toString(), "--code", ownPvf("adder.wasm"), "--params", file.toString());
        r.assertExit(0);
        assertEquals("valid", r.json().path("outcome").asText(), r::out);
        assertEquals(1, r.json().path("result").path("hrmpWatermark").asLong());
    }

    @Test
    void shouldRejectParamsThatAreNotValidationParamsWithExit64() throws IOException {
        Path bad = Files.writeString(tmp.resolve("bad.params"), "0x0102", StandardCharsets.US_ASCII);
        CliRun r = cli("validate", "--json", "--cache", cache.toString(), "--code", ownPvf("adder.wasm"), "--params", bad.toString());
        r.assertExit(64);
        assertEquals("", r.out(), "nothing on stdout");
        assertTrue(r.err().contains("--params " + bad) && r.err().contains("not SCALE-encoded ValidationParams"), r::err);
    }

    @Test
    void shouldRejectOddHexParamsWithExit64() throws IOException {
        Path bad = Files.writeString(tmp.resolve("odd.params"), "0x012", StandardCharsets.US_ASCII);
        CliRun r = cli("validate", "--code", ownPvf("adder.wasm"), "--params", bad.toString());
        r.assertExit(64);
        assertTrue(r.err().contains("bad hex"), r::err);
    }

    @Test
    void shouldRejectMissingFilesWithExit64() {
        Path missing = tmp.resolve("missing.code");
        CliRun r = cli("validate", "--code", missing.toString(), "--params", missing.toString());
        r.assertExit(64);
        assertTrue(r.err().contains("--code " + missing + ": no such file"), r::err);

        CliRun p = cli("precheck", "--code", missing.toString());
        p.assertExit(64);
        assertEquals("", p.out());
    }

    @Test
    void shouldRejectUnknownOptionsWithExit64() {
        CliRun r = cli("validate", "--code", "x", "--params", "y", "--bogus");
        r.assertExit(64);
        assertEquals("", r.out());
        assertTrue(r.err().contains("--bogus"), r::err);

        CliRun top = cli("--bogus");
        top.assertExit(64);
        assertTrue(top.err().contains("--bogus"), top::err);
    }

    @Test
    void shouldRejectBadKindAndTimeoutValuesWithExit64() {
        cli("validate", "--code", "x", "--params", "y", "--kind", "audit").assertExit(64);
        cli("validate", "--code", "x", "--params", "y", "--timeout", "2").assertExit(64);
        cli("validate", "--code", "x", "--params", "y", "--timeout", "-1s").assertExit(64);
        cli("validate", "--code", "x", "--params", "y", "--timeout", "soon").assertExit(64);
    }

    @Test
    void shouldAskForACommand() {
        CliRun r = cli();
        r.assertExit(64);
        assertTrue(r.err().contains("missing command"), r::err);
    }

    @Test
    void shouldShowHelpForEveryCommand() {
        for (List<String> args : List.of(List.of("--help"), List.of("demo", "--help"), List.of("precheck", "--help"),
                List.of("validate", "--help"), List.of("help", "validate"))) {
            CliRun r = cli(args.toArray(String[]::new));
            r.assertExit(0);
            assertTrue(r.out().startsWith("Usage: pvf-host"), () -> args + ":\n" + r.out());
            assertTrue(r.out().contains("--cache"), () -> args + ": the global options are shown\n" + r.out());
        }
        String validateHelp = cli("validate", "--help").out().replaceAll("\\s+", " ");
        assertTrue(validateHelp.contains("backing, approval, dispute (default: backing)"), validateHelp);
    }

    // ---- precheck

    @Test
    void shouldPrecheckTheCorpusAdderAsValid() {
        CliRun r = cli("precheck", "--json", "--cache", cache.toString(), "--code", CliRun.corpusPath("adder/kagome-adder.code"));
        r.assertExit(0);
        JsonNode json = r.json();
        assertEquals("valid", json.path("outcome").asText(), r::out);
        // code hash from the corpus MANIFEST
        assertEquals("0x7a163b303ff19b1ba1911bcf6bc59c5a7a9d8f2e187aa4be772f56f76b8b6f0e", json.path("codeHash").asText());
        assertFalse(json.has("error"), r::out);
    }

    @Test
    void shouldPrecheckGarbageAsInvalid() throws IOException {
        byte[] garbage = new byte[300];
        Arrays.fill(garbage, (byte) 0x5a);
        Path code = Files.write(tmp.resolve("garbage.code"), garbage);
        CliRun r = cli("precheck", "--json", "--cache", cache.toString(), "--code", code.toString());
        r.assertExit(1);
        JsonNode json = r.json();
        assertEquals("invalid", json.path("outcome").asText(), r::out);
        assertEquals(Hex.toHex(Hashing.blake2b256(garbage)), json.path("codeHash").asText());
        assertFalse(json.path("error").path("kind").asText().isEmpty(), r::out);
        assertTrue(json.path("error").has("detail"), r::out);

        CliRun text = cli("precheck", "--cache", cache.toString(), "--code", code.toString());
        text.assertExit(1);
        assertTrue(text.out().startsWith("invalid: code hash " + Hex.toHex(Hashing.blake2b256(garbage))), text::out);
    }

    // ---- global options

    @Test
    void shouldUseTheCacheFolderGivenBeforeOrAfterTheCommand() throws IOException {
        Path before = Files.createDirectory(tmp.resolve("before"));
        Path after = Files.createDirectory(tmp.resolve("after"));
        cli("--cache", before.toString(), "precheck", "--code", ownPvf("halt.wasm")).assertExit(0);
        cli("precheck", "--code", ownPvf("halt.wasm"), "--cache", after.toString()).assertExit(0);
        assertEquals(1, artifacts(before), "artifacts in " + before);
        assertEquals(1, artifacts(after), "artifacts in " + after);
    }

    @Test
    void shouldTakeSettingsFromTheConfigFile() throws IOException {
        Path configured = Files.createDirectory(tmp.resolve("configured"));
        Path conf = Files.writeString(tmp.resolve("host.conf"),
                "pvf.host {\n  cache-path = \"" + configured + "\"\n  execute.workers-max = 1\n}\n");
        cli("--config", conf.toString(), "precheck", "--code", ownPvf("halt.wasm")).assertExit(0);
        assertEquals(1, artifacts(configured));

        Path bad = Files.writeString(tmp.resolve("bad.conf"), "pvf.host.execute.workers-max = 0\n");
        CliRun r = cli("precheck", "--config", bad.toString(), "--code", ownPvf("halt.wasm"));
        r.assertExit(64);
        assertTrue(r.err().contains("workers-max"), r::err);

        CliRun missing = cli("precheck", "--config", tmp.resolve("nope.conf").toString(), "--code", ownPvf("halt.wasm"));
        missing.assertExit(64);
        assertTrue(missing.err().contains("--config"), missing::err);
    }

    private static long artifacts(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".pvfa")).count();
        }
    }

    // ---- demo

    @Test
    void shouldRunTheDemo() {
        CliRun r = cli("demo");
        r.assertExit(0);
        List<String> lines = r.out().lines().toList();
        List<String> blocks = lines.stream().filter(l -> l.startsWith("block ")).toList();
        assertEquals(6, blocks.size(), r::out);
        for (int n = 1; n <= 5; n++) {
            String line = blocks.get(n - 1);
            assertTrue(line.matches("block " + n + " +valid +head hash 0x[0-9a-f]{8}\\.\\. .* \\d+ ms.*"), line);
        }
        assertTrue(blocks.get(0).contains("includes preparation"), blocks.get(0));
        assertTrue(blocks.get(5).matches("block 6 +invalid +WorkerReportedInvalid: StateMismatch .*"), blocks.get(5));
        assertTrue(lines.get(lines.size() - 1).startsWith("demo ok"), r::out);
        // the temporary cache is gone
        String cacheLine = lines.stream().filter(l -> l.startsWith("cache ")).findFirst().orElseThrow();
        assertTrue(cacheLine.endsWith("(temporary)"), cacheLine);
        Path temp = Path.of(cacheLine.substring("cache ".length(), cacheLine.length() - " (temporary)".length()));
        assertFalse(Files.exists(temp), "temporary cache left behind: " + temp);
    }

    @Test
    void shouldRunTheDemoOnAGivenCache() throws IOException {
        Path own = Files.createDirectory(tmp.resolve("demo-cache"));
        CliRun r = cli("demo", "--blocks", "2", "--cache", own.toString());
        r.assertExit(0);
        assertEquals(3, r.out().lines().filter(l -> l.startsWith("block ")).count(), r::out);
        assertEquals(1, artifacts(own), "the given cache is kept");
    }
}
