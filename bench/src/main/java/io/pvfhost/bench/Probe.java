package io.pvfhost.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pvfhost.artifacts.ArtifactContent;
import io.pvfhost.artifacts.ArtifactFile;
import io.pvfhost.common.Hex;
import io.pvfhost.common.params.ExecutorParams;
import io.pvfhost.worker.execute.Execution;
import io.pvfhost.worker.execute.LoadedArtifact;
import io.pvfhost.worker.prepare.Preparation;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The engine measured in-process, in a JVM started like a worker (the worker's java, options and
 * class path) but with no host and no socket: what a worker's job costs by itself. The bench
 * starts it with one task and reads one line, {@value #MARK} followed by a JSON object.
 *
 * <ul>
 *   <li>{@code prepare CODE ITERATIONS OUT MAX_CODE BOMB_LIMIT}: {@link Preparation#prepareTimed} and
 *       {@link ArtifactFile#write}, timing each phase of every iteration;
 *   <li>{@code exec ARTIFACT CHECKSUM PARAMS_HEX WARMUP ITERATIONS}: load the artifact once, then
 *       {@link Execution#validateBlock} on a fresh instance per call, as a worker does;
 *   <li>{@code coldload ARTIFACT CHECKSUM PARAMS_HEX}: in this fresh JVM, the artifact read, verified
 *       and loaded as the execute worker does it, then the first two calls, each timed;
 *   <li>{@code noop}: starts and exits (checks that a cache can be used).
 * </ul>
 */
public final class Probe {
    static final String MARK = "PVF-BENCH-RESULT ";

    private Probe() {}

    public static void main(String[] args) throws Exception {
        ObjectNode out = Report.JSON.createObjectNode();
        out.put("java", System.getProperty("java.runtime.version"));
        switch (args[0]) {
            case "prepare" -> prepare(out, Path.of(args[1]), Integer.parseInt(args[2]), Path.of(args[3]),
                    Long.parseLong(args[4]), Long.parseLong(args[5]));
            case "exec" -> exec(out, Path.of(args[1]), Hex.decode(args[2]), Hex.decode(args[3]), Integer.parseInt(args[4]),
                    Integer.parseInt(args[5]));
            case "coldload" -> coldLoad(out, Path.of(args[1]), Hex.decode(args[2]), Hex.decode(args[3]));

            case "noop" -> { }
            default -> throw new IllegalArgumentException("unknown probe task " + args[0]);
        }
        System.out.println(MARK + Report.JSON.writer().without(
                com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT).writeValueAsString(out));
        System.out.flush();
        System.exit(0);
    }

    private static void prepare(ObjectNode out, Path code, int iterations, Path artifact, long maxCode, long bombLimit)
            throws Exception {
        byte[] blob = Files.readAllBytes(code);
        ObjectNode phases = out.putObject("phasesNanos");
        String[] names = {"decompress", "instrument", "parseAndValidate", "prevalidate", "compile", "verify", "write"};
        ArrayNode[] arrays = new ArrayNode[names.length];
        for (int i = 0; i < names.length; i++) {
            arrays[i] = phases.putArray(names[i]);
        }
        byte[] checksum = null;
        ArtifactContent.Compiled compiled = null;
        for (int it = 0; it < iterations; it++) {
            compiled = null;
            System.gc();
            Preparation.Timed t = Preparation.prepareTimed(blob, new Preparation.Limits(maxCode, bombLimit), ExecutorParams.DEFAULT);
            long w0 = System.nanoTime();
            checksum = ArtifactFile.write(artifact, t.compiled());
            long write = System.nanoTime() - w0;
            Preparation.PhaseNanos p = t.nanos();
            long[] v = {p.decompress(), p.instrument(), p.parseAndValidate(), p.prevalidate(), p.compile(), p.verify(), write};
            for (int i = 0; i < v.length; i++) {
                arrays[i].add(v[i]);
            }
            compiled = t.compiled();
        }
        out.put("artifact", artifact.toString());
        out.put("checksum", Hex.toHex(checksum));
        out.put("artifactBytes", Files.size(artifact));
        out.put("moduleImageBytes", compiled.moduleImage().length);
        out.put("interpretedBodiesBytes", compiled.interpretedBodies().length);
        out.put("classes", compiled.classes().size());
        out.put("interpretedFunctions", compiled.interpretedFunctions().size());
    }

    private static LoadedArtifact load(Path artifact, byte[] checksum) throws Exception {
        return LoadedArtifact.read(artifact, checksum);
    }

    private static void exec(ObjectNode out, Path artifact, byte[] checksum, byte[] params, int warmup, int iterations)
            throws Exception {
        LoadedArtifact a = load(artifact, checksum);
        int pages = ExecutorParams.DEFAULT.maxMemoryPages();
        byte[] last = null;
        for (int i = 0; i < warmup; i++) {
            last = call(a, params, pages, out);
        }
        ArrayNode ns = out.putArray("nanos");
        for (int i = 0; i < iterations; i++) {
            long t0 = System.nanoTime();
            last = call(a, params, pages, out);
            ns.add(System.nanoTime() - t0);
        }
        out.put("result", last == null ? "" : Hex.toHex(last));
    }

    /** One validate_block; a trap is recorded (the cold path measures the malformed-params trap). */
    private static byte[] call(LoadedArtifact a, byte[] params, int pages, ObjectNode out) {
        try {
            return Execution.validateBlock(a, params, pages);
        } catch (Execution.InvalidCandidateException e) {
            out.put("trap", String.valueOf(e.getMessage()));
            return null;
        }
    }

    private static void coldLoad(ObjectNode out, Path artifact, byte[] checksum, byte[] params) throws Exception {
        long t1 = System.nanoTime();
        // as the execute worker does: read and check the head, decode the image beside it, define the main class;
        // the other classes are read, hashed, guarded and defined when the calls reach them
        LoadedArtifact a = LoadedArtifact.read(artifact, checksum);
        long t2 = System.nanoTime();
        int pages = ExecutorParams.DEFAULT.maxMemoryPages();
        call(a, params, pages, out);
        long t3 = System.nanoTime();
        call(a, params, pages, out);
        long t4 = System.nanoTime();
        ObjectNode n = out.putObject("nanos");
        n.put("readVerifyLoad", t2 - t1);
        n.put("firstCall", t3 - t2);
        n.put("secondCall", t4 - t3);
    }
}
