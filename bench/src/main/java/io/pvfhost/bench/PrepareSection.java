package io.pvfhost.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pvfhost.common.Hex;
import io.pvfhost.common.wire.Message;
import io.pvfhost.worker.host.WorkerHandle;
import io.pvfhost.worker.host.WorkerKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Section prepare: per corpus runtime, the phases of our preparation measured in-process (in a
 * probe JVM started like a prepare worker), the artifact size, a real prepare worker's wall time
 * and peak memory, and the peers compiling the same decompressed wasm (before our instrumentation).
 */
final class PrepareSection {
    /** A prepare worker's options: its kind's own, then the configured ones (as WorkerHandle starts it). */
    static List<String> prepareOptions(JvmVariant v) {
        return WorkerKind.PREPARE.jvmOptions(v.optionsOf(WorkerKind.PREPARE));
    }

    private static final String[] PHASES = {"decompress", "instrument", "parseAndValidate", "prevalidate", "compile", "verify", "write"};
    private final BenchContext ctx;

    PrepareSection(BenchContext ctx) {
        this.ctx = ctx;
    }

    void run() throws Exception {
        ObjectNode section = ctx.report.section("prepare");
        ctx.say("");
        ctx.say("== prepare: preparation per runtime");
        ctx.say("   ours: phases timed in-process in a probe JVM started like a prepare worker (%s), median of the warm runs;",
                ctx.main.label());
        ctx.say("   peers compile the same decompressed wasm, before our instrumentation (which ours includes).");
        List<BenchContext.Runtime> runtimes = ctx.runtimes();
        if (ctx.quick) {
            runtimes = runtimes.stream().filter(r -> r.path().getParent().getFileName().toString().equals("adder")).toList();
            ctx.say("   --quick: the adders of the corpus only");
        }
        if (runtimes.isEmpty()) {
            ctx.say("   skipped: no corpus (%s)", ctx.corpus.map(Path::toString).orElse("not found; give --corpus DIR"));
            section.put("skipped", "no corpus");
            return;
        }
        int iterations = ctx.pick(1, 3); // the first in a fresh probe JVM, the others warm
        section.put("iterations", iterations);
        section.put("oursRunsIn", "probe JVM: " + ctx.main.label() + " " + String.join(" ", prepareOptions(ctx.main)));
        section.put("peersCompile", "the decompressed wasm, before our instrumentation");
        ObjectNode all = section.putObject("runtimes");
        Path dir = ctx.dir("prepare");
        for (BenchContext.Runtime r : runtimes) {
            all.set(r.name(), runtime(r, iterations, dir));
        }
    }

