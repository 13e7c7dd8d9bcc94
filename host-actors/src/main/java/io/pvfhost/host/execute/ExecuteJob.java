package io.pvfhost.host.execute;

import io.pvfhost.artifacts.ArtifactId;
import io.pvfhost.common.params.ExecutorParams;
import io.pvfhost.host.ExecKind;
import java.nio.file.Path;
import java.time.Duration;

/** One execution to run on a prepared artifact. {@code requestId} ties the answer to its request. */
public record ExecuteJob(
        long requestId, ArtifactId id, Path artifactPath, byte[] checksum, byte[] params, ExecutorParams executorParams,
        ExecKind kind, Duration timeout) {}
