/**
 * The worker executable and the host's handle on it.
 *
 * <p>{@link io.pvfhost.worker.WorkerMain} checks its arguments, refuses a host of another version,
 * connects back over the Unix socket given by the host, says hello, and serves one request at a
 * time: {@code prepare} ({@link io.pvfhost.worker.prepare}: decompress, instrument, validate,
 * compile, write the artifact) or {@code execute} ({@link io.pvfhost.worker.execute}: verify and
 * load the artifact, run validate_block with the host functions). Each job runs on its own thread
 * with a large stack under a CPU-time limit ({@link io.pvfhost.worker.JobRunner}); after a timeout
 * or running out of memory the worker answers and exits, so the host starts a fresh one.
 *
 * <p>{@link io.pvfhost.worker.host.WorkerHandle} is the host's side: it starts the process (cleared
 * environment, owner-only folder, optional network namespace), reads the hello, sends requests
 * and kills a worker that passes the wall-clock backstop.
 */
package io.pvfhost.worker;
