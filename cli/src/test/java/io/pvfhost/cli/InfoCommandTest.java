package io.pvfhost.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.pvfhost.common.Hex;
import io.pvfhost.common.blob.MaybeCompressed;
import io.pvfhost.common.hash.Hashing;
import io.pvfhost.host.HostSettings;
import io.pvfhost.worker.host.ClassCache;
import io.pvfhost.worker.host.WorkerKind;
import io.pvfhost.worker.host.WorkerSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code pvf-host info}: run as a command of its own (and through {@code PvfHostCli} once it is
 * registered there), on our PVFs, the corpus and broken input.
 */
class InfoCommandTest {
    @TempDir
    Path tmp;

    /** The command on its own, as picocli runs it: exit status, stdout, stderr. */
    static CliRun info(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new InfoCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new CliRun(exit, out.toString(), err.toString());
    }

    static Path ownPvf(String name) {
        return CliRun.projectRoot().resolve("pvfs").resolve(name);
    }

    static List<String> names(JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(e -> names.add((e.has("module") ? e.path("module").asText() + "." : "") + e.path("name").asText()
                + ":" + e.path("kind").asText()));
        return names;
    }

    @Test
    void shouldDescribeRawWasm() throws Exception {
        Path adder = ownPvf("adder.wasm");
        byte[] bytes = Files.readAllBytes(adder);
        CliRun r = info("--code", adder.toString(), "--json");
        r.assertExit(0);
        JsonNode json = r.json();
        assertEquals(Hex.toHex(Hashing.blake2b256(bytes)), json.path("codeHash").asText());
        assertEquals(bytes.length, json.path("size").asLong());
        assertFalse(json.path("compressed").asBoolean());
        assertEquals(bytes.length, json.path("decompressedSize").asLong());
        assertEquals(List.of("env.memory:memory", "env.ext_allocator_malloc_version_1:function", "env.ext_allocator_free_version_1:function",
                "env.ext_hashing_keccak_256_version_1:function", "env.ext_logging_log_version_1:function"), names(json.path("imports")));
        assertTrue(names(json.path("exports")).containsAll(List.of("__heap_base:global", "validate_block:function")),
                json.path("exports").toString());
        assertTrue(json.path("runtimeVersion").isNull(), r::out);
        assertFalse(json.has("error"), r::out);
        assertEquals("", r.err());
    }

    @Test
    void shouldDescribeCompressedCodeAndItsRuntimeVersion() throws Exception {
        Path coretime = CliRun.corpus().resolve("cumulus/coretime-polkadot-v1003000.code");
        CliRun r = info("--json", "--code", coretime.toString());
        r.assertExit(0);
        JsonNode json = r.json();
        assertEquals("0xa4fb99720cf46ab485918e3034948a63993ef66e44473ae79ca48b043ada9c6e", json.path("codeHash").asText());
        assertEquals(1054742, json.path("size").asLong());
        assertTrue(json.path("compressed").asBoolean());
        assertTrue(json.path("decompressedSize").asLong() > 3_000_000, r::out);
        assertTrue(names(json.path("exports")).contains("validate_block:function"), r::out);
        assertTrue(json.path("imports").size() > 10, r::out);
        json.path("imports").forEach(i -> assertEquals("env", i.path("module").asText()));
        JsonNode v = json.path("runtimeVersion");
        assertEquals("coretime-polkadot", v.path("specName").asText());
        assertEquals("coretime-polkadot", v.path("implName").asText());
        assertEquals(1_003_000, v.path("specVersion").asLong());
        assertEquals(16, v.path("apis").size());
        assertEquals(5, findApi(v, "0xdf6acb689907609b").path("version").asLong(), "the Core API, version 5");
    }

    static JsonNode findApi(JsonNode version, String id) {
        for (JsonNode api : version.path("apis")) {
            if (api.path("id").asText().equals(id)) {
                return api;
            }
        }
        throw new AssertionError("no api " + id + " in " + version);
    }

    @Test
    void shouldPrintASummaryWithoutJson() throws Exception {
        Path adder = ownPvf("adder.wasm");
        byte[] compressed = MaybeCompressed.compress(Files.readAllBytes(adder), 3);
        Path file = tmp.resolve("adder.code");
        Files.write(file, compressed);
        CliRun r = info("--code", file.toString());
        r.assertExit(0);
        assertTrue(r.out().startsWith("code hash        " + Hex.toHex(Hashing.blake2b256(compressed))), r.out());
        assertTrue(r.out().contains("size             " + compressed.length + " bytes, compressed"), r.out());
        assertTrue(r.out().contains("decompressed     " + Files.size(adder) + " bytes"), r.out());
        assertTrue(r.out().contains("runtime version  none"), r.out());
        assertTrue(r.out().contains("imports          5"), r.out());
        assertTrue(r.out().contains("  env.ext_logging_log_version_1 (function)"), r.out());
        assertTrue(r.out().contains("  validate_block (function)"), r.out());
    }

