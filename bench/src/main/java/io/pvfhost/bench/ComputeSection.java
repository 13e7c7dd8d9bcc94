package io.pvfhost.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pvfhost.artifacts.ArtifactFile;
import io.pvfhost.artifacts.ArtifactId;
import io.pvfhost.common.Hex;
import io.pvfhost.common.error.ValidationOutcome;
import io.pvfhost.common.params.ExecutorParams;
import io.pvfhost.common.types.ValidationParams;
import io.pvfhost.host.ExecKind;
import io.pvfhost.host.Pvf;
import io.pvfhost.host.ValidationHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Section compute: pvfs/compute.wasm's mixing loop (n rounds over 4 MiB) on our engine, in-process
 * (a probe JVM per worker JVM variant) and through the host, against V8 and wasmtime running the
 * same module's plain export {@code run(n)}. Ours runs the instrumented module through
 * validate_block on a fresh instance per call; the peers run the module as it is.
 */
final class ComputeSection {
    private final BenchContext ctx;

    ComputeSection(BenchContext ctx) {
        this.ctx = ctx;
    }

    void run() throws Exception {
        ObjectNode section = ctx.report.section("compute");
        int n = ctx.pick(16, 64);
        int warmup = ctx.pick(2, 5);
        int iterations = ctx.pick(3, 10);
        byte[] wasm = ComputePvf.resource("compute.wasm");
        Path wasmFile = ctx.dir("compute").resolve("compute.wasm");
        Files.write(wasmFile, wasm);
        byte[] params = ComputePvf.params(n);
        section.put("rounds", n);
        section.put("bufferBytes", 4L << 20);
        section.put("warmup", warmup);
        section.put("iterations", iterations);
        ctx.say("");
        ctx.say("== compute: pvfs/compute.wasm, %d rounds of xorshift/FNV mixing over 4 MiB (%d warm-up runs, %d measured)", n,
                warmup, iterations);
        ctx.say("   ours: instrumented module, validate_block on a fresh instance per call; peers: run(n) of the same wasm");

        // through the host (this also prepares the artifact the in-process runs load)
        Path cache = ctx.dir("compute-cache");
        Pvf pvf = Pvf.of(wasm);
        Stats host = new Stats();
        long hostHash;
        try (ValidationHost h = ctx.startHost(ctx.main, cache, null)) {
            ValidationParams vp = ValidationParams.decode(params);
            byte[] last = null;
            for (int i = 0; i < warmup + iterations; i++) {
                long t0 = System.nanoTime();
                ValidationOutcome out = h.executePvf(pvf, vp, ExecKind.APPROVAL, Duration.ofSeconds(60)).get(10, TimeUnit.MINUTES);
                long ns = System.nanoTime() - t0;
                if (!(out instanceof ValidationOutcome.Valid v)) {
                    throw new IllegalStateException("compute through the host: " + out);
                }
                last = v.resultBytes();
                if (i >= warmup) {
                    host.add(ns);
                }
            }
            hostHash = ComputePvf.hashOfResult(last);
        }
        Path artifact = cache.resolve(ArtifactId.of(wasm, ExecutorParams.DEFAULT).fileName());
        String checksum = Hex.toHex(ArtifactFile.checksum(Files.readAllBytes(artifact)));

        ObjectNode ours = section.putObject("ours");
        Stats main = null;
        for (JvmVariant v : ctx.variants) {
            JsonNode d = ProbeRunner.run(v, ctx.workDir, "exec", artifact.toString(), checksum, Hex.toHex(params),
                    Integer.toString(warmup), Integer.toString(iterations));
            long hash = ComputePvf.hashOfResult(Hex.decode(d.get("result").asText()));
            if (hash != hostHash) {
                throw new IllegalStateException("in-process result differs from the host's on " + v.label());
            }
            Stats s = Stats.of(ProbeRunner.longs(d.get("nanos")));
            ObjectNode o = ours.putObject(v.label());
            o.set("inProcess", s.json());
            o.put("java", d.get("java").asText());
            if (main == null) {
                main = s;
            }
            ctx.say("ours in-process, %-22s %s", v.label() + ":", s.text());
        }
        section.put("mainJvm", ctx.main.label());
        section.set("host", host.json());
        ctx.say("ours through the host (%s): %s", ctx.main.label(), host.text());

        ObjectNode peers = section.putObject("peers");
        boolean sameHash = true;
        if (ctx.v8.isPresent()) {
            for (V8.Tier tier : V8.Tier.values()) {
                V8.Run r = ctx.v8.get().compute(tier, wasmFile, n, warmup, iterations);
                sameHash &= r.hash() == hostHash;
                Stats s = Stats.of(r.nanos());
                String key = tier == V8.Tier.DEFAULT ? "v8" : "v8TurboFan";
                peers.set(key, s.json());
                ctx.say("%-40s %s", tier.label + ":", s.text());
                if (tier == V8.Tier.DEFAULT) {
                    section.set("oursVsV8", Report.ratio("ours in-process p50 (" + ctx.main.label() + ")", main.p50Ms(), "ms",
                            "V8 p50", s.p50Ms(), "ms"));
                    section.set("hostVsV8", Report.ratio("ours through the host p50", host.p50Ms(), "ms", "V8 p50", s.p50Ms(),
                            "ms"));
                    for (JvmVariant v : ctx.variants) {
                        ObjectNode o = (ObjectNode) ours.get(v.label());
                        double p50 = o.get("inProcess").get("p50").asDouble();
                        o.set("vsV8", Report.ratio("ours in-process p50", p50, "ms", "V8 p50", s.p50Ms(), "ms"));
                    }
                } else {
                    section.set("oursVsV8TurboFan", Report.ratio("ours in-process p50", main.p50Ms(), "ms", "V8 TurboFan p50",
                            s.p50Ms(), "ms"));
                }
            }
        } else {
            peers.put("v8", "unavailable: node is not on the PATH");
        }
        if (ctx.wasmtime != null) {
            Wasmtime.Run r = ctx.wasmtime.compute(wasm, n, warmup, iterations);
            sameHash &= r.hash() == hostHash;
            Stats s = Stats.of(r.nanos());
            peers.set("wasmtime", s.json());
            ctx.say("%-40s %s", "wasmtime:", s.text());
            section.set("oursVsWasmtime", Report.ratio("ours in-process p50", main.p50Ms(), "ms", "wasmtime p50", s.p50Ms(), "ms"));
        } else {
            peers.put("wasmtime", "unavailable: " + ctx.wasmtimeProblem);
        }
        section.put("sameHashEverywhere", sameHash);
        section.put("hash", Long.toHexString(hostHash));
        if (!sameHash) {
            throw new IllegalStateException("the engines disagree on the compute hash");
        }
        StringBuilder ratios = new StringBuilder("ratios (p50):");
        if (section.has("oursVsV8")) {
            ratios.append(" ours/V8 ").append(Report.x(section.get("oursVsV8").get("value").asDouble()));
            ratios.append(", ours/V8 TurboFan ").append(Report.x(section.get("oursVsV8TurboFan").get("value").asDouble()));
            ratios.append(", host/V8 ").append(Report.x(section.get("hostVsV8").get("value").asDouble()));
        }
        if (section.has("oursVsWasmtime")) {
            ratios.append(", ours/wasmtime ").append(Report.x(section.get("oursVsWasmtime").get("value").asDouble()));
        }
        ctx.say("%s; same hash on every engine: %s", ratios, sameHash ? "yes" : "NO");
    }
}
