package io.pvfhost.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pvfhost.common.Hex;
import io.pvfhost.common.wire.Message;
import io.pvfhost.worker.AdderVectors;
import io.pvfhost.worker.host.WorkerHandle;
import io.pvfhost.worker.host.WorkerKind;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;

/**
 * Section cold: per worker JVM variant, an execute worker's spawn to ready ({@link
 * WorkerHandle#spawn}: process start to hello), spawn to the first adder result, and for the
 * first result of pvfs/trieproof.wasm (its calls hash with blake2 and keccak, as a runtime's
 * first block does, so the first use of the hashing libraries shows here), and for the
 * largest runtime of the corpus the first request of a fresh worker on a prepared artifact (read,
 * verify, decode, load the classes, instantiate, validate_block with the MANIFEST's malformed
 * params, which traps), and the same request in a worker that has served {@value #WARM_WORKER_JOBS}
 * adder jobs first (the usual case in a running host: a new artifact reaches a worker that is
 * running already); plus the same first call's parts timed in-process in a fresh probe JVM.
 */
final class ColdSection {
    /** Adder jobs a worker serves before the largest runtime's first request in the warm-worker figure. */
    static final int WARM_WORKER_JOBS = 20;
    private final BenchContext ctx;

    ColdSection(BenchContext ctx) {
        this.ctx = ctx;
    }

    void run() throws Exception {
        ObjectNode section = ctx.report.section("cold");
        int samples = ctx.pick(3, 10);
        int loadSamples = ctx.pick(1, 3);
        section.put("samples", samples);
        section.put("loadSamples", loadSamples);
        ctx.say("");
        ctx.say("== cold: worker spawn to ready, spawn to first adder result, artifact load to first call");
        Path workers = ctx.dir("workers");
        byte[] adder = ComputePvf.resource("adder.wasm");
        Workers.Prepared adderArtifact = ctx.artifact("pvfs-adder", adder);
        byte[] adderParams = AdderVectors.genesisParams();
        byte[] expected = AdderVectors.genesisExpected();
        Workers.Prepared hashingArtifact = ctx.artifact("pvfs-trieproof", ComputePvf.resource("trieproof.wasm"));
        byte[] hashingExpected = io.pvfhost.worker.TrieproofVectors.expected();

        BenchContext.Runtime largest = ctx.runtimes().stream()
                .max(Comparator.comparingInt(r -> r.wasm().length)).orElse(null);
        Workers.Prepared largestArtifact = null;
        if (largest != null) {
            section.put("largestRuntime", largest.name());
            section.set("largestRuntimeWasm", Report.figure(largest.wasm().length, "bytes"));
            boolean reused = ctx.artifacts.containsKey(largest.name());
            largestArtifact = ctx.artifact(largest.name(), largest.code());
            ctx.say("largest runtime: %s (%s wasm, artifact %s, %s)", largest.name(), Report.bytes(largest.wasm().length),
                    Report.bytes(largestArtifact.size()), reused ? "prepared in the prepare section" : "prepared now in-process");
        } else {
            ctx.say("no corpus: the load-to-first-call figure is skipped");
        }
        byte[] malformed = AdderVectors.malformedParams();

        ObjectNode byVariant = section.putObject("jvms");
        for (JvmVariant v : ctx.variants) {
            ObjectNode o = byVariant.putObject(v.label());
            Stats spawn = new Stats();
            Stats first = new Stats();
            for (int i = 0; i < samples; i++) {
                long t0 = System.nanoTime();
                try (WorkerHandle w = Workers.spawn(v, WorkerKind.EXECUTE, workers)) {
                    spawn.add(System.nanoTime() - t0);
                }
            }
            firstResults(v, workers, samples, adderArtifact, adderParams, expected, "adder", first);
            Stats hashing = new Stats();
            firstResults(v, workers, samples, hashingArtifact, adderParams, hashingExpected, "trieproof", hashing);
            o.set("spawnToReady", spawn.json());
            o.set("spawnToFirstAdderResult", first.json());
            o.set("spawnToFirstHashingResult", hashing.json());
            ctx.say("%s:", v.label());
            ctx.say("  spawn to ready              %s", spawn.text());
            ctx.say("  spawn to first adder result %s", first.text());
            ctx.say("  spawn to first trieproof result (blake2, keccak) %s", hashing.text());
            o.set("adderFirstCallInProcess", breakdown(v, adderArtifact, adderParams, "  adder in a fresh probe JVM:"));
            if (largestArtifact != null) {
                Stats load = new Stats();
                String status = "";
                for (int i = 0; i < loadSamples; i++) {
                    try (WorkerHandle w = Workers.spawn(v, WorkerKind.EXECUTE, workers)) {
                        long t0 = System.nanoTime();
                        Message.ExecuteResponse r = Workers.execute(w, largestArtifact, malformed);
                        load.add(System.nanoTime() - t0);
                        status = r.status() + (r.detail().contains("Invalid parachain block data")
                                ? ": Invalid parachain block data" : ": " + r.detail());
                    }
                }
                o.set("loadToFirstCall", load.json());
                o.put("firstCallOutcome", status);
                ctx.say("  %s load to first call (fresh worker, first request) %s -> %s", largest.name(), load.text(), status);
                // the usual case in a running host: the artifact is new to a worker that has already served jobs
                Stats warm = new Stats();
                for (int i = 0; i < loadSamples; i++) {
                    try (WorkerHandle w = Workers.spawn(v, WorkerKind.EXECUTE, workers)) {
                        for (int j = 0; j < WARM_WORKER_JOBS; j++) {
                            Message.ExecuteResponse r = Workers.execute(w, adderArtifact, adderParams);
                            if (r.status() != Message.Status.OK) {
                                throw new IllegalStateException("adder on " + v.label() + ": " + r.status() + " " + r.detail());
                            }
                        }
                        long t0 = System.nanoTime();
                        Message.ExecuteResponse r = Workers.execute(w, largestArtifact, malformed);
                        warm.add(System.nanoTime() - t0);
                        if (!r.detail().contains("Invalid parachain block data")) {
                            throw new IllegalStateException(largest.name() + " on " + v.label() + ": " + r.status() + " " + r.detail());
                        }
                    }
                }
                o.set("loadToFirstCallWarmWorker", warm.json());
                ctx.say("  %s load to first call (worker that has served %d adder jobs) %s", largest.name(), WARM_WORKER_JOBS,
                        warm.text());
                o.set("loadToFirstCallInProcess", breakdown(v, largestArtifact, malformed, "  " + largest.name()
                        + " in a fresh probe JVM:"));
            }
        }
    }

