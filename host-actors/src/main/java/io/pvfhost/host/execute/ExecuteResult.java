package io.pvfhost.host.execute;

import io.pvfhost.common.wire.Message;
import io.pvfhost.worker.host.WorkerException;

/** What came back from an execute worker: its response, or how the worker failed. */
public sealed interface ExecuteResult {

    record Response(Message.ExecuteResponse response) implements ExecuteResult {}

    record WorkerFailed(WorkerException.Kind kind, String detail) implements ExecuteResult {}
}
