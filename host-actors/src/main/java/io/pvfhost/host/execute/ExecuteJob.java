package io.pvfhost.host.execute;

import io.pvfhost.artifacts.ArtifactId;
import io.pvfhost.common.params.ExecutorParams;
import io.pvfhost.host.BlockHash;
import io.pvfhost.host.ExecKind;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One execution to run on a prepared artifact. {@code requestId} ties the answer to its request;
 * {@code relayParent} (backing kinds only, may be null) lets the queue drop the job once the relay
 * parent has left the active leaves; {@code paramsHash} picks the workers that may run it.
 */
public record ExecuteJob(
        long requestId, ArtifactId id, Path artifactPath, byte[] checksum, byte[] params, ExecutorParams executorParams,
        ExecKind kind, Duration timeout, BlockHash relayParent, ExecutorParamsHash paramsHash) {

    public ExecuteJob {
        if (relayParent != null && !kind.isBacking()) {
            throw new IllegalArgumentException("only backing jobs have a relay parent, not " + kind);
        }
    }

    public ExecuteJob(long requestId, ArtifactId id, Path artifactPath, byte[] checksum, byte[] params,
            ExecutorParams executorParams, ExecKind kind, Duration timeout, BlockHash relayParent) {
        this(requestId, id, artifactPath, checksum, params, executorParams, kind, timeout, relayParent,
                ExecutorParamsHash.of(executorParams));
    }

    @Override
    public String toString() {
        return "ExecuteJob(request " + requestId + ", " + kind + ", " + id + ")";
    }
}
