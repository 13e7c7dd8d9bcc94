/**
 * The validation host as Akka Typed actors: {@link io.pvfhost.host.ValidationHost} is the public
 * API; {@link io.pvfhost.host.Host} owns the artifact table and every pending request;
 * {@link io.pvfhost.host.prepare.PrepareQueue} and {@link io.pvfhost.host.execute.ExecuteQueue} order
 * the work and drive their pools ({@link io.pvfhost.host.prepare.PreparePool},
 * {@link io.pvfhost.host.execute.ExecutePool}), which own the worker processes;
 * {@link io.pvfhost.host.ArtifactsPruner} removes unused artifacts on a pulse.
 *
 * <h2>The life of a request</h2>
 * <ol>
 *   <li>An execute request enters the host's pending map (or is refused at once past
 *       {@code max-pending-requests}). A prepared artifact (whose file exists) sends it to the
 *       execute queue; an artifact being prepared parks it (and raises the preparation's priority
 *       if the request's is higher); an unknown one becomes Preparing and one job goes to the
 *       prepare queue; a failed one answers with the stored error (a transient failure is prepared
 *       again after the cooldown).
 *   <li>The prepare queue runs Critical, then Normal, then Background jobs, FIFO within a level,
 *       on at most the soft cap of workers, up to the hard cap for Critical work
 *       ({@link io.pvfhost.host.prepare.PrepareJobQueue}, {@link io.pvfhost.host.WorkerScheduler}).
 *       The conclusion makes the artifact Prepared or FailedToProcess and releases every parked
 *       request.
 *   <li>The execute queue chooses the kind to serve in windows of 12 (dispute, approval, backing
 *       of system parachains, backing: 8/3/1/0 with all four busy) and runs the job on a worker
 *       bound to its executor parameters, killing an idle worker of other parameters to spawn one
 *       when it must ({@link io.pvfhost.host.execute.ExecuteJobQueue},
 *       {@link io.pvfhost.host.execute.ExecuteScheduler}, ports of the reference's execute queue).
 *       Backing jobs whose relay parent left the active leaves are dropped with a deadline error.
 *   <li>The answer goes back through the host, which retries an ambiguous approval or dispute
 *       failure once and re-prepares a corrupted artifact once, then answers exactly once.
 * </ol>
 * A caller that goes away (its future cancelled, its reply actor stopped) is dropped: it is
 * unparked, and its execution leaves the execute queue if it has not started.
 *
 * <p>Decisions live in plain classes with plain tests; the actors move messages. Time comes from a
 * {@link java.time.Clock} and Akka timers, so tests run in virtual time.
 *
 * <h2>Operations</h2>
 * At start {@link io.pvfhost.host.ValidationHost} reads {@link io.pvfhost.host.HostSettings} once
 * (a bad value fails with the key's name), resolves the workers' network isolation and logs the
 * security report ({@link io.pvfhost.host.WorkerSecurity}), decides the workers' class cache and,
 * once running, makes it in the background when it is missing ({@link io.pvfhost.host.WorkerClassCache};
 * workers started once it is there use it), and sets up {@link io.pvfhost.host.HostMetrics} (the reference's metrics through Micrometer, optionally served
 * by {@link io.pvfhost.host.MetricsEndpoint}). The queues and pools count into it; their log lines
 * about a request carry its code hash and kind in the MDC ({@link io.pvfhost.host.LogContext}). On
 * stop the pools kill their workers (also one still starting, through the
 * {@link io.pvfhost.host.WorkerReaper}), a class cache training under way is stopped, the host
 * answers what is pending, and {@code ValidationHost.stop()} completes once all of it is done.
 */
package io.pvfhost.host;
