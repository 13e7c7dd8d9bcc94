package io.pvfhost.host.prepare;

import io.pvfhost.artifacts.ArtifactId;
import io.pvfhost.common.params.ExecutorParams;
import io.pvfhost.host.PreparePriority;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One preparation to run: the code, where its artifact goes, its priority and CPU-time limit, and
 * how large the code may be as stored and decompressed.
 */
public record PrepareJob(
        ArtifactId id, byte[] code, ExecutorParams executorParams, PreparePriority priority, Duration timeout,
        Path artifactPath, long maxCodeSize, long codeBombLimit) {

    public PrepareJob withPriority(PreparePriority p) {
        return new PrepareJob(id, code, executorParams, p, timeout, artifactPath, maxCodeSize, codeBombLimit);
    }
}