    /** Spawn to first result of {@code artifact} in a fresh worker, {@code samples} times, into {@code into}. */
    private static void firstResults(JvmVariant v, Path workers, int samples, Workers.Prepared artifact, byte[] params,
            byte[] expected, String name, Stats into) throws Exception {
        for (int i = 0; i < samples; i++) {
            long t0 = System.nanoTime();
            try (WorkerHandle w = Workers.spawn(v, WorkerKind.EXECUTE, workers)) {
                Message.ExecuteResponse r = Workers.execute(w, artifact, params);
                into.add(System.nanoTime() - t0);
                if (r.status() != Message.Status.OK || !Arrays.equals(r.resultBytes(), expected)) {
                    throw new IllegalStateException("cold " + name + " on " + v.label() + ": " + r.status() + " " + r.detail());
                }
            }
        }
    }

    /** The first call's parts, timed in-process in a fresh probe JVM of the variant. */
    private ObjectNode breakdown(JvmVariant v, Workers.Prepared artifact, byte[] params, String label) {
        JsonNode b = ProbeRunner.run(v, ctx.workDir, "coldload", artifact.path().toString(), Hex.toHex(artifact.checksum()),
                Hex.toHex(params));
        ObjectNode parts = Report.JSON.createObjectNode();
        StringBuilder line = new StringBuilder(label);
        for (String k : new String[] {"readVerifyLoad", "firstCall", "secondCall"}) {
            double ms = b.get("nanos").get(k).asLong() / 1e6;
            parts.set(k, Report.figure(ms, "ms"));
            line.append(' ').append(k).append(' ').append(Report.ms(ms)).append(',');
        }
        line.setLength(line.length() - 1);
        ctx.say("%s", line);
        return parts;
    }
}
