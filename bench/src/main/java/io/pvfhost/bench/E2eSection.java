package io.pvfhost.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pvfhost.artifacts.ArtifactFile;
import io.pvfhost.artifacts.ArtifactId;
import io.pvfhost.common.Hex;
import io.pvfhost.common.error.ValidationOutcome;
import io.pvfhost.common.params.ExecutorParams;
import io.pvfhost.common.types.ValidationParams;
import io.pvfhost.common.wire.Message;
import io.pvfhost.host.ExecKind;
import io.pvfhost.host.Pvf;
import io.pvfhost.host.ValidationHost;
import io.pvfhost.worker.host.WorkerHandle;
import io.pvfhost.worker.host.WorkerKind;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Section e2e: the adder, warm, through {@link ValidationHost} (one request at a time) against a
 * direct call of the same artifact file in a probe JVM started like an execute worker
 * ({@code LoadedArtifact} + {@code Execution.validateBlock}, fresh instance per call); then
 * throughput with 1..N execute workers against N / (single execution time), for the adder and for
 * CPU-bound work (pvfs/compute.wasm). A
 * third series sends the same requests to one execute worker through {@link WorkerHandle}, without
 * the actors, to tell the worker's share of the overhead from the host's. Last, requests that
 * switch between the corpus's runtimes, on a worker keeping the configured number of artifacts
 * loaded against one keeping 1 ({@link #switching}).
 */
final class E2eSection {
    private final BenchContext ctx;

    E2eSection(BenchContext ctx) {
        this.ctx = ctx;
    }

    void run() throws Exception {
        ObjectNode section = ctx.report.section("e2e");
        ctx.say("");
        ctx.say("== e2e: the adder, warm, through ValidationHost vs a direct in-process call of the same artifact");
        ctx.say("   direct: LoadedArtifact + Execution.validateBlock in a probe JVM started like an execute worker (%s)",
                ctx.main.label());
        // the host JVM's JIT settles after 20 000-30 000 requests of the adder (p99 about 4 ms at 10 000-20 000, 0.3-1.2 ms
        // after 30 000, in a harness after the host stopped starting a thread per request and the adder got 3x faster)
        int warmup = ctx.pick(30, 30_000);
        int iterations = ctx.pick(100, 1000);
        section.put("warmup", warmup);
        section.put("iterations", iterations);
        Path cache = ctx.dir("e2e-cache");
        ObjectNode adders = section.putObject("adders");
        double singleMs = -1;
        BenchContext.Adder throughputAdder = null;
        for (BenchContext.Adder a : ctx.adders()) {
            ObjectNode o = adders.putObject(a.name());
            Pvf pvf = Pvf.of(a.code());
            Stats host = new Stats();
            try (ValidationHost h = ctx.startHost(ctx.main, cache, null)) {
                long t0 = System.nanoTime();
                check(h.executePvf(pvf, ValidationParams.decode(a.params()), ExecKind.BACKING, null).get(5, TimeUnit.MINUTES), a);
                o.set("firstRequestWithPreparation", Report.figure((System.nanoTime() - t0) / 1e6, "ms"));
                ValidationParams params = ValidationParams.decode(a.params());
                for (int i = 0; i < warmup; i++) {
                    check(h.executePvf(pvf, params, ExecKind.BACKING, null).get(1, TimeUnit.MINUTES), a);
                }
                for (int i = 0; i < iterations; i++) {
                    long s = System.nanoTime();
                    ValidationOutcome out = h.executePvf(pvf, params, ExecKind.BACKING, null).get(1, TimeUnit.MINUTES);
                    host.add(System.nanoTime() - s);
                    check(out, a);
                }
            }
            Path artifact = cache.resolve(ArtifactId.of(a.code(), ExecutorParams.DEFAULT).fileName());
            byte[] checksum = ArtifactFile.checksum(Files.readAllBytes(artifact));
            JsonNode d = ProbeRunner.run(ctx.main, ctx.workDir, "exec", artifact.toString(), Hex.toHex(checksum),
                    Hex.toHex(a.params()), Integer.toString(warmup), Integer.toString(iterations));
            if (!Arrays.equals(Hex.decode(d.get("result").asText()), a.expected())) {
                throw new IllegalStateException(a.name() + ": the direct call returned " + d.get("result").asText());
            }
            Stats direct = Stats.of(ProbeRunner.longs(d.get("nanos")));
            Stats worker = throughWorker(new Workers.Prepared(artifact, checksum, Files.size(artifact)), a, warmup, iterations);
            o.set("host", host.json());
            o.set("worker", worker.json());
            o.put("workerIs", "one execute worker driven directly through WorkerHandle: socket, worker, job thread; no actors");
            o.set("direct", direct.json());
            o.set("overheadP50", Report.figure(host.p50Ms() - direct.p50Ms(), "ms"));
            o.set("overheadP99", Report.figure(host.p99Ms() - direct.p99Ms(), "ms"));
            o.set("hostVsDirectP50", Report.ratio("host p50", host.p50Ms(), "ms", "direct call p50", direct.p50Ms(), "ms"));
            o.set("hostVsDirectP99", Report.ratio("host p99", host.p99Ms(), "ms", "direct call p99", direct.p99Ms(), "ms"));
            ctx.say("%s: through the host  %s", a.name(), host.text());
            ctx.say("%s  WorkerHandle only %s", " ".repeat(a.name().length()), worker.text());
            ctx.say("%s  direct call       %s", " ".repeat(a.name().length()), direct.text());
            ctx.say("%s  overhead p50 %s, p99 %s; host/direct p50 %s (of the p50 overhead: worker process %s, host actors %s)",
                    " ".repeat(a.name().length()), Report.ms(host.p50Ms() - direct.p50Ms()),
                    Report.ms(host.p99Ms() - direct.p99Ms()), Report.x(host.p50Ms() / direct.p50Ms()),
                    Report.ms(worker.p50Ms() - direct.p50Ms()), Report.ms(host.p50Ms() - worker.p50Ms()));
            if (throughputAdder == null) {
                throughputAdder = a;
                singleMs = host.meanMs();
            }
        }
        BenchContext.Adder a = throughputAdder; // ours is always there, the corpus's first when present
        Workload adder = new Workload(a.name(), Pvf.of(a.code()), ValidationParams.decode(a.params()), out -> verdict(out, a));
        throughput(section.putObject("throughput"), adder, adder, singleMs, ctx.pick(300, 10_000), 0, cache);
        // the same with CPU-bound work (pvfs/compute.wasm, 4 rounds over 4 MiB): how the pool scales when
        // the work is the worker's, not the host's; each host is warmed up with the adder first, as a host
        // that has served for a while is, then with compute.wasm for its workers' JIT
        byte[] compute = ComputePvf.resource("compute.wasm");
        throughput(section.putObject("throughputCompute"), new Workload("compute.wasm (4 rounds)", Pvf.of(compute),
                ValidationParams.decode(ComputePvf.params(4)),
                out -> out instanceof ValidationOutcome.Valid ? null : "expected a valid candidate, got " + out),
                adder, -1, ctx.pick(40, 500), ctx.pick(40, 200), cache);
        switching(section, cache);
    }

    /** Seed of the switching figure's order of runtimes: the same order in every run and for both hosts. */
    static final long SWITCHING_SEED = 42;

    /**
     * What a worker's kept artifacts save when requests go to different PVFs in turn, as a
     * validator's do: the corpus's runtimes in a seeded random order, one request at a time, each
     * with the MANIFEST's malformed params (every runtime traps: its load, instantiation and the
     * start of its validate_block, where a real block would go on to execute). Once on a host with
     * the configured {@code execute.worker-kept-artifacts} and once on a host whose one worker
     * keeps 1, which loads the artifact for most requests (the reference's process per job loads
     * it for every one, at its own cost). Both hosts warm up on the same order first. One request
     * at a time keeps one worker busy at a time, so this measures what one worker keeps, not which
     * idle worker a job goes to.
     */
    private void switching(ObjectNode section, Path cache) throws Exception {
        List<BenchContext.Runtime> runtimes = ctx.runtimes();
        if (runtimes.size() < 2) {
            ctx.say("switching between runtimes: skipped, the corpus has fewer than 2");
            return;
        }
        int kept = ctx.settings.executeKeptArtifacts();
        if (kept == 1) {
            ctx.say("switching between runtimes: skipped, execute.worker-kept-artifacts is 1 here, the baseline itself");
            return;
        }
        int warmup = ctx.pick(2, 10) * runtimes.size();
        int measured = ctx.pick(4, 40) * runtimes.size();
        java.util.Random order = new java.util.Random(SWITCHING_SEED);
        // each runtime once first (the first host prepares them), then the warm-up and the measured requests
        int unmeasured = runtimes.size() + warmup;
        int[] sequence = new int[unmeasured + measured];
        for (int i = 0; i < sequence.length; i++) {
            sequence[i] = i < runtimes.size() ? i : order.nextInt(runtimes.size());
        }
        ValidationParams malformed = ValidationParams.decode(io.pvfhost.worker.AdderVectors.malformedParams());
        List<Pvf> pvfs = runtimes.stream().map(r -> Pvf.of(r.code())).toList();
        ObjectNode o = section.putObject("switching");
        o.put("runtimes", runtimes.size());
        o.put("keptArtifacts", kept);
        o.put("measured", measured);
        o.put("order", "seeded random (seed " + SWITCHING_SEED + "), one request at a time, malformed params");
        o.put("warmup", warmup);
        ctx.say("switching between runtimes: %d runtimes of the corpus in a seeded random order, one request at a time, "
                + "malformed params (each traps early: mostly load and instantiation); %d warm-up, %d measured requests",
                runtimes.size(), warmup, measured);
        Stats keeping = null;
        for (int k : new int[] {kept, 1}) {
            Stats s = new Stats();
            try (ValidationHost h = ctx.startHost(ctx.main, cache, k == 1 ? 1 : null, k)) {
                for (int i = 0; i < sequence.length; i++) {
                    int r = sequence[i];
                    long t0 = System.nanoTime();
                    ValidationOutcome out = h.executePvf(pvfs.get(r), malformed, ExecKind.BACKING, null)
                            .get(5, TimeUnit.MINUTES);
                    long ns = System.nanoTime() - t0;
                    if (!(out instanceof ValidationOutcome.Invalid)) {
                        throw new IllegalStateException(runtimes.get(r).name() + " on malformed params: expected an invalid "
                                + "candidate, got " + out);
                    }
                    if (i >= unmeasured) {
                        s.add(ns);
                    }
                }
            }
            String label = k == 1 ? "a worker keeping 1 artifact (a load per switch)"
                    : "a worker keeping " + k + " artifacts (execute.worker-kept-artifacts)";
            o.set(k == 1 ? "keepingOne" : "keepingConfigured", s.json());
            ctx.say("  %-58s %s", label, s.text());
            if (keeping == null) {
                keeping = s;
            } else {
                o.set("keepingOneVsConfiguredP50", Report.ratio("p50 keeping 1", s.p50Ms(), "ms", "p50 keeping " + kept,
                        keeping.p50Ms(), "ms"));
                o.set("keepingOneVsConfiguredMean", Report.ratio("mean keeping 1", s.meanMs(), "ms", "mean keeping " + kept,
                        keeping.meanMs(), "ms"));
                ctx.say("  keeping 1 / keeping %d: p50 %s, mean %s", kept, Report.x(s.p50Ms() / keeping.p50Ms()),
                        Report.x(s.meanMs() / keeping.meanMs()));
            }
        }
    }

    /** The same requests sent straight to one execute worker through {@link WorkerHandle}: the host's actors left out. */
    private Stats throughWorker(Workers.Prepared artifact, BenchContext.Adder a, int warmup, int iterations) throws Exception {
        Stats s = new Stats();
        try (WorkerHandle w = Workers.spawn(ctx.main, WorkerKind.EXECUTE, ctx.dir("workers"))) {
            for (int i = 0; i < warmup + iterations; i++) {
                long t0 = System.nanoTime();
                Message.ExecuteResponse r = Workers.execute(w, artifact, a.params());
                long ns = System.nanoTime() - t0;
                if (r.status() != Message.Status.OK || !Arrays.equals(r.resultBytes(), a.expected())) {
                    throw new IllegalStateException(a.name() + " through WorkerHandle: " + r.status() + " " + r.detail());
                }
                if (i >= warmup) {
                    s.add(ns);
                }
            }
        }
        return s;
    }

    /** One kind of request for the throughput runs, and how to tell its answer is right (null: right). */
    private record Workload(String name, Pvf pvf, ValidationParams params, Function<ValidationOutcome, String> verdict) {}

    /**
     * Throughput with k = 1, 2, 4 .. N execute workers (N = the configured workers-max), each k on a
     * fresh host with workers-max = k and 2k requests in flight, warmed up with {@code hostWarmup}
     * until its JIT settles ({@link #warmUntilSettled}), then with {@code warmup} requests of the
     * workload itself. Ideal: k / t1, where t1 = 1 / (the throughput with one worker), the time one
     * worker spends per execution when kept busy; also against k / (the mean latency of one request
     * at a time through the host), when known.
     */
    private void throughput(ObjectNode t, Workload w, Workload hostWarmup, double sequentialMs, int requests, int warmup,
            Path cache) throws Exception {
        int n = ctx.settings.executeWorkersMax();
        List<Integer> ks = new ArrayList<>();
        for (int k = 1; k < n; k *= 2) {
            if (k == 1 || !ctx.quick) {
                ks.add(k); // --quick: 1 and N only
            }
        }
        ks.add(n);
        t.put("pvf", w.name());
        t.put("requests", requests);
        t.put("hostWarmup", hostWarmup.name() + (ctx.quick ? ": " + QUICK_HOST_WARMUP + " requests"
                : ": blocks of " + SETTLE_BLOCK + " requests until in the last " + SETTLE_BLOCKS + " the host JVM's JIT compiled "
                        + "for less than " + Math.round(100 * SETTLE_JIT_SHARE) + " % of the time (at least " + SETTLE_MIN
                        + " and " + SETTLE_PER_WORKER + " per worker, at most " + SETTLE_MAX + " requests or " + SETTLE_SECONDS
                        + " s)"));
        t.put("warmup", warmup);
        t.put("configuredMax", n);
        t.put("cores", Runtime.getRuntime().availableProcessors());
        t.put("idealIs", "k / t1, t1 = 1 / (throughput with 1 worker, kept busy with 2 requests in flight)");
        if (sequentialMs > 0) {
            t.set("sequentialLatency", Report.figure(sequentialMs, "ms"));
        }
        ctx.say("throughput, %s: %d requests per k, 2k in flight, a fresh host with workers-max = k warmed up with %s until "
                + "its JIT settles%s; ideal = k / t1, t1 = 1 / (throughput with 1 worker)", w.name(), requests,
                hostWarmup.name(), warmup > 0 ? " and " + warmup + " of " + w.name() : "");
        ObjectNode byK = t.putObject("workers");
        double first = -1;
        for (int k : ks) {
            double perSecond;
            CpuUse cpu;
            Warmup warm;
            try (ValidationHost h = ctx.startHost(ctx.main, cache, k)) {
                // the fresh host's JIT and every worker's warmed up first
                warm = warmUntilSettled(h, hostWarmup, k);
                if (warmup > 0) {
                    drive(h, w, 2 * k, Math.max(warmup, 20 * k));
                }
                CpuUse before = CpuUse.now();
                long t0 = System.nanoTime();
                drive(h, w, 2 * k, requests);
                perSecond = requests / ((System.nanoTime() - t0) / 1e9);
                cpu = CpuUse.now().since(before);
            }
            if (first < 0) {
                first = perSecond;
                t.set("singleExecution", Report.figure(1000 / perSecond, "ms"));
            }
            ObjectNode o = byK.putObject(Integer.toString(k));
            o.put("hostWarmupRequests", warm.requests());
            o.put("hostWarmupSettled", warm.settled());
            o.put("hostWarmupLastBlocks", warm.text());
            o.set("throughput", Report.figure(perSecond, "requests/s"));
            o.set("ideal", Report.figure(k * first, "requests/s"));
            o.set("ofIdeal", Report.ratio("throughput with " + k + " workers", perSecond, "requests/s", "k / t1", k * first,
                    "requests/s"));
            String vsSequential = "";
            if (sequentialMs > 0) {
                double seqIdeal = k / (sequentialMs / 1000);
                o.set("ofSequentialIdeal", Report.ratio("throughput with " + k + " workers", perSecond, "requests/s",
                        "k / mean sequential latency through the host", seqIdeal, "requests/s"));
                vsSequential = String.format(java.util.Locale.ROOT, "; %.0f %% of k / sequential latency (%.0f/s)",
                        100 * perSecond / seqIdeal, seqIdeal);
            }
            double hostMs = cpu.hostNanos() / 1e6 / requests;
            double workersMs = cpu.workersNanos() / 1e6 / requests;
            o.set("hostCpuPerRequest", Report.figure(hostMs, "ms"));
            o.set("workersCpuPerRequest", Report.figure(workersMs, "ms"));
            o.set("machineBusy", Report.figure(100 * cpu.machineBusyShare(), "%"));
            ctx.say("  %d worker(s): %.0f requests/s = %.0f %% of ideal %.0f/s%s", k, perSecond, 100 * perSecond / (k * first),
                    k * first, vsSequential);
            ctx.say("               warmed up with %d requests of %s (%s)", warm.requests(), hostWarmup.name(), warm.text());
            ctx.say("               CPU per request: host JVM %.3f ms, workers %.3f ms; machine busy %.0f %% of its %d cores",
                    hostMs, workersMs, 100 * cpu.machineBusyShare(), Runtime.getRuntime().availableProcessors());
            double capacity = directInParallel(w, k, requests, cache);
            o.set("directProcesses", Report.figure(capacity, "requests/s"));
            o.set("ofDirectProcesses", Report.ratio("throughput with " + k + " workers", perSecond, "requests/s",
                    k + " probe JVMs calling the artifact directly, side by side", capacity, "requests/s"));
            ctx.say("               %d direct process(es) side by side, no host: %.0f requests/s; the host gives %.0f %% of that",
                    k, capacity, 100 * perSecond / capacity);
        }
    }

    /**
     * What the machine gives k processes doing the same executions without the host, now: k probe
     * JVMs started like execute workers, side by side, each calling the host's artifact directly
     * (its warm-up, then {@code requests / k} timed calls); the sum of their rates. The baseline
     * for the pool's scaling on this machine, whatever its cores and its other load.
     */
    private double directInParallel(Workload w, int k, int requests, Path cache) throws Exception {
        Path artifact = cache.resolve(w.pvf().artifactId().fileName());
        String checksum = Hex.toHex(ArtifactFile.checksum(Files.readAllBytes(artifact)));
        String params = Hex.toHex(w.params().encode());
        int each = Math.max(10, requests / k);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(k); // all k at once, whatever the core count
        try {
            List<java.util.concurrent.Future<JsonNode>> probes = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                probes.add(pool.submit(() -> ProbeRunner.run(ctx.main, ctx.workDir, "exec",
                        artifact.toString(), checksum, params, Integer.toString(each), Integer.toString(each))));
            }
            double sum = 0;
            for (var p : probes) {
                sum += 1000 / Stats.of(ProbeRunner.longs(p.get().get("nanos"))).meanMs();
            }
            return sum;
        } finally {
            pool.shutdownNow();
        }
    }

    static final int QUICK_HOST_WARMUP = 300;
    static final int SETTLE_BLOCK = 5000;
    /** Blocks in a row in which the JIT must have been (nearly) idle. */
    static final int SETTLE_BLOCKS = 2;
    /** The share of a block's wall time the host JVM's JIT may have spent compiling, and the block still count as settled. */
    static final double SETTLE_JIT_SHARE = 0.10;
    static final int SETTLE_MIN = 30_000;
    /** Requests each worker must have served first: its own JIT settles too. */
    static final int SETTLE_PER_WORKER = 15_000;
    static final int SETTLE_MAX = 150_000;
    static final int SETTLE_SECONDS = 90;
    /** The bench JVM's JIT; null when it has none (-Xint) or does not time its compilations. */
    private static final CompilationMXBean JIT = jit();

    private static CompilationMXBean jit() {
        CompilationMXBean b = ManagementFactory.getCompilationMXBean();
        return b != null && b.isCompilationTimeMonitoringSupported() ? b : null;
    }

    /** Milliseconds the bench JVM's JIT has compiled for so far; 0 without a timed JIT (then only the counts decide). */
    private static long jitMillis() {
        return JIT == null ? 0 : JIT.getTotalCompilationTime();
    }

    /** One warm-up block: its rate (requests/s) and the share of its wall time the host JVM's JIT spent compiling. */
    record Block(double rate, double jitShare) {}

    /** How a host was warmed up: requests sent, whether it settled, its last blocks. */
    record Warmup(int requests, boolean settled, List<Block> last) {
        String text() {
            if (last.isEmpty()) {
                return "fixed, --quick";
            }
            String blocks = last.stream().map(b -> String.format(java.util.Locale.ROOT, "%.0f/s, JIT %.0f %%", b.rate(),
                    100 * b.jitShare())).collect(java.util.stream.Collectors.joining("; "));
            return (settled ? "settled: " : "NOT settled, stopped at the limit: ") + "last blocks " + blocks;
        }
    }

    /**
     * Warms a fresh host up until its JIT has settled: blocks of {@link #SETTLE_BLOCK} requests with
     * two per worker outstanding, at least {@link #SETTLE_MIN} requests and {@link
     * #SETTLE_PER_WORKER} per worker, until in each of the last
     * {@link #SETTLE_BLOCKS} blocks the host JVM (this one) compiled for less than {@link
     * #SETTLE_JIT_SHARE} of the block's time (at most {@link #SETTLE_MAX} requests or {@link
     * #SETTLE_SECONDS} s). Its JIT (actors, Akka, the ask) takes 30 000-75 000 adder requests to
     * settle, longer with more workers taking the cores from its compiler threads: a harness
     * measuring successive blocks of 5000 saw, with 4 workers, 1600-2000 requests/s and 2-3 s of
     * compilation per block for blocks 4-8, then 4000-5200/s with 0-0.5 s; a fixed 20 000 left it
     * compiling through the measurement (2181 and 1733 requests/s with 2 and 4 workers in a full run),
     * and so did waiting for three blocks of similar rates, which that plateau satisfies (about 2000/s
     * with 2 and 4 workers in the next). The workers' JIT, which the bench cannot watch, needs its
     * own share: in the bench's JVM, where the JIT had compiled the host for the hosts before, 30 000
     * requests left 4 workers at 0.67 ms of CPU per request against 0.15-0.18 ms once warm.
     */
    private Warmup warmUntilSettled(ValidationHost h, Workload w, int workers) throws InterruptedException {
        int inFlight = 2 * workers;
        int least = Math.max(SETTLE_MIN, workers * SETTLE_PER_WORKER);
        if (ctx.quick) {
            drive(h, w, inFlight, QUICK_HOST_WARMUP);
            return new Warmup(QUICK_HOST_WARMUP, false, List.of());
        }
        List<Block> blocks = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SETTLE_SECONDS);
        int sent = 0;
        while (true) {
            long jit0 = jitMillis();
            long t0 = System.nanoTime();
            drive(h, w, inFlight, SETTLE_BLOCK);
            double seconds = (System.nanoTime() - t0) / 1e9;
            blocks.add(new Block(SETTLE_BLOCK / seconds, (jitMillis() - jit0) / 1000.0 / seconds));
            sent += SETTLE_BLOCK;
            List<Block> last = List.copyOf(blocks.subList(Math.max(0, blocks.size() - SETTLE_BLOCKS), blocks.size()));
            if (sent >= least && settled(last)) {
                return new Warmup(sent, true, last);
            }
            if (sent >= SETTLE_MAX || System.nanoTime() > deadline) {
                return new Warmup(sent, false, last);
            }
        }
    }

    /** Whether there are {@link #SETTLE_BLOCKS} blocks and the JIT was below {@link #SETTLE_JIT_SHARE} in each. */
    static boolean settled(List<Block> last) {
        return last.size() >= SETTLE_BLOCKS && last.stream().allMatch(b -> b.rate() > 0 && b.jitShare() < SETTLE_JIT_SHARE);
    }

    /** {@code total} requests with at most {@code inFlight} outstanding; every outcome must pass the workload's check. */
    private static void drive(ValidationHost h, Workload w, int inFlight, int total) throws InterruptedException {
        Semaphore slots = new Semaphore(inFlight);
        AtomicReference<String> problem = new AtomicReference<>();
        for (int i = 0; i < total && problem.get() == null; i++) {
            slots.acquire();
            h.executePvf(w.pvf(), w.params(), ExecKind.BACKING, null).whenComplete((out, e) -> {
                String p = e != null ? e.toString() : w.verdict().apply(out);
                if (p != null) {
                    problem.compareAndSet(null, p);
                }
                slots.release();
            });
        }
        if (!slots.tryAcquire(inFlight, 5, TimeUnit.MINUTES)) {
            throw new IllegalStateException("requests did not finish in 5 minutes");
        }
        if (problem.get() != null) {
            throw new IllegalStateException(w.name() + ": " + problem.get());
        }
    }

    static void check(ValidationOutcome out, BenchContext.Adder a) {
        String p = verdict(out, a);
        if (p != null) {
            throw new IllegalStateException(a.name() + ": " + p);
        }
    }

    private static String verdict(ValidationOutcome out, BenchContext.Adder a) {
        if (!(out instanceof ValidationOutcome.Valid v)) {
            return "expected a valid candidate, got " + out;
        }
        if (!Arrays.equals(v.resultBytes(), a.expected())) {
            return "unexpected result " + Hex.toHex(v.resultBytes());
        }
        return null;
    }
}
