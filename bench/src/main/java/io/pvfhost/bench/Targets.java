package io.pvfhost.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/** The targets of issue #7, checked against what this run measured (rows only for the sections that ran). */
final class Targets {
    private Targets() {}

    static void evaluate(BenchContext ctx) {
        Report r = ctx.report;
        JsonNode root = r.root;
        String mainJvm = ctx.main.label();

        JsonNode adders = root.path("e2e").path("adders");
        if (adders.size() > 0) {
            Map.Entry<String, JsonNode> first = adders.fields().next();
            JsonNode a = first.getValue();
            double p50 = a.get("overheadP50").get("value").asDouble();
            double p99 = a.get("overheadP99").get("value").asDouble();
            String note = String.format(Locale.ROOT, "%s: host p50 %s / p99 %s, direct p50 %s / p99 %s", first.getKey(),
                    Report.ms(a.get("host").get("p50").asDouble()), Report.ms(a.get("host").get("p99").asDouble()),
                    Report.ms(a.get("direct").get("p50").asDouble()), Report.ms(a.get("direct").get("p99").asDouble()));
            r.target("e2e overhead over in-process call, adder, p50", "<= 1 ms", (ObjectNode) a.get("overheadP50"), p50 <= 1, note);
            r.target("e2e overhead over in-process call, adder, p99", "<= 5 ms", (ObjectNode) a.get("overheadP99"), p99 <= 5, note);
        }
        JsonNode compute = root.path("compute");
        if (compute.has("oursVsV8")) {
            double v = compute.get("oursVsV8").get("value").asDouble();
            r.target("compute loop vs V8", "<= 2.0x", (ObjectNode) compute.get("oursVsV8"), v <= 2.0,
                    "in-process on " + mainJvm + best(compute.get("ours"), "vsV8", "x"));
        }
        JsonNode runtimes = root.path("prepare").path("runtimes");
        String largest = null;
        long largestSize = -1;
        for (Iterator<Map.Entry<String, JsonNode>> it = runtimes.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            long size = e.getValue().get("wasmBytes").get("value").asLong();
            if (size > largestSize && e.getValue().has("oursVsWasmtime")) {
                largest = e.getKey();
                largestSize = size;
            }
        }
        if (largest != null) {
            JsonNode ratio = runtimes.get(largest).get("oursVsWasmtime");
            r.target(String.format(Locale.ROOT, "%s (%.1f MB) preparation vs wasmtime compile", largest, largestSize / 1e6),
                    "<= 2.0x", (ObjectNode) ratio, ratio.get("value").asDouble() <= 2.0,
                    "ours: warm in-process phases incl. instrumentation and write; wasmtime: compile of the uninstrumented wasm"
                            + (runtimes.get(largest).has("oursFirstRunVsWasmtime") ? String.format(Locale.ROOT,
                                    "; first run in a fresh JVM: %.2fx", runtimes.get(largest).get("oursFirstRunVsWasmtime")
                                            .get("value").asDouble()) : ""));
        }
        // the cold rows judge the workers a host with these settings starts (with its class cache by default)
        JsonNode cold = root.path("cold").path("jvms");
        String coldJvm = ctx.hostDefault().label();
        JsonNode judged = cold.path(coldJvm);
        String coldNote = coldJvm + (coldJvm.equals(mainJvm) ? "" : ", the host's default workers (class-cache = auto)");
        if (judged.has("spawnToFirstAdderResult")) {
            double p50 = judged.get("spawnToFirstAdderResult").get("p50").asDouble();
            r.target("cold worker: spawn to first adder result (p50)", "<= 200 ms", Report.figure(p50, "ms"), p50 <= 200,
                    coldNote + without(cold, coldJvm, mainJvm, "spawnToFirstAdderResult") + best(cold, "spawnToFirstAdderResult", "ms"));
        }
        if (judged.has("loadToFirstCall")) {
            double p50 = judged.get("loadToFirstCall").get("p50").asDouble();
            r.target("artifact load to first call, largest runtime (" + root.path("cold").path("largestRuntime").asText() + ", p50)",
                    "<= 100 ms", Report.figure(p50, "ms"), p50 <= 100,
                    coldNote + without(cold, coldJvm, mainJvm, "loadToFirstCall") + best(cold, "loadToFirstCall", "ms")
                            + warmWorker(judged));
        }
        JsonNode workers = root.path("e2e").path("throughput").path("workers");
        if (workers.size() > 0) {
            String n = null;
            for (Iterator<String> it = workers.fieldNames(); it.hasNext(); ) {
                n = it.next();
            }
            JsonNode ratio = workers.get(n).get("ofIdeal");
            JsonNode computeScaling = root.path("e2e").path("throughputCompute").path("workers").path(n).path("ofIdeal");
            JsonNode computeOfDirect = root.path("e2e").path("throughputCompute").path("workers").path(n).path("ofDirectProcesses");
            JsonNode adderOfDirect = workers.get(n).path("ofDirectProcesses");
            r.target("throughput, adder, N = " + n + " workers, of N / single execution time", ">= 90 %", (ObjectNode) ratio,
                    ratio.get("value").asDouble() >= 0.9, ctx.report.root.path("machine").path("cores").asInt()
                            + " cores; single execution time t1 = 1 / throughput with 1 worker"
                            + (computeScaling.has("value") ? String.format(Locale.ROOT, "; CPU-bound compute.wasm: %.0f %%",
                                    100 * computeScaling.get("value").asDouble()) : "")
                            + (computeOfDirect.has("value") ? String.format(Locale.ROOT, "; of what " + n
                                    + " processes calling the artifact directly get on this machine now: compute.wasm %.0f %%,"
                                    + " adder %.0f %%", 100 * computeOfDirect.get("value").asDouble(),
                                    100 * adderOfDirect.path("value").asDouble()) : "")
                            + atCores(root, n));
        }

        r.say("");
        r.say("== targets (measured in this run; the machine is shared and noisy)");
        for (JsonNode t : r.targets) {
            JsonNode m = t.get("measured");
            String value = m.get("unit").asText().equals("x") && t.get("target").asText().contains("%")
                    ? String.format(Locale.ROOT, "%.0f %%", 100 * m.get("value").asDouble())
                    : m.get("unit").asText().equals("x") ? String.format(Locale.ROOT, "%.3fx", m.get("value").asDouble())
                    : Report.ms(m.get("value").asDouble());
            r.say("  %-62s %-10s %-10s %s  (%s)", t.get("name").asText(), t.get("target").asText(), value,
                    t.get("met").asBoolean() ? "met" : "NOT met", t.path("note").asText());
        }
    }

