package io.pvfhost.worker.host;

/** The two kinds of worker, named as on the worker's command line. */
public enum WorkerKind {
    PREPARE("prepare-worker"),
    EXECUTE("execute-worker");

    private final String command;

    WorkerKind(String command) {
        this.command = command;
    }

    public String command() {
        return command;
    }
}
