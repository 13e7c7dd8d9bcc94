package io.pvfhost.worker.prepare;

import io.pvfhost.artifacts.ArtifactContent;
import io.pvfhost.artifacts.ArtifactFile;
import io.pvfhost.common.error.PrepareError;
import io.pvfhost.common.wire.Message;
import io.pvfhost.worker.JobRunner;
import io.pvfhost.worker.WorkerMain;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Serves preparation requests: runs {@link Preparation} under the CPU-time limit and writes the
 * artifact (or, for a deterministic failure, an error artifact) at the requested path.
 */
public final class PrepareWorker implements WorkerMain.RequestHandler {
    private final Path workerDir;

    public PrepareWorker(Path workerDir) {
        this.workerDir = workerDir;
    }

    @Override
    public WorkerMain.Reply handle(Message request) throws Exception {
        if (!(request instanceof Message.PrepareRequest req)) {
            throw new IllegalStateException("prepare worker got " + request.getClass().getSimpleName());
        }
        Path target = Path.of(req.artifactPath());
        var result = JobRunner.run("pvf-prepare-job",
                () -> Preparation.prepare(req.code(), new Preparation.Limits(req.maxCodeSize(), req.codeBombLimit()),
                        req.executorParams()),
                req.timeoutMillis(), req.executorParams().prepareMemoryLimit().orElse(Long.MAX_VALUE));
        if (result instanceof JobRunner.OverMemory<ArtifactContent.Compiled> m) {
            // deterministic as in the reference: stored, and the worker is replaced (the job may still run)
            PrepareError error = new PrepareError(PrepareError.Kind.OUT_OF_MEMORY,
                    "preparation used " + (m.usedBytes() >> 20) + " MiB, over the limit of " + (m.limitBytes() >> 20) + " MiB");
            ArtifactFile.write(target, new ArtifactContent.Failed(error));
            return new WorkerMain.Reply(new Message.PrepareFailed(error), true);
        }
        if (result instanceof JobRunner.TimedOut<ArtifactContent.Compiled> t) {
            // the job thread may still be compiling: answer, then exit so the host gets a fresh worker
            return new WorkerMain.Reply(new Message.PrepareFailed(new PrepareError(PrepareError.Kind.TIMED_OUT,
                    "preparation took more than " + req.timeoutMillis() + " ms of CPU time")), true);
        }
        if (result instanceof JobRunner.Failed<ArtifactContent.Compiled> f) {
            PrepareError error = Preparation.classify(f.error());
            // after running out of memory the JVM may be in any state: answer, then make way for a new one
            boolean exit = f.error() instanceof OutOfMemoryError;
            if (!error.isTransient() && !isOfTheCodeLimits(error)) {
                ArtifactFile.write(target, new ArtifactContent.Failed(error));
            }
            return new WorkerMain.Reply(new Message.PrepareFailed(error), exit);
        }
        var done = (JobRunner.Done<ArtifactContent.Compiled>) result;
        byte[] checksum;
        try {
            checksum = ArtifactFile.write(target, done.value());
        } catch (java.io.IOException e) {
            return new WorkerMain.Reply(new Message.PrepareFailed(
                    new PrepareError(PrepareError.Kind.IO_ERR, "writing the artifact: " + e)), false);
        }
        return new WorkerMain.Reply(new Message.Prepared(checksum, Files.size(target), done.cpuNanos() / 1_000_000,
                done.value().interpretedFunctions().size(), done.peakHeapBytes()), false);
    }

    /**
     * Whether an error is one of the code limits (code larger than the request's limits, as stored
     * or decompressed; the texts are {@link io.pvfhost.common.blob.MaybeCompressed}'s and
     * {@link Preparation}'s for a BOMB): deterministic, but the limits come with the request (the
     * chain's configuration, or the host's), not with the code, so it is not stored for good; the
     * host keeps it for the rest of its run, as the reference keeps its failures in memory, and at
     * start removes such files that earlier builds stored.
     */
    public static boolean isOfTheCodeLimits(PrepareError error) {
        return error.kind() == PrepareError.Kind.COULD_NOT_DECOMPRESS_CODE_BLOB
                && (error.detail().startsWith("possible compression bomb: ")
                        || error.detail().matches("code of \\d+ bytes exceeds the maximum code size of \\d+"));
    }

    Path workerDir() {
        return workerDir;
    }
}
