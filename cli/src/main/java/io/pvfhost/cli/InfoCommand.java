package io.pvfhost.cli;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExportSection;
import com.dylibso.chicory.wasm.types.Import;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.pvfhost.common.Hex;
import io.pvfhost.common.blob.DecompressionException;
import io.pvfhost.common.blob.MaybeCompressed;
import io.pvfhost.common.hash.Hashing;
import io.pvfhost.host.HostSettings;
import io.pvfhost.worker.host.ClassCache;
import io.pvfhost.worker.host.Sandbox;
import io.pvfhost.worker.host.WorkerKind;
import io.pvfhost.worker.host.WorkerSpec;
import io.pvfhost.worker.execute.version.EmbeddedVersion;
import io.pvfhost.worker.execute.version.RuntimeVersion;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code pvf-host info [--code FILE] [--workers] [--json]}: what validation code is, without
 * preparing or running it: its code hash (blake2b-256 of the bytes as stored, the artifact's name),
 * its size as stored and decompressed, whether it is in the maybe-compressed form, its imports and
 * exports, and the runtime version embedded in it (the {@code runtime_version} custom section, read
 * as the execute worker reads it for {@code ext_misc_runtime_version}). With {@code --workers}, the
 * worker JVM the configuration gives and its class cache: the setting, and what a host with
 * {@code class-cache = auto} uses (the file and whether it is made yet, or why there is none). No
 * host is started.
 *
 * <p>Decompression is bounded by {@code pvf.host.prepare.code-bomb-limit} of the configuration
 * ({@code --config}). Code that cannot be decompressed or read as a wasm module still gets its hash
 * and sizes, with the reason in {@code error}, and exit status 2.
 */
@Command(
        name = "info",
        mixinStandardHelpOptions = true,
        versionProvider = PvfHostCli.VersionProvider.class,
        exitCodeOnInvalidInput = PvfHostCli.EXIT_USAGE,
        description = {
            "Shows what validation code is, without preparing or running it: code hash, size as stored and "
                + "decompressed, whether it is compressed, its imports and exports, and its embedded runtime version. "
                + "With --workers, also (or only) the worker JVM, each kind's JVM options, the execute worker's own options "
                + "(the artifacts it keeps loaded), where the artifact's classes are verified, and the class cache.",
            "%nWith --json, one object: codeHash, size, compressed, decompressedSize, imports [{module, name, kind}], "
                + "exports [{name, kind}], runtimeVersion (null when the code has none) and, only when the code cannot "
                + "be read, error; with --workers, workers {java, javaVersion, prepareOptions, executeOptions, "
                + "executeWorkerOptions, classVerification, classCache {setting, file, made, reason}}, "
                + "where file, made and reason say what a host with class-cache = auto uses."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:the code was read",
            "2:the code cannot be decompressed or is not a wasm module (hash and sizes are still shown)",
            "64:bad usage: unknown option, neither --code nor --workers, missing, empty or unreadable file, bad configuration"})
final class InfoCommand implements Callable<Integer> {
    static final int EXIT_OK = 0;
    static final int EXIT_NOT_WASM = 2;
    private static final String BOMB_LIMIT = HostSettings.NAMESPACE + ".prepare.code-bomb-limit";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Null when the command runs on its own (tests); then the configuration is {@link ConfigFactory#load()}. */
    @ParentCommand
    PvfHostCli cli;

    @Spec
    CommandSpec spec;

    @Option(names = "--code", paramLabel = "FILE",
            description = "Validation code as stored on chain: raw wasm or the maybe-compressed form.")
    Path code;

    @Option(names = "--workers",
            description = "Show the worker JVM of the configuration, the options each kind of worker starts with (and an execute worker's own: the artifacts it keeps loaded), where the artifact's classes are verified, and the class cache (pvf.host.worker.class-cache).")
    boolean workers;

    @Option(names = "--json", description = "Print exactly one JSON object (see above).")
    boolean json;

    /** One import or export: module (imports only), name and kind (function, table, memory, global). */
    record Entry(String module, String name, String kind) {
        String text() {
            return (module == null ? "" : module + ".") + name + " (" + kind + ")";
        }
    }

    /** What was found; the fields after the sizes are null when the code could not be read that far. */
    record Info(String codeHash, long size, boolean compressed, Long decompressedSize, List<Entry> imports, List<Entry> exports,
            RuntimeVersion runtimeVersion, String error) {}

    /**
     * The worker JVM, the options each kind of worker starts with (its kind's own, then the
     * configured ones; the class cache's come after them), the execute worker's own options (how
     * many artifacts it keeps loaded), where the artifact's classes are verified, and the class
     * cache: the setting, and what {@code auto} gives ({@code file} and whether it is {@code made},
     * or the {@code reason} there is none).
     */
    record Workers(String java, String javaVersion, List<String> prepareOptions, List<String> executeOptions,
            List<String> executeWorkerOptions, String classVerification, String setting, String file, boolean made,
            String reason) {}

    @Override
    public Integer call() {
        try {
            if (code == null && !workers) {
                throw new UsageException("give --code FILE, --workers, or both");
            }
            Config config = config();
            Info info = code == null ? null : inspect(Inputs.readCode(code), bombLimit(config));
            Workers w = workers ? workers(config) : null;
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                ObjectNode node = info == null ? NODES.objectNode() : json(info);
                if (w != null) {
                    node.set("workers", json(w));
                }
                out.println(Reports.toJson(node));
            } else {
                String text = (info == null ? "" : text(info) + System.lineSeparator()) + (w == null ? "" : text(w));
                out.println(text.stripTrailing());
            }
            return info == null || info.error() == null ? EXIT_OK : EXIT_NOT_WASM;
        } catch (UsageException e) {
            // as PvfHostCli reports usage errors, so that the command behaves the same on its own
            spec.commandLine().getErr().println(spec.qualifiedName() + ": " + e.getMessage());
            return PvfHostCli.EXIT_USAGE;
        }
    }

    private Config config() throws UsageException {
        try {
            return cli != null ? cli.hostConfig() : ConfigFactory.load();
        } catch (ConfigException e) {
            throw new UsageException("bad configuration: " + e.getMessage());
        }
    }

    private static long bombLimit(Config config) throws UsageException {
        try {
            return config.getBytes(BOMB_LIMIT);
        } catch (ConfigException e) {
            throw new UsageException("bad configuration: " + e.getMessage());
        }
    }

    /** The configured workers and their class cache, found as a host would at its start (nothing is made or removed). */
    static Workers workers(Config config) throws UsageException {
        HostSettings s;
        try {
            s = HostSettings.from(config);
        } catch (IllegalArgumentException | ConfigException e) {
            throw new UsageException("bad configuration: " + e.getMessage());
        }
        WorkerSpec w = s.workerSpec();
        ClassCache.Facts facts = ClassCache.facts(w);
        ClassCache.Decision d = ClassCache.decide(true, w, facts, s.classCachePath());
        String version = facts.runtimeVersion().isEmpty() ? "unknown version" : facts.runtimeVersion();
        List<String> prepare = WorkerKind.PREPARE.jvmOptions(s.jvmOptionsOf(WorkerKind.PREPARE));
        List<String> execute = WorkerKind.EXECUTE.jvmOptions(s.jvmOptionsOf(WorkerKind.EXECUTE));
        List<String> executeWorker = s.workerOptionsOf(WorkerKind.EXECUTE);
        String verification = Sandbox.report(w, s.prepareJvmOptions(), s.executeJvmOptions()).get("class-verification").detail();
        if (d instanceof ClassCache.Decision.Use u) {
            return new Workers(w.javaExecutable().toString(), version, prepare, execute, executeWorker, verification,
                    s.classCache().toString(), u.file().toString(), Files.isRegularFile(u.file()), null);
        }
        return new Workers(w.javaExecutable().toString(), version, prepare, execute, executeWorker, verification,
                s.classCache().toString(), null, false, ((ClassCache.Decision.None) d).reason());
    }

    /** Reads what it can of {@code bytes}; decompression is bounded by {@code bombLimit}. */
    static Info inspect(byte[] bytes, long bombLimit) {
        String hash = Hex.toHex(Hashing.blake2b256(bytes));
        boolean compressed = MaybeCompressed.isCompressed(bytes);
        byte[] wasm;
        try {
            wasm = MaybeCompressed.decompress(bytes, bombLimit);
        } catch (DecompressionException e) {
            return new Info(hash, bytes.length, compressed, null, null, null, null, "cannot decompress: " + e.getMessage());
        }
        WasmModule module;
        try {
            module = Parser.parse(wasm);
        } catch (RuntimeException e) {
            return new Info(hash, bytes.length, compressed, (long) wasm.length, null, null, null,
                    "not a wasm module: " + e.getMessage());
        }
        List<Entry> imports = new ArrayList<>();
        module.importSection().stream().forEach(i -> imports.add(entry(i)));
        List<Entry> exports = new ArrayList<>();
        ExportSection es = module.exportSection();
        for (int i = 0; i < es.exportCount(); i++) {
            Export e = es.getExport(i);
            exports.add(new Entry(null, e.name(), kind(e.exportType())));
        }
        Optional<RuntimeVersion> version = EmbeddedVersion.read(wasm);
        return new Info(hash, bytes.length, compressed, (long) wasm.length, imports, exports, version.orElse(null), null);
    }

    private static Entry entry(Import i) {
        return new Entry(i.module(), i.name(), kind(i.importType()));
    }

    private static String kind(Enum<?> type) {
        return type.name().toLowerCase(Locale.ROOT);
    }

    // ---- output

    static ObjectNode json(Info info) {
        ObjectNode node = NODES.objectNode();
        node.put("codeHash", info.codeHash());
        node.put("size", info.size());
        node.put("compressed", info.compressed());
        if (info.decompressedSize() == null) {
            node.putNull("decompressedSize");
        } else {
            node.put("decompressedSize", info.decompressedSize());
        }
        entries(node, "imports", info.imports());
        entries(node, "exports", info.exports());
        if (info.runtimeVersion() == null) {
            node.putNull("runtimeVersion");
        } else {
            node.set("runtimeVersion", json(info.runtimeVersion()));
        }
        if (info.error() != null) {
            node.put("error", info.error());
        }
        return node;
    }

    private static void entries(ObjectNode node, String field, List<Entry> entries) {
        if (entries == null) {
            node.putNull(field);
            return;
        }
        ArrayNode a = node.putArray(field);
        for (Entry e : entries) {
            ObjectNode o = a.addObject();
            if (e.module() != null) {
                o.put("module", e.module());
            }
            o.put("name", e.name()).put("kind", e.kind());
        }
    }

    static ObjectNode json(Workers w) {
        ObjectNode node = NODES.objectNode();
        node.put("java", w.java());
        node.put("javaVersion", w.javaVersion());
        w.prepareOptions().forEach(node.putArray("prepareOptions")::add);
        w.executeOptions().forEach(node.putArray("executeOptions")::add);
        w.executeWorkerOptions().forEach(node.putArray("executeWorkerOptions")::add);
        node.put("classVerification", w.classVerification());
        ObjectNode cc = node.putObject("classCache");
        cc.put("setting", w.setting());
        cc.put("file", w.file());
        cc.put("made", w.made());
        cc.put("reason", w.reason());
        return node;
    }

    static ObjectNode json(RuntimeVersion v) {
        ObjectNode node = NODES.objectNode();
        node.put("specName", v.specName());
        node.put("implName", v.implName());
        node.put("authoringVersion", v.authoringVersion());
        node.put("specVersion", v.specVersion());
        node.put("implVersion", v.implVersion());
        node.put("transactionVersion", v.transactionVersion());
        node.put("systemVersion", v.systemVersion());
        ArrayNode apis = node.putArray("apis");
        for (RuntimeVersion.Api api : v.apis()) {
            apis.addObject().put("id", Hex.toHex(api.id())).put("version", api.version());
        }
        return node;
    }

    static String text(Info info) {
        StringBuilder b = new StringBuilder();
        line(b, "code hash", info.codeHash());
        line(b, "size", info.size() + " bytes" + (info.compressed() ? ", compressed (zstd, maybe-compressed prefix)" : ", not compressed"));
        line(b, "decompressed", info.decompressedSize() == null ? "-" : info.decompressedSize() + " bytes");
        if (info.error() != null) {
            line(b, "error", info.error());
            return b.toString().stripTrailing();
        }
        RuntimeVersion v = info.runtimeVersion();
        line(b, "runtime version", v == null ? "none" : v.specName() + " " + v.specVersion() + " (impl " + v.implName() + " "
                + v.implVersion() + ", authoring " + v.authoringVersion() + ", transaction " + v.transactionVersion()
                + ", system " + v.systemVersion() + ", " + v.apis().size() + " runtime APIs)");
        list(b, "imports", info.imports());
        list(b, "exports", info.exports());
        return b.toString().stripTrailing();
    }

    static String text(Workers w) {
        StringBuilder b = new StringBuilder();
        line(b, "worker java", w.java() + " (" + w.javaVersion() + ")");
        line(b, "prepare JVM", String.join(" ", w.prepareOptions()));
        line(b, "execute JVM", String.join(" ", w.executeOptions()));
        line(b, "execute worker", String.join(" ", w.executeWorkerOptions())
                + " (" + HostSettings.NAMESPACE + ".execute.worker-kept-artifacts)");
        line(b, "verification", w.classVerification());
        String auto = w.file() != null
                ? w.file() + (w.made() ? ", made" : ", not made yet (a host makes it in the background at its start)")
                : "none: " + w.reason();
        line(b, "class cache", w.setting().equals("off") ? "off (" + HostSettings.NAMESPACE + ".worker.class-cache); with auto: " + auto
                : "auto: " + auto);
        return b.toString().stripTrailing();
    }

    private static void line(StringBuilder b, String label, String value) {
        b.append(String.format("%-16s %s%n", label, value));
    }

    private static void list(StringBuilder b, String label, List<Entry> entries) {
        line(b, label, Integer.toString(entries.size()));
        for (Entry e : entries) {
            b.append("  ").append(e.text()).append(System.lineSeparator());
        }
    }
}
