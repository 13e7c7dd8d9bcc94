package io.pvfhost.host;

import io.pvfhost.worker.WorkerMain;

/**
 * The real worker behind another entry point: a configured {@code pvf.host.worker.main-class}
 * that still validates, so that a test can see the setting took effect.
 */
public final class DelegatingWorker {
    private DelegatingWorker() {}

    public static void main(String[] args) {
        WorkerMain.main(args);
    }
}
