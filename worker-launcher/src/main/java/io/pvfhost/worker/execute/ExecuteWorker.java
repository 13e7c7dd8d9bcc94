package io.pvfhost.worker.execute;

import io.pvfhost.artifacts.CorruptedArtifactException;
import io.pvfhost.common.Hex;
import io.pvfhost.common.blob.DecompressionException;
import io.pvfhost.common.blob.MaybeCompressed;
import io.pvfhost.common.scale.ScaleException;
import io.pvfhost.common.types.ValidationParams;
import io.pvfhost.common.types.ValidationResult;
import io.pvfhost.common.wire.Message;
import io.pvfhost.worker.JobRunner;
import io.pvfhost.worker.WorkerMain;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Serves execution requests: verifies and loads the artifact (kept loaded for the next request of
 * the same checksum), decompresses the PoV, runs validate_block under the CPU-time limit and
 * reports how it ended. After a timeout it exits: the job thread may still be running.
 */
public final class ExecuteWorker implements WorkerMain.RequestHandler {
    /**
     * Artifacts kept loaded by default. Loading one again costs a warm worker 15-70 ms for the
     * largest runtime (its head checked, its classes defined and run cold again), where keeping it
     * costs its module and the classes its calls reached: about 3 MB for the largest runtime's trap
     * path, about 12 MB with every class of it defined (docs/BENCHMARKS.md, "Switching between
     * runtimes").
     */
    public static final int DEFAULT_KEPT_ARTIFACTS = 4;
    /**
     * The most a worker may be told to keep: each kept artifact holds an open file, its module and
     * its classes (up to about 12 MB for the largest runtime, beside the worker's 1 GiB heap cap).
     */
    public static final int MAX_KEPT_ARTIFACTS = 16;
    /** The largest result a reply can carry; a larger one makes the candidate invalid. */
    static final int MAX_RESULT_BYTES = Message.MAX_BLOB;
    private final Path workerDir;
    private final int keptArtifacts;
    /** Loaded artifacts by checksum, least recently used first. */
    private final Map<String, LoadedArtifact> loaded = new LinkedHashMap<>(8, 0.75f, true);

    public ExecuteWorker(Path workerDir) {
        this(workerDir, DEFAULT_KEPT_ARTIFACTS);
    }

    /**
     * @param keptArtifacts how many artifacts stay loaded for later requests (least recently used
     *     go first); the host's scheduler counts with the same number to prefer a worker that has
     *     a job's artifact loaded
     */
    public ExecuteWorker(Path workerDir, int keptArtifacts) {
        if (keptArtifacts < 1 || keptArtifacts > MAX_KEPT_ARTIFACTS) {
            throw new IllegalArgumentException("kept artifacts must be 1 to " + MAX_KEPT_ARTIFACTS + ", not " + keptArtifacts);
        }
        this.workerDir = workerDir;
        this.keptArtifacts = keptArtifacts;
    }

