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
 *
 * <p>The workers' class cache: {@link io.pvfhost.worker.host.ClassCache} decides which (an AOT
 * cache from JDK 25, AppCDS before, none with class folders on the class path) and names it by a
 * key over the JDK, class path and options; {@link io.pvfhost.worker.host.ClassCacheTrainer} makes
 * it with a training JVM that runs {@link io.pvfhost.worker.ClassCacheTraining} (a worker's real
 * work on our adder, in-process) and checks it before it is renamed into place.
 */
package io.pvfhost.worker;
