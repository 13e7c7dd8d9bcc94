package io.pvfhost.host;

import io.pvfhost.artifacts.ArtifactId;
import io.pvfhost.common.params.ExecutorParam;
import io.pvfhost.common.params.ExecutorParams;
import io.pvfhost.host.execute.ExecuteJob;
import io.pvfhost.host.prepare.PrepareJob;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Small jobs, PVFs and hashes for scheduling tests, told apart by a number (the reference's discriminator). */
public final class Jobs {
    private Jobs() {}

    /** A PVF whose artifact is identified by the number (the reference's {@code PvfPrepData::from_discriminator}). */
    public static Pvf pvf(int discriminator) {
        return Pvf.of(code(discriminator));
    }

    /** As {@link #pvf(int)} with its own executor parameters. */
    public static Pvf pvf(int discriminator, ExecutorParams params) {
        return Pvf.of(code(discriminator), params);
    }

    public static byte[] code(int discriminator) {
        return ("pvf-" + discriminator).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    public static ArtifactId artifactId(int discriminator) {
        return pvf(discriminator).artifactId();
    }

    /** Executor parameters that differ by the number (another params hash). */
    public static ExecutorParams params(int n) {
        return n == 0 ? ExecutorParams.DEFAULT : new ExecutorParams(List.of(new ExecutorParam.MaxMemoryPages(1000 + n)));
    }

    public static PrepareJob prepareJob(int discriminator, PreparePriority priority) {
        Pvf p = pvf(discriminator);
        return new PrepareJob(p.artifactId(), p.code(), p.executorParams(), priority, Duration.ofSeconds(360),
                Path.of("/cache/" + discriminator), 3 << 20, 30 << 20);
    }

    public static ExecuteJob executeJob(long requestId, ExecKind kind) {
        return executeJob(requestId, kind, 0, null);
    }

    public static ExecuteJob executeJob(long requestId, ExecKind kind, int paramsN, BlockHash relayParent) {
        Pvf p = pvf((int) (requestId % 1000), params(paramsN));
        return new ExecuteJob(requestId, p.artifactId(), Path.of("/cache/" + requestId), new byte[32], new byte[] {1},
                p.executorParams(), kind, Duration.ofSeconds(2), relayParent);
    }

    public static BlockHash block(int n) {
        byte[] b = new byte[32];
        b[0] = (byte) n;
        b[1] = (byte) (n >> 8);
        b[31] = 7;
        return BlockHash.of(b);
    }
}
