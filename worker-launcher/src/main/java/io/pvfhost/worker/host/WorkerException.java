package io.pvfhost.worker.host;

/** A worker could not be started or did not answer as the protocol promises. */
public final class WorkerException extends Exception {
    public enum Kind {
        /** The process could not be started or did not connect in time. */
        SPAWN_FAILED,
        /** The worker is of another version. */
        VERSION_MISMATCH,
        /** The process died or closed the socket while a request was outstanding. */
        DIED,
        /** No answer within the wall-clock backstop; the worker was killed. */
        TIMED_OUT,
        /** The worker sent bytes that are not a valid frame or message. */
        PROTOCOL
    }

    private final Kind kind;

    public WorkerException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public WorkerException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
