package io.pvfhost.host.execute;

import io.pvfhost.common.wire.Message;
import io.pvfhost.worker.host.WorkerException;

/** What came back from an execute worker: its response, how the worker failed, or why the job never ran. */
public sealed interface ExecuteResult {

    record Response(Message.ExecuteResponse response) implements ExecuteResult {}

    record WorkerFailed(WorkerException.Kind kind, String detail) implements ExecuteResult {}

    /** Dropped before it ran: a backing job whose relay parent left the active leaves. */
    record Dropped(String detail) implements ExecuteResult {}

    /**
     * Whether the worker that answered keeps the job's artifact loaded afterwards: not when the
     * artifact could not be loaded or was found corrupt, nor when the runtime could not be built
     * (at load or at instantiation): the worker drops it then, and the host prepares it again.
     */
    static boolean workerKeepsArtifact(ExecuteResult r) {
        if (!(r instanceof Response resp)) {
            return false;
        }
        Message.Status s = resp.response().status();
        return s != Message.Status.CORRUPTED_ARTIFACT && s != Message.Status.RUNTIME_CONSTRUCTION;
    }
}