    @Override
    public WorkerMain.Reply handle(Message request) throws Exception {
        if (!(request instanceof Message.ExecuteRequest req)) {
            throw new IllegalStateException("execute worker got " + request.getClass().getSimpleName());
        }
        LoadedArtifact artifact;
        try {
            artifact = load(Path.of(req.artifactPath()), req.checksum());
        } catch (CorruptedArtifactException | NoSuchFileException e) {
            return reply(Message.Status.CORRUPTED_ARTIFACT, null, e.getMessage(), 0);
        } catch (IOException e) {
            // unreadable: prepared again, as a missing file is (never a worker death)
            return reply(Message.Status.CORRUPTED_ARTIFACT, null, "cannot read the artifact: " + e, 0);
        } catch (BytecodeGuard.RejectedBytecodeException e) {
            // a recorded file with foreign code in it: treat it as corrupted, so it is prepared again
            return reply(Message.Status.CORRUPTED_ARTIFACT, null, "artifact rejected: " + e.getMessage(), 0);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return reply(Message.Status.RUNTIME_CONSTRUCTION, null, "loading the artifact: " + e, 0);
        }
        byte[] params;
        try {
            params = decompressPov(req.params(), req.povBombLimit());
        } catch (DecompressionException e) {
            return reply(Message.Status.POV_DECOMPRESSION_FAILURE, null, e.getMessage(), 0);
        } catch (ScaleException e) {
            return reply(Message.Status.INVALID, null, "params are not ValidationParams: " + e.getMessage(), 0);
        }
        int maxPages = req.executorParams().maxMemoryPages();
        var result = JobRunner.run("pvf-execute-job", () -> Execution.validateBlock(artifact, params, maxPages),
                req.timeoutMillis());
        if (result instanceof JobRunner.TimedOut<byte[]> t) {
            return new WorkerMain.Reply(new Message.ExecuteResponse(Message.Status.TIMED_OUT, null,
                    "execution took more than " + req.timeoutMillis() + " ms of CPU time", t.cpuNanos() / 1_000_000), true);
        }
        if (result instanceof JobRunner.Failed<byte[]> f) {
            long ms = f.cpuNanos() / 1_000_000;
            Throwable e = f.error();
            if (LoadedArtifact.rejectedIn(e) != null) {
                // a class (or the interpreted bodies) of the artifact, read only now, is not what was written: as at load
                loaded.values().remove(artifact);
                artifact.close();
                return reply(Message.Status.CORRUPTED_ARTIFACT, null, LoadedArtifact.rejectedIn(e).getMessage(), ms);
            }
            if (e instanceof Execution.InvalidCandidateException) {
                return reply(Message.Status.INVALID, null, e.getMessage(), ms);
            }
            if (e instanceof Execution.RuntimeConstructionException) {
                // the host prepares the code again after this: a retry here must load the new file
                loaded.values().remove(artifact);
                artifact.close();
                return reply(Message.Status.RUNTIME_CONSTRUCTION, null, e.getMessage(), ms);
            }
            if (e instanceof OutOfMemoryError) {
                return new WorkerMain.Reply(new Message.ExecuteResponse(Message.Status.JOB_ERROR, null,
                        "execute job ran out of memory", ms), true);
            }
            return reply(Message.Status.JOB_ERROR, null, e.toString(), ms);
        }
        var done = (JobRunner.Done<byte[]>) result;
        long ms = done.cpuNanos() / 1_000_000;
        byte[] canonical;
        try {
            // as the reference: the result is what decodes from the start of the span, trailing bytes
            // ignored; the host gets it encoded again, so it decodes it strictly
            canonical = ValidationResult.decodePrefix(done.value()).encode();
        } catch (ScaleException e) {
            return reply(Message.Status.INVALID, null, "validate_block returned bytes that are not a ValidationResult: "
                    + e.getMessage(), ms);
        }
        if (canonical.length > MAX_RESULT_BYTES) {
            // more than a frame carries (and than any relay chain accepts): a verdict, the same on every
            // validator, not a protocol failure
            return reply(Message.Status.INVALID, null, "validate_block returned a result of " + canonical.length
                    + " bytes, more than the limit of " + MAX_RESULT_BYTES, ms);
        }
        return reply(Message.Status.OK, canonical, "", ms);
    }

    private static WorkerMain.Reply reply(Message.Status status, byte[] bytes, String detail, long cpuMillis) {
        return new WorkerMain.Reply(new Message.ExecuteResponse(status, bytes, detail, cpuMillis), false);
    }

    private LoadedArtifact load(Path path, byte[] checksum) throws Exception {
        String key = Hex.toHex(checksum);
        LoadedArtifact a = loaded.get(key);
        if (a != null) {
            return a;
        }
        a = LoadedArtifact.read(path, checksum);
        loaded.put(key, a);
        while (loaded.size() > keptArtifacts) {
            loaded.remove(loaded.keySet().iterator().next()).close(); // its file's space is freed if it was deleted
        }
        return a;
    }

    /** Block data may arrive compressed (maybe-compressed blob); the runtime sees it decompressed. */
    static byte[] decompressPov(byte[] encodedParams, long povBombLimit) {
        ValidationParams p = ValidationParams.decode(encodedParams);
        if (!MaybeCompressed.isCompressed(p.blockData())) {
            return encodedParams;
        }
        byte[] block = MaybeCompressed.decompress(p.blockData(), povBombLimit);
        return new ValidationParams(p.parentHead(), block, p.relayParentNumber(), p.relayParentStorageRoot()).encode();
    }

    Path workerDir() {
        return workerDir;
    }

    /** How many artifacts it keeps loaded now (for tests). */
    int loadedArtifacts() {
        return loaded.size();
    }
}