    @Test
    void shouldShowHashAndSizeOfCodeThatIsNotWasmAndExitWith2() throws Exception {
        Path file = tmp.resolve("junk.code");
        byte[] junk = "definitely not wasm".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Files.write(file, junk);
        CliRun r = info("--code", file.toString(), "--json");
        r.assertExit(2);
        JsonNode json = r.json();
        assertEquals(Hex.toHex(Hashing.blake2b256(junk)), json.path("codeHash").asText());
        assertEquals(junk.length, json.path("decompressedSize").asLong());
        assertTrue(json.path("imports").isNull(), r::out);
        assertTrue(json.path("error").asText().startsWith("not a wasm module"), r::out);

        CliRun text = info("--code", file.toString());
        text.assertExit(2);
        assertTrue(text.out().contains("error            not a wasm module"), text.out());
    }

    @Test
    void shouldRefuseADecompressionBombWithExit2() throws Exception {
        // 40 MiB of zeros compress to a few KiB; the default bomb limit is 30 MiB
        byte[] bomb = MaybeCompressed.compress(new byte[40 << 20], 3);
        Path file = tmp.resolve("bomb.code");
        Files.write(file, bomb);
        CliRun r = info("--code", file.toString(), "--json");
        r.assertExit(2);
        JsonNode json = r.json();
        assertTrue(json.path("compressed").asBoolean());
        assertTrue(json.path("decompressedSize").isNull(), r::out);
        assertTrue(json.path("error").asText().startsWith("cannot decompress"), r::out);
    }

    @Test
    void shouldReportBadUsageWith64() throws Exception {
        CliRun missing = info("--code", tmp.resolve("absent.code").toString());
        missing.assertExit(64);
        assertTrue(missing.err().contains("--code") && missing.err().contains("no such file"), missing.err());
        assertEquals("", missing.out());

        Path empty = tmp.resolve("empty.code");
        Files.write(empty, new byte[0]);
        CliRun e = info("--code", empty.toString(), "--json");
        e.assertExit(64);
        assertTrue(e.err().contains("empty"), e.err());
        assertEquals("", e.out(), "nothing on stdout on a usage error, even with --json");

        info("--code", tmp.toString()).assertExit(64); // a folder
        CliRun neither = info();
        neither.assertExit(64);
        assertTrue(neither.err().contains("give --code FILE, --workers, or both"), neither.err());
        info("--code", ownPvf("adder.wasm").toString(), "--bogus").assertExit(64);
    }

    @Test
    void theCommandLinesOneShotHostsShouldPrepareWithC1Only() throws Exception {
        CliRun r = PvfHostCliTest.cli("info", "--workers", "--json");
        r.assertExit(0);
        List<String> prepare = strings(r.json().path("workers").path("prepareOptions"));
        List<String> execute = strings(r.json().path("workers").path("executeOptions"));
        assertEquals("-XX:TieredStopAtLevel=1", prepare.get(prepare.size() - 1), prepare.toString());
        assertFalse(execute.contains("-XX:TieredStopAtLevel=1"), execute.toString());
    }

    @Test
    void shouldShowEachKindsOwnOptionsLast() throws Exception {
        Path conf = java.nio.file.Files.writeString(tmp.resolve("kinds.conf"), """
                pvf.host.worker.prepare-jvm-options = ["-XX:TieredStopAtLevel=1"]
                pvf.host.worker.execute-jvm-options = ["-XX:+BytecodeVerificationRemote"]
                """);
        CliRun r = PvfHostCliTest.cli("--config", conf.toString(), "info", "--workers", "--json");
        r.assertExit(0);
        JsonNode w = r.json().path("workers");
        List<String> prepare = strings(w.path("prepareOptions"));
        List<String> execute = strings(w.path("executeOptions"));
        assertEquals("-XX:TieredStopAtLevel=1", prepare.get(prepare.size() - 1), prepare.toString());
        assertFalse(execute.contains("-XX:TieredStopAtLevel=1"), execute.toString());
        assertEquals("-XX:+BytecodeVerificationRemote", execute.get(execute.size() - 1), execute.toString());
        assertTrue(w.path("classVerification").asText().endsWith("and again in execute workers"), r::out);
    }

