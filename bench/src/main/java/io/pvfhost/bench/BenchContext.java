package io.pvfhost.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pvfhost.artifacts.ArtifactFile;
import io.pvfhost.common.blob.MaybeCompressed;
import io.pvfhost.common.params.ExecutorParams;
import io.pvfhost.host.HostSettings;
import io.pvfhost.host.ValidationHost;
import io.pvfhost.worker.AdderVectors;
import io.pvfhost.worker.prepare.Preparation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** What the sections of one run share: options, report, folders, JVM variants, peers, artifacts. */
final class BenchContext {
    final Report report;
    final boolean quick;
    final Path workDir;
    final Optional<Path> corpus;
    final Config baseConfig;
    final HostSettings settings;
    /** The worker JVM of the main figures. */
    final JvmVariant main;
    /** The worker JVMs compared in the compute and cold sections, {@link #main} first. */
    final List<JvmVariant> variants;
    final Optional<V8> v8;
    /** Null when its native library cannot be used here; then {@link #wasmtimeProblem} says why. */
    final Wasmtime wasmtime;
    final String wasmtimeProblem;
    /** Artifacts prepared in this run, by runtime name, for the sections after the one that made them. */
    final Map<String, Workers.Prepared> artifacts = new HashMap<>();

    BenchContext(Report report, boolean quick, Path workDir, Optional<Path> corpus, Config baseConfig, HostSettings settings,
            JvmVariant main, List<JvmVariant> variants, Optional<V8> v8, Wasmtime wasmtime, String wasmtimeProblem) {
        this.report = report;
        this.quick = quick;
        this.workDir = workDir;
        this.corpus = corpus;
        this.baseConfig = baseConfig;
        this.settings = settings;
        this.main = main;
        this.variants = variants;
        this.v8 = v8;
        this.wasmtime = wasmtime;
        this.wasmtimeProblem = wasmtimeProblem;
    }

    /**
     * The worker JVM a host started with these settings gives its workers once it has made its
     * class cache: with {@code worker.class-cache = auto} (the default) the main JDK's variant with a
     * cache made in this run, when there is one; else {@link #main}. The cold targets are judged on
     * it, since a fresh worker's start is what the cache is for.
     */
    JvmVariant hostDefault() {
        if (settings.classCache() == HostSettings.ClassCacheMode.AUTO && main.classCache().equals("none")) {
            for (JvmVariant v : variants) {
                if (!v.classCache().equals("none") && v.javaExecutable().equals(main.javaExecutable())
                        && v.options().subList(0, Math.min(v.options().size(), main.options().size())).equals(main.options())) {
                    return v;
                }
            }
        }
        return main;
    }

    int pick(int quickValue, int fullValue) {
        return quick ? quickValue : fullValue;
    }

    void say(String format, Object... args) {
        report.say(format, args);
    }

    /**
     * The base configuration with this run's cache folder, the variant's worker JVM (with no class
     * cache of the host's making) and, if given, workers-max.
     */
    Config hostConfig(JvmVariant v, Path cache, Integer executeWorkersMax) {
        return hostConfig(v, cache, executeWorkersMax, null);
    }

    /** As {@link #hostConfig(JvmVariant, Path, Integer)}, and if given, the artifacts each execute worker keeps loaded. */
    Config hostConfig(JvmVariant v, Path cache, Integer executeWorkersMax, Integer keptArtifacts) {
        Map<String, Object> m = new HashMap<>();
        m.put("pvf.host.cache-path", cache.toString());
        m.put("pvf.host.worker.java-home", v.javaHome() == null ? "" : v.javaHome().toString());
        m.put("pvf.host.worker.jvm-options", v.options());
        m.put("pvf.host.worker.class-path", v.classPath());
        // the variant says which class cache its workers use; no training may run beside a measurement
        m.put("pvf.host.worker.class-cache", "off");
        if (executeWorkersMax != null) {
            m.put("pvf.host.execute.workers-max", executeWorkersMax);
        }
        if (keptArtifacts != null) {
            m.put("pvf.host.execute.worker-kept-artifacts", keptArtifacts);
        }
        return ConfigFactory.parseMap(m, "bench").withFallback(baseConfig).resolve();
    }

    ValidationHost startHost(JvmVariant v, Path cache, Integer executeWorkersMax) {
        return ValidationHost.start(hostConfig(v, cache, executeWorkersMax));
    }

    ValidationHost startHost(JvmVariant v, Path cache, Integer executeWorkersMax, Integer keptArtifacts) {
        return ValidationHost.start(hostConfig(v, cache, executeWorkersMax, keptArtifacts));
    }

    Path dir(String name) throws IOException {
        return Files.createDirectories(workDir.resolve(name));
    }

    /** A runtime of the corpus: its name (file name without .code), path and bytes. */
    record Runtime(String name, Path path, byte[] code) {
        byte[] wasm() {
            return MaybeCompressed.decompress(code, 640L << 20);
        }
    }

    /** adder/*.code then cumulus/*.code (any other folder of *.code files too), by folder and name. */
    List<Runtime> runtimes() throws IOException {
        if (corpus.isEmpty()) {
            return List.of();
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(corpus.get(), 2)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".code") && Files.isRegularFile(p))
                    .sorted(Comparator.comparing((Path p) -> p.getParent().getFileName().toString()).thenComparing(Path::toString))
                    .toList();
        }
        List<Runtime> out = new ArrayList<>();
        for (Path f : files) {
            String name = f.getFileName().toString().replaceAll("\\.code$", "");
            out.add(new Runtime(name, f, Files.readAllBytes(f)));
        }
        return out;
    }

    /** The adders to run end to end: kagome's from the corpus (if present) and ours, with their valid params. */
    record Adder(String name, byte[] code, byte[] params, byte[] expected) {}

    List<Adder> adders() throws IOException {
        Map<String, Adder> out = new LinkedHashMap<>();
        byte[] params = AdderVectors.genesisParams();
        byte[] expected = AdderVectors.genesisExpected();
        if (corpus.isPresent()) {
            Path kagome = corpus.get().resolve("adder/kagome-adder.code");
            if (Files.isRegularFile(kagome)) {
                out.put("kagome-adder", new Adder("kagome-adder", Files.readAllBytes(kagome), params, expected));
            }
        }
        out.put("pvfs-adder", new Adder("pvfs-adder", ComputePvf.resource("adder.wasm"), params, expected));
        return List.copyOf(out.values());
    }

    /** An artifact of this run for {@code name}, else prepared now in this JVM and written to the work folder. */
    Workers.Prepared artifact(String name, byte[] code) throws IOException {
        Workers.Prepared p = artifacts.get(name);
        if (p != null) {
            return p;
        }
        var compiled = Preparation.prepare(code, new Preparation.Limits(settings.maxCodeSize(), settings.codeBombLimit()),
                ExecutorParams.DEFAULT);
        Path file = dir("artifacts").resolve(name + ".pvfa");
        byte[] checksum = ArtifactFile.write(file, compiled);
        p = new Workers.Prepared(file, checksum, Files.size(file));
        artifacts.put(name, p);
        return p;
    }
}