    /** "; without the cache: VALUE" when the judged variant is not the main one. */
    private static String without(JsonNode byVariant, String judged, String main, String key) {
        JsonNode n = byVariant.path(main).path(key);
        return judged.equals(main) || !n.has("p50") ? "" : "; " + main + " without the cache: " + Report.ms(n.get("p50").asDouble());
    }

    /** "; in a worker that has served another PVF: VALUE" when the section measured it. */
    /** The throughput with as many workers as the machine has cores, when that is measured and is not N itself. */
    private static String atCores(JsonNode root, String n) {
        String cores = Integer.toString(root.path("machine").path("cores").asInt());
        JsonNode adder = root.path("e2e").path("throughput").path("workers").path(cores).path("ofIdeal");
        if (cores.equals(n) || !adder.has("value")) {
            return "";
        }
        JsonNode compute = root.path("e2e").path("throughputCompute").path("workers").path(cores).path("ofIdeal");
        return String.format(Locale.ROOT, "; with %s workers (one per core): adder %.0f %%", cores, 100 * adder.get("value").asDouble())
                + (compute.has("value") ? String.format(Locale.ROOT, ", compute.wasm %.0f %%", 100 * compute.get("value").asDouble()) : "");
    }

    private static String warmWorker(JsonNode variant) {
        JsonNode n = variant.path("loadToFirstCallWarmWorker");
        return n.has("p50") ? "; in a worker that has served another PVF: " + Report.ms(n.get("p50").asDouble()) : "";
    }

    /** "; best: LABEL VALUE" over the JVM variants, when there are several. */
    private static String best(JsonNode byVariant, String key, String unit) {
        if (byVariant == null || byVariant.size() < 2) {
            return "";
        }
        String bestLabel = null;
        double bestValue = Double.MAX_VALUE;
        for (Iterator<Map.Entry<String, JsonNode>> it = byVariant.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode n = e.getValue().get(key);
            if (n == null) {
                continue;
            }
            double v = n.has("p50") ? n.get("p50").asDouble() : n.get("value").asDouble();
            if (v < bestValue) {
                bestValue = v;
                bestLabel = e.getKey();
            }
        }
        return bestLabel == null ? "" : "; best JVM: " + bestLabel + " " + (unit.equals("x") ? Report.x(bestValue) : Report.ms(bestValue));
    }
}