    @Test
    void shouldShowTheWorkerJvmAndWhatClassCacheAutoGives() throws Exception {
        // on its own the command reads ConfigFactory.load(): reference.conf's class-cache = auto
        CliRun r = info("--workers", "--json");
        r.assertExit(0);
        assertFalse(r.json().has("codeHash"), r::out);
        JsonNode w = r.json().path("workers");
        HostSettings s = HostSettings.from(ConfigFactory.load());
        WorkerSpec spec = s.workerSpec();
        assertEquals(spec.javaExecutable().toString(), w.path("java").asText());
        ClassCache.Facts facts = ClassCache.facts(spec);
        assertEquals(facts.runtimeVersion(), w.path("javaVersion").asText());
        // each kind's own options first, then the configured ones, as WorkerHandle starts them
        List<String> prepare = new ArrayList<>(WorkerKind.PREPARE.jvmOptions());
        prepare.addAll(spec.jvmOptions());
        List<String> execute = new ArrayList<>(WorkerKind.EXECUTE.jvmOptions());
        execute.addAll(spec.jvmOptions());
        assertEquals(prepare, strings(w.path("prepareOptions")));
        assertEquals(execute, strings(w.path("executeOptions")));
        assertTrue(execute.contains("-XX:-BytecodeVerificationRemote"), execute.toString());
        assertEquals(List.of("--kept-artifacts", Integer.toString(s.executeKeptArtifacts())),
                strings(w.path("executeWorkerOptions")));
        assertTrue(w.path("classVerification").asText().startsWith("by the JVM at preparation; execute workers define"), r::out);
        JsonNode cc = w.path("classCache");
        assertEquals("auto", cc.path("setting").asText());
        ClassCache.Decision d = ClassCache.decide(true, spec, facts, s.classCachePath());
        if (d instanceof ClassCache.Decision.Use u) {
            assertEquals(u.file().toString(), cc.path("file").asText());
            assertEquals(Files.isRegularFile(u.file()), cc.path("made").asBoolean());
            assertTrue(cc.path("reason").isNull(), r::out);
        } else {
            assertTrue(cc.path("file").isNull(), r::out);
            assertEquals(((ClassCache.Decision.None) d).reason(), cc.path("reason").asText());
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void pvfHostShouldShowItsOwnClassCacheOffAndMakeNothing() throws Exception {
        Path cache = tmp.resolve("cache");
        CliRun r = CliRun.run("--cache", cache.toString(), "info", "--workers");
        r.assertExit(0);
        List<String> lines = r.out().lines().toList();
        assertEquals(6, lines.size(), r.out());
        assertTrue(lines.get(0).startsWith("worker java      /"), r.out());
        assertTrue(lines.get(1).startsWith("prepare JVM      -XX:-DontCompileHugeMethods -Xmx"), r.out());
        assertTrue(lines.get(2).startsWith("execute JVM      -XX:+UnlockDiagnosticVMOptions -XX:-BytecodeVerificationRemote -Xmx"), r.out());
        assertEquals("execute worker   --kept-artifacts 4 (pvf.host.execute.worker-kept-artifacts)", lines.get(3), r.out());
        assertTrue(lines.get(4).startsWith("verification     by the JVM at preparation"), r.out());
        assertTrue(lines.get(5).startsWith("class cache      off (pvf.host.worker.class-cache); with auto: "), r.out());
        assertFalse(Files.exists(cache), "info made the cache folder");

        CliRun both = CliRun.run("info", "--code", ownPvf("adder.wasm").toString(), "--workers", "--json");
        both.assertExit(0);
        assertTrue(both.json().has("codeHash") && both.json().path("workers").has("java"), both::out);
        assertEquals("off", both.json().path("workers").path("classCache").path("setting").asText());
    }

    @Test
    void helpShouldListTheExitStatuses() {
        CliRun r = info("--help");
        r.assertExit(0);
        assertTrue(r.out().contains("Exit status:") && r.out().contains("64") && r.out().contains("2"), r.out());
    }

    /** The same through the real command line. */
    @Test
    void shouldRunAsASubcommandOfPvfHost() {
        assertTrue(new CommandLine(new PvfHostCli(false)).getSubcommands().containsKey("info"), "info is not registered");
        CliRun r = CliRun.run("info", "--code", ownPvf("adder.wasm").toString(), "--json");
        r.assertExit(0);
        assertTrue(r.json().has("codeHash"), r::out);
        CliRun bad = CliRun.run("info", "--code", tmp.resolve("absent.code").toString());
        bad.assertExit(64);
        assertTrue(bad.err().startsWith("pvf-host info: --code"), bad.err());
    }
}