    private ObjectNode runtime(BenchContext.Runtime r, int iterations, Path dir) throws Exception {
        ObjectNode o = Report.JSON.createObjectNode();
        byte[] wasm = r.wasm();
        Path wasmFile = dir.resolve(r.name() + ".wasm");
        Files.write(wasmFile, wasm);
        o.set("codeBytes", Report.figure(r.code().length, "bytes"));
        o.set("wasmBytes", Report.figure(wasm.length, "bytes"));
        ctx.say("%s: code %s, wasm %s", r.name(), Report.bytes(r.code().length), Report.bytes(wasm.length));

        // ours, in-process in a probe JVM
        Path artifact = ctx.dir("artifacts").resolve(r.name() + ".pvfa");
        JsonNode p = ProbeRunner.run(ctx.main, prepareOptions(ctx.main), ctx.workDir, "prepare", r.path().toString(), Integer.toString(iterations),
                artifact.toString(), Long.toString(ctx.settings.maxCodeSize()), Long.toString(ctx.settings.codeBombLimit()));
        ObjectNode phases = o.putObject("phases");
        StringBuilder line = new StringBuilder("  ours in-process:");
        long[] totals = new long[iterations];
        for (String phase : PHASES) {
            long[] ns = ProbeRunner.longs(p.get("phasesNanos").get(phase));
            for (int i = 0; i < ns.length; i++) {
                totals[i] += ns[i];
            }
            Stats s = Stats.of(ns.length > 1 ? java.util.Arrays.copyOfRange(ns, 1, ns.length) : ns);
            phases.set(phase, s.json());
            line.append(' ').append(phase).append(' ').append(Report.ms(s.p50Ms())).append(',');
        }
        // the first run is in a fresh JVM (class loading, no JIT yet); later runs are a warm prepare worker's
        Stats total = Stats.of(iterations > 1 ? java.util.Arrays.copyOfRange(totals, 1, iterations) : totals);
        o.set("total", total.json());
        o.put("totalIs", iterations > 1 ? "runs 2.." + iterations + " in the same JVM (warm)" : "one run in a fresh JVM");
        o.set("firstRunTotal", Report.figure(totals[0] / 1e6, "ms"));
        line.append(" total ").append(Report.ms(total.p50Ms()));
        if (iterations > 1) {
            line.append(" (warm; first run in a fresh JVM ").append(Report.ms(totals[0] / 1e6)).append(')');
        }
        ctx.say("%s", line);
        long artifactBytes = p.get("artifactBytes").asLong();
        o.set("artifactBytes", Report.figure(artifactBytes, "bytes"));
        o.set("artifactToWasm", Report.ratio("artifact size", artifactBytes, "bytes", "wasm size", wasm.length, "bytes"));
        o.put("interpretedFunctions", p.get("interpretedFunctions").asInt());
        o.put("classes", p.get("classes").asInt());
        ctx.artifacts.put(r.name(), new Workers.Prepared(artifact, Hex.decode(p.get("checksum").asText()), artifactBytes));
        ctx.say("  artifact %s (%.2fx the wasm), %d classes, %d functions left to the interpreter", Report.bytes(artifactBytes),
                artifactBytes / (double) wasm.length, p.get("classes").asInt(), p.get("interpretedFunctions").asInt());

        // a real prepare worker: wall time and peak memory
        Path workers = ctx.dir("workers");
        try (WorkerHandle w = Workers.spawn(ctx.main, WorkerKind.PREPARE, workers)) {
            long t0 = System.nanoTime();
            Message m = Workers.prepare(w, r.code(), ctx.settings.maxCodeSize(), ctx.settings.codeBombLimit(),
                    dir.resolve(r.name() + ".worker.pvfa"));
            long wall = System.nanoTime() - t0;
            long hwm = MachineInfo.peakRssBytes(w.pid());
            ObjectNode wo = o.putObject("worker");
            if (m instanceof Message.Prepared prepared) {
                wo.set("wall", Report.figure(wall / 1e6, "ms"));
                wo.set("cpu", Report.figure(prepared.cpuMillis(), "ms"));
                wo.set("peakRss", Report.figure(hwm / (double) (1L << 20), "MiB"));
                wo.set("peakHeap", Report.figure(prepared.peakMemoryBytes() / (double) (1L << 20), "MiB"));
                ctx.say("  prepare worker: %s wall, %s CPU, peak RSS (VmHWM) %s, peak heap %s", Report.ms(wall / 1e6),
                        Report.ms(prepared.cpuMillis()), Report.bytes(hwm), Report.bytes(prepared.peakMemoryBytes()));
            } else {
                wo.put("error", m.toString());
                ctx.say("  prepare worker failed: %s", m);
            }
        }

        // peers on the decompressed wasm
        ObjectNode peers = o.putObject("peers");
        StringBuilder pl = new StringBuilder("  peers:");
        double ours = total.p50Ms();
        if (ctx.wasmtime != null) {
            Stats s = Stats.of(ctx.wasmtime.compile(wasm, iterations));
            peers.set("wasmtime", s.json());
            o.set("oursVsWasmtime", Report.ratio("ours: preparation total p50", ours, "ms", "wasmtime compile p50", s.p50Ms(), "ms"));
            o.set("oursFirstRunVsWasmtime", Report.ratio("ours: preparation total, first run in a fresh JVM", totals[0] / 1e6, "ms",
                    "wasmtime compile p50", s.p50Ms(), "ms"));
            pl.append(String.format(" wasmtime compile %s (ours %s);", Report.ms(s.p50Ms()), Report.x(ours / s.p50Ms())));
        } else {
            peers.put("wasmtime", "unavailable: " + ctx.wasmtimeProblem);
        }
        if (ctx.v8.isPresent()) {
            for (V8.Tier tier : V8.Tier.values()) {
                Stats s = Stats.of(ctx.v8.get().compile(tier, wasmFile, iterations));
                String key = tier == V8.Tier.DEFAULT ? "v8" : "v8TurboFan";
                peers.set(key, s.json());
                o.set(tier == V8.Tier.DEFAULT ? "oursVsV8" : "oursVsV8TurboFan",
                        Report.ratio("ours: preparation total p50", ours, "ms", tier.label + " compile p50", s.p50Ms(), "ms"));
                pl.append(String.format(" %s %s (ours %s);", tier.label, Report.ms(s.p50Ms()), Report.x(ours / s.p50Ms())));
            }
        } else {
            peers.put("v8", "unavailable: node is not on the PATH");
        }
        ctx.say("%s", pl);
        return o;
    }
}
