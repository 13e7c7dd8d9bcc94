package io.pvfhost.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import io.pvfhost.artifacts.ArtifactStore;
import io.pvfhost.common.Corpus;
import io.pvfhost.common.Version;
import io.pvfhost.host.HostSettings;
import java.io.PrintWriter;
import java.nio.file.Files;
import io.pvfhost.worker.host.ClassCache;
import io.pvfhost.worker.host.ClassCacheTrainer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pvf-host bench}: measures preparation, warm execution, raw compute speed and the cold
 * paths, each figure against a baseline measured in the same run and printed as a ratio. See
 * docs/BENCHMARKS.md.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        version = Version.NODE_VERSION + " (engine " + Version.ENGINE_VERSION + ")",
        description = {
            "Benchmarks pvf-host against itself and its peers (wasmtime, V8), every figure beside its baseline from the same run.",
            "%nSections: prepare (per corpus runtime: phases, artifact size, worker peak memory; wasmtime and V8 compile the same "
                + "decompressed wasm), e2e (the adder through the host vs a direct in-process call; throughput with 1..N "
                + "workers), compute (pvfs/compute.wasm on our engine vs V8 and wasmtime), cold (worker spawn, first adder "
                + "result, first result of a hashing PVF, artifact load to first call of the largest runtime). The host uses a temporary cache folder; "
                + "--config is honoured (e.g. pvf.host.execute.workers-max), --cache is not. See docs/BENCHMARKS.md."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:the benchmarks ran (whether or not the targets are met)", "2:a benchmark failed", "64:bad usage"})
public final class BenchCommand implements Callable<Integer> {

    enum Section {
        prepare, e2e, compute, cold
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print the figures as one JSON object on stdout (progress lines go to stderr).")
    boolean json;

    @Option(names = "--quick", description = "Fewer iterations and runtimes, for a CI smoke run (under 2 minutes).")
    boolean quick;

    @Option(names = "--only", split = ",", paramLabel = "SECTION",
            description = "Run only these sections: prepare, e2e, compute, cold (comma-separated or repeated).")
    List<Section> only;

    @Option(names = "--corpus", paramLabel = "DIR",
            description = "The PVF corpus folder (default: ../shared/pvf-corpus beside the project).")
    Path corpusDir;

    @Option(names = "--worker-java-home", paramLabel = "DIR",
            description = "JDK of the worker JVMs and of the in-process probe JVMs (default: pvf.host.worker.java-home, "
                + "else the JDK running this command).")
    Path workerJavaHome;

    @Option(names = "--worker-class-cache",
            description = "Give the main worker JVM a class cache made in this run (AppCDS before JDK 25, AOT cache from 25).")
    boolean workerClassCache;

    @Option(names = "--compare-java-home", paramLabel = "DIR",
            description = "Another JDK to compare in the compute and cold sections (repeatable), e.g. "
                + "/usr/lib/jvm/temurin-25-jdk-amd64.")
    List<Path> compareJavaHomes = new ArrayList<>();

    @Option(names = "--no-class-cache",
            description = "Do not compare each JDK with a class cache (AppCDS / AOT cache); --quick implies it.")
    boolean noClassCache;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Report report = new Report(json ? err : out);
        EnumSet<Section> sections = only == null || only.isEmpty() ? EnumSet.allOf(Section.class) : EnumSet.copyOf(only);
        Config base = baseConfig();
        HostSettings settings;
        try {
            settings = HostSettings.from(base);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "bad configuration: " + e.getMessage());
        }
        Optional<Path> corpus = corpus();
        Path workDir = Files.createTempDirectory("pvf-bench-");
        long started = System.nanoTime();
        try {
            ObjectNode head = report.section("bench");
            head.put("version", Version.NODE_VERSION + " (engine " + Version.ENGINE_VERSION + ")");
            head.put("date", Instant.now().toString());
            head.put("quick", quick);
            head.set("sections", Report.JSON.valueToTree(sections.stream().map(Enum::name).toList()));
            head.put("corpus", corpus.map(Path::toString).orElse("none"));
            head.put("note", "2-core shared machines are noisy: compare figures only with their baselines from the same run");
            ObjectNode machine = MachineInfo.describe();
            report.root.set("machine", machine);
            report.say("pvf-host bench%s: %s", quick ? " --quick" : "", String.join(", ", sections.stream().map(Enum::name).toList()));
            report.say("machine: %d cores, %.1f GiB, %s; %s", machine.get("cores").asInt(),
                    machine.get("memory").get("value").asDouble(), machine.get("cpuModel").asText(), machine.get("os").asText());
            report.say("load average (1, 5, 15 min) at start: %s; shared and noisy: compare each figure with its baseline only",
                    machine.get("loadAverageAtStart").asText());
            report.say("bench JVM: %s", MachineInfo.jdk());
            report.say("corpus: %s", corpus.map(Path::toString).orElse("none found (give --corpus DIR)"));

            List<JvmVariant> variants = variants(settings, workDir, report, sections);
            JvmVariant main = variants.get(0);
            report.say("worker JVM (main figures): %s (%s) %s%s%s", main.label(), main.version(), String.join(" ", main.options()),
                    main.prepareOptions().isEmpty() ? "" : "; prepare workers also " + String.join(" ", main.prepareOptions()),
                    main.executeOptions().isEmpty() ? "" : "; execute workers also " + String.join(" ", main.executeOptions()));
            var jvms = report.root.putArray("jvms");
            variants.forEach(v -> jvms.add(v.json()));

            Optional<V8> v8 = V8.find(workDir);
            Wasmtime wasmtime = null;
            String wasmtimeProblem = null;
            try {
                wasmtime = Wasmtime.load();
            } catch (Throwable t) {
                wasmtimeProblem = t.toString();
            }
            ObjectNode peers = report.root.putObject("peers");
            peers.put("v8", v8.map(x -> "node " + x.version).orElse("unavailable: node is not on the PATH"));
            peers.put("wasmtime", wasmtime != null ? Wasmtime.DESCRIPTION : "unavailable: " + wasmtimeProblem);
            report.say("peers: %s; %s", peers.get("v8").asText(), peers.get("wasmtime").asText());

            BenchContext ctx = new BenchContext(report, quick, workDir, corpus, base, settings, main, variants, v8, wasmtime,
                    wasmtimeProblem);
            if (sections.contains(Section.prepare)) {
                new PrepareSection(ctx).run();
            }
            if (sections.contains(Section.e2e)) {
                new E2eSection(ctx).run();
            }
            if (sections.contains(Section.compute)) {
                new ComputeSection(ctx).run();
            }
            if (sections.contains(Section.cold)) {
                new ColdSection(ctx).run();
            }
            Targets.evaluate(ctx);
            head.set("duration", Report.figure((System.nanoTime() - started) / 1e9, "s"));
            machine.put("loadAverageAtEnd", MachineInfo.loadAverage());
            report.say("");
            report.say("bench took %.0f s; load average at end: %s", (System.nanoTime() - started) / 1e9,
                    machine.get("loadAverageAtEnd").asText());
            if (json) {
                out.println(report.json());
                out.flush();
            }
            return 0;
        } finally {
            ArtifactStore.deleteTree(workDir);
        }
    }

    /**
     * The worker JVMs: the main one first (with a class cache if asked), then, unless --quick or
     * --no-class-cache, the main JDK with a cache, then each --compare-java-home plain and with a cache.
     */
    private List<JvmVariant> variants(HostSettings settings, Path workDir, Report report, EnumSet<Section> sections)
            throws Exception {
        List<String> options = settings.workerSpec().jvmOptions();
        String classPath = snapshot(settings.workerSpec().classPath(), workDir);
        String probeClassPath = probeClassPath(classPath, System.getProperty("java.class.path"));
        Path home = workerJavaHome;
        if (home == null && !settings.workerSpec().javaExecutable().equals(io.pvfhost.worker.host.WorkerSpec.currentJava())) {
            home = settings.workerSpec().javaExecutable().getParent().getParent();
        }
        checkJavaHome(home, "--worker-java-home");
        JvmVariant plain = JvmVariant.of(home, options, classPath, probeClassPath)
                .withKindOptions(settings.prepareJvmOptions(), settings.executeJvmOptions());
        boolean caches = !quick && !noClassCache && (sections.contains(Section.cold) || sections.contains(Section.compute));
        List<JvmVariant> out = new ArrayList<>();
        if (workerClassCache) {
            out.add(withCache(plain, workDir, report).orElse(plain));
        } else {
            out.add(plain);
            if (caches) {
                withCache(plain, workDir, report).ifPresent(out::add);
            }
        }
        for (Path other : compareJavaHomes) {
            checkJavaHome(other, "--compare-java-home");
            JvmVariant v = JvmVariant.of(other, options, classPath, probeClassPath)
                    .withKindOptions(settings.prepareJvmOptions(), settings.executeJvmOptions());
            out.add(v);
            if (caches) {
                withCache(v, workDir, report).ifPresent(out::add);
            }
        }
        return out;
    }

    /**
     * Copies the class path's jars into the work folder and returns the copy's class path (folders
     * stay as they are). Workers and probes run on the copy, so a build that rewrites the project's
     * jars during a run (another shell's mvn install) changes nothing under them, and a class cache
     * made from the copy stays valid for the whole run (CDS and AOT caches check every jar's size and
     * modification time and are silently dropped when one changed).
     */
    private static String snapshot(String classPath, Path workDir) throws java.io.IOException {
        Path lib = Files.createDirectories(workDir.resolve("lib"));
        List<String> out = new ArrayList<>();
        int i = 0;
        for (String entry : classPath.split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            if (Files.isRegularFile(p)) {
                // one folder per entry: the copy keeps its file name (two jars may share one)
                Path copy = Files.createDirectories(lib.resolve(Integer.toString(i++))).resolve(p.getFileName());
                Files.copy(p, copy);
                out.add(copy.toString());
            } else if (!entry.isEmpty()) {
                out.add(entry);
            }
        }
        return String.join(java.io.File.pathSeparator, out);
    }

    /**
     * The probes' class path: the workers' (snapshot) and after it the entries of the bench's own
     * class path whose file names it lacks (the bench's jar, Jackson, ...), which only probes load.
     */
    static String probeClassPath(String workerClassPath, String benchClassPath) {
        java.util.Set<String> names = new java.util.HashSet<>();
        List<String> out = new ArrayList<>();
        for (String entry : workerClassPath.split(java.io.File.pathSeparator)) {
            if (!entry.isEmpty()) {
                out.add(entry);
                names.add(String.valueOf(Path.of(entry).getFileName()));
            }
        }
        for (String entry : benchClassPath.split(java.io.File.pathSeparator)) {
            if (!entry.isEmpty() && !out.contains(entry) && !names.contains(String.valueOf(Path.of(entry).getFileName()))) {
                out.add(entry);
            }
        }
        return String.join(java.io.File.pathSeparator, out);
    }

    private void checkJavaHome(Path home, String option) {
        if (home != null && !Files.isExecutable(home.resolve("bin/java"))) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " " + home + ": no executable bin/java");
        }
    }

    /**
     * Makes a class cache for {@code v} exactly as the host makes its workers' ({@link
     * ClassCacheTrainer}: the training's artifacts prepared in one JVM, the execute work in the one
     * that writes the cache, a check), then checks that a JVM started strictly with it can run.
     */
    private Optional<JvmVariant> withCache(JvmVariant v, Path workDir, Report report) throws Exception {
        ObjectNode caches = report.root.with("classCaches");
        String kind = v.cacheKind();
        ClassCache.Kind cacheKind = kind.equals("aot") ? ClassCache.Kind.AOT : ClassCache.Kind.APPCDS;
        String key = ClassCache.key(v.spec(), ClassCache.facts(v.spec()));
        Path file = workDir.resolve(io.pvfhost.artifacts.ClassCacheFiles.fileName(key, cacheKind.extension()));
        long t0 = System.nanoTime();
        try {
            var target = new ClassCache.Decision.Use(file, key, cacheKind);
            var outcome = new ClassCacheTrainer(v.spec(), target, workDir, Duration.ofMinutes(5)).run();
            if (!(outcome instanceof ClassCacheTrainer.Outcome.Made)) {
                throw new ProbeRunner.ProbeException("the training made no cache: " + outcome);
            }
            JvmVariant cached = v.withCache(file);
            ProbeRunner.run(cached, workDir, "noop");
            double seconds = (System.nanoTime() - t0) / 1e9;
            ObjectNode o = caches.putObject(cached.label());
            o.put("kind", kind);
            o.set("creation", Report.figure(seconds, "s"));
            o.set("size", Report.figure(Files.size(file) / (double) (1L << 20), "MiB"));
            report.say("class cache for %s: %s made in %.1f s (%s); used strictly: %s", v.label(), kind, seconds,
                    Report.bytes(Files.size(file)), String.join(" ", cached.options().subList(v.options().size(),
                            cached.options().size())));
            return Optional.of(cached);
        } catch (ProbeRunner.ProbeException e) {
            caches.put(v.label() + " (" + kind + ")", "unavailable: " + e.getMessage());
            report.say("class cache for %s (%s) unavailable: %s", v.label(), kind, e.getMessage());
            return Optional.empty();
        }
    }

    /** --config of pvf-host (when run as its subcommand), the command line's Akka logging, then the defaults. */
    private Config baseConfig() {
        Config c = ConfigFactory.empty();
        CommandLine.Model.OptionSpec configOption = spec.root().findOption("--config");
        Object file = configOption == null ? null : configOption.getValue();
        if (file instanceof Path p) {
            try {
                c = ConfigFactory.parseFile(p.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
            } catch (ConfigException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--config " + p + ": " + e.getMessage());
            }
        }
        Config akka = ConfigFactory.parseString(String.join("\n",
                "akka.loggers = [\"akka.event.slf4j.Slf4jLogger\"]",
                "akka.logging-filter = \"akka.event.slf4j.Slf4jLoggingFilter\"",
                "akka.loglevel = WARNING",
                "akka.stdout-loglevel = OFF"));
        try {
            return c.withFallback(akka).withFallback(ConfigFactory.load()).resolve();
        } catch (ConfigException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "bad configuration: " + e.getMessage());
        }
    }

    /** --corpus, else the usual ../shared/pvf-corpus, else the one beside the project this jar was built in. */
    private Optional<Path> corpus() {
        if (corpusDir != null) {
            if (!Files.isDirectory(corpusDir)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--corpus " + corpusDir + ": not a folder");
            }
            return Optional.of(corpusDir.toAbsolutePath().normalize());
        }
        Optional<Path> found = Corpus.root();
        if (found.isPresent()) {
            return found;
        }
        try {
            Path jar = Path.of(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // bench/target/pvf-bench.jar (or bench/target/classes): the project root is two folders up
            Path candidate = jar.getParent().getParent().getParent().resolve("../shared/pvf-corpus").normalize();
            return Files.isDirectory(candidate) ? Optional.of(candidate) : Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** For tests: runs the command with its own picocli instance. */
    static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new BenchCommand());
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl.execute(args);
    }
}
