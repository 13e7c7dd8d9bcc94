package io.pvfhost.host.execute;

import io.pvfhost.common.wire.Message;
import io.pvfhost.worker.host.WorkerException;

/** What came back from an execute worker: its response, how the worker failed, or why the job never ran. */
public sealed interface ExecuteResult {

    record Response(Message.ExecuteResponse response) implements ExecuteResult {}

    record WorkerFailed(WorkerException.Kind kind, String detail) implements ExecuteResult {}

    /** Dropped before it ran: a backing job whose relay parent left the active leaves. */
    record Dropped(String detail) implements ExecuteResult {}
}
