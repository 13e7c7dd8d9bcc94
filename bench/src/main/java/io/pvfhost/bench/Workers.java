package io.pvfhost.bench;

import io.pvfhost.common.params.ExecutorParams;
import io.pvfhost.common.wire.Message;
import io.pvfhost.worker.host.WorkerException;
import io.pvfhost.worker.host.WorkerHandle;
import io.pvfhost.worker.host.WorkerKind;
import java.nio.file.Path;
import java.time.Duration;

/** Real worker processes driven directly through {@link WorkerHandle}, without the host's actors. */
final class Workers {
    static final Duration SPAWN_TIMEOUT = Duration.ofSeconds(60);

    private Workers() {}

    static WorkerHandle spawn(JvmVariant v, WorkerKind kind, Path dir) throws WorkerException {
        return WorkerHandle.spawn(v.spec(kind), kind, dir, SPAWN_TIMEOUT);
    }

    static Message prepare(WorkerHandle w, byte[] code, long maxCodeSize, long bombLimit, Path artifact)
            throws WorkerException {
        long timeout = 20 * 60_000L;
        return w.request(new Message.PrepareRequest(code, maxCodeSize, bombLimit, ExecutorParams.DEFAULT, artifact.toString(),
                timeout), Duration.ofMillis(3 * timeout));
    }

    static Message.ExecuteResponse execute(WorkerHandle w, Prepared artifact, byte[] params) throws WorkerException {
        long timeout = 60_000L;
        Message m = w.request(new Message.ExecuteRequest(artifact.path().toString(), artifact.checksum(), params,
                ExecutorParams.DEFAULT, timeout, 40L << 20), Duration.ofMillis(3 * timeout));
        if (!(m instanceof Message.ExecuteResponse r)) {
            throw new IllegalStateException("execute worker answered " + m.getClass().getSimpleName());
        }
        return r;
    }

    /** An artifact file on disk with the checksum it was written with. */
    record Prepared(Path path, byte[] checksum, long size) {}
}
