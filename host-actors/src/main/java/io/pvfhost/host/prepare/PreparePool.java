package io.pvfhost.host.prepare;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import io.pvfhost.artifacts.ArtifactFile;
import io.pvfhost.common.error.PrepareError;
import io.pvfhost.common.wire.Message;
import io.pvfhost.host.Blocking;
import io.pvfhost.host.HostMetrics;
import io.pvfhost.host.HostSettings;
import io.pvfhost.host.LogContext;
import io.pvfhost.host.WorkerId;
import io.pvfhost.host.WorkerProcesses;
import io.pvfhost.host.WorkerReaper;
import io.pvfhost.worker.host.WorkerException;
import io.pvfhost.worker.host.WorkerHandle;
import io.pvfhost.worker.host.WorkerKind;
import io.pvfhost.worker.host.WorkerSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Owns the prepare worker processes. It does what it is told ({@link Spawn}, {@link StartWork},
 * {@link Kill}) and reports what happened; all choices are the queue's. Blocking process and
 * socket work runs on the blocking dispatcher and comes back with {@code pipeToSelf}.
 *
 * <p>Promises: each {@link StartWork} is answered by exactly one {@link Concluded}, or, when its
 * worker was already gone and the job never started, by a {@link Rip} of that worker; a worker that
 * dies while idle is reported with {@link Rip}; each {@link Spawn} is answered by one
 * {@link Spawned} or {@link SpawnFailed}; on stop every worker process is killed, also one still
 * starting (through the {@link WorkerReaper}), and the temp file of a preparation cut short is
 * removed.
 */
public final class PreparePool extends AbstractBehavior<PreparePool.Command> {

    public sealed interface Command {}

    public record Spawn() implements Command {}

    public record StartWork(WorkerId worker, PrepareJob job) implements Command {}

    public record Kill(WorkerId worker) implements Command {}

    public sealed interface Event {}

    public record Spawned(WorkerId worker) implements Event {}

    public record SpawnFailed(String reason) implements Event {}

    public record Concluded(WorkerId worker, PrepareJob job, boolean rip, PrepareOutcome outcome) implements Event {}

    public record Rip(WorkerId worker) implements Event {}

    private record WorkerStarted(WorkerId worker, WorkerHandle handle, Throwable failure) implements Command {}

    private record WorkFinished(WorkerId worker, PrepareJob job, Message response, Throwable failure) implements Command {}

    private record WorkerExited(WorkerId worker) implements Command {}

    private final HostSettings settings;
    private final ActorRef<Event> events;
    private final HostMetrics metrics;
    private final WorkerProcesses<PrepareJob> processes;

    public static Behavior<Command> create(HostSettings settings, ActorRef<Event> events, Executor blocking) {
        return create(settings, settings::workerSpec, events, blocking, HostMetrics.none(), new WorkerReaper());
    }

    /** @param workerSpec how to start the next worker (the settings' spec, with the class cache once there is one) */
    public static Behavior<Command> create(HostSettings settings, Supplier<WorkerSpec> workerSpec, ActorRef<Event> events,
            Executor blocking, HostMetrics metrics, WorkerReaper reaper) {
        return Behaviors.withMdc(Command.class, PreparePool::mdc,
                Behaviors.setup(ctx -> new PreparePool(ctx, settings, workerSpec, events, blocking, metrics, reaper)));
    }

    private static Map<String, String> mdc(Command c) {
        if (c instanceof StartWork s) {
            return LogContext.of(s.job().id(), LogContext.PREPARE);
        }
        if (c instanceof WorkFinished f) {
            return LogContext.of(f.job().id(), LogContext.PREPARE);
        }
        return Map.of();
    }

    private PreparePool(ActorContext<Command> ctx, HostSettings settings, Supplier<WorkerSpec> workerSpec, ActorRef<Event> events,
            Executor blocking, HostMetrics metrics, WorkerReaper reaper) {
        super(ctx);
        ctx.setLoggerName(PreparePool.class); // not the wrapping behaviors' classes
        this.settings = settings;
        this.events = events;
        this.metrics = metrics;
        this.processes = new WorkerProcesses<>(WorkerKind.PREPARE, settings, workerSpec, blocking, metrics, reaper);
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Spawn.class, this::onSpawn)
                .onMessage(WorkerStarted.class, this::onWorkerStarted)
                .onMessage(StartWork.class, this::onStartWork)
                .onMessage(WorkFinished.class, this::onWorkFinished)
                .onMessage(Kill.class, this::onKill)
                .onMessage(WorkerExited.class, this::onWorkerExited)
                .onSignal(PostStop.class, s -> onPostStop())
                .build();
    }

    private Behavior<Command> onSpawn(Spawn m) {
        var s = processes.spawn();
        getContext().pipeToSelf(s.start(), (h, err) -> new WorkerStarted(s.id(), h, err));
        return this;
    }

    private Behavior<Command> onWorkerStarted(WorkerStarted m) {
        if (m.failure() != null) {
            processes.spawnFailed(m.worker());
            Throwable cause = Blocking.unwrap(m.failure());
            getContext().getLog().warn("cannot start a prepare worker: {}", cause.getMessage());
            events.tell(new SpawnFailed(cause.getMessage()));
            return this;
        }
        processes.started(m.worker(), m.handle());
        getContext().pipeToSelf(m.handle().onExit(), (p, err) -> new WorkerExited(m.worker()));
        events.tell(new Spawned(m.worker()));
        return this;
    }

    private Behavior<Command> onStartWork(StartWork m) {
        PrepareJob job = m.job();
        WorkerHandle h = processes.begin(m.worker(), job).orElse(null);
        if (h == null) {
            // the worker died before the job reached it: the job never started, so the queue gets
            // it back (reference: rip_for_start_work)
            events.tell(new Rip(m.worker()));
            return this;
        }
        var request = new Message.PrepareRequest(job.code(), job.maxCodeSize(), job.codeBombLimit(), job.executorParams(),
                job.artifactPath().toString(), job.timeout().toMillis());
        Duration backstop = job.timeout().multipliedBy(settings.wallClockFactor());
        var f = processes.request(h, request, backstop);
        getContext().pipeToSelf(f, (resp, err) -> new WorkFinished(m.worker(), job, resp, err));
        return this;
    }

    private Behavior<Command> onWorkFinished(WorkFinished m) {
        processes.end(m.worker()).ifPresent(metrics::preparationTime);
        PrepareOutcome outcome;
        boolean rip;
        if (m.failure() != null) {
            Throwable cause = Blocking.unwrap(m.failure());
            rip = true;
            outcome = new PrepareOutcome.Failure(failureOf(cause));
        } else if (m.response() instanceof Message.Prepared p) {
            rip = false;
            outcome = new PrepareOutcome.Success(m.job().artifactPath(), p.checksum(), p.artifactSize(), p.cpuMillis(),
                    p.interpretedFunctions(), p.peakMemoryBytes());
            metrics.preparationPeakMemory(p.peakMemoryBytes());
        } else if (m.response() instanceof Message.PrepareFailed pf) {
            // the worker exits after a timeout or running out of memory
            rip = pf.error().kind() == PrepareError.Kind.TIMED_OUT || pf.error().kind() == PrepareError.Kind.OUT_OF_MEMORY;
            outcome = new PrepareOutcome.Failure(pf.error());
        } else {
            rip = true;
            outcome = new PrepareOutcome.Failure(new PrepareError(PrepareError.Kind.IO_ERR,
                    "prepare worker answered with " + m.response().getClass().getSimpleName()));
        }
        if (rip) {
            closeWorker(m.worker(), m.job());
        }
        events.tell(new Concluded(m.worker(), m.job(), rip, outcome));
        return this;
    }

    private static PrepareError failureOf(Throwable cause) {
        if (cause instanceof WorkerException we) {
            return switch (we.kind()) {
                case TIMED_OUT -> new PrepareError(PrepareError.Kind.TIMED_OUT, we.getMessage());
                case DIED -> new PrepareError(PrepareError.Kind.JOB_DIED, we.getMessage());
                default -> new PrepareError(PrepareError.Kind.IO_ERR, we.getMessage());
            };
        }
        return new PrepareError(PrepareError.Kind.IO_ERR, String.valueOf(cause));
    }

    private Behavior<Command> onKill(Kill m) {
        closeWorker(m.worker(), processes.jobOf(m.worker()).orElse(null));
        return this;
    }

    private Behavior<Command> onWorkerExited(WorkerExited m) {
        // a death during a job is reported by the job's own failure; only idle deaths are news
        if (processes.isIdle(m.worker())) {
            closeWorker(m.worker(), null);
            events.tell(new Rip(m.worker()));
        }
        return this;
    }

    /** Kills the worker; {@code job}: the preparation it was on, whose temp file it may have left. */
    private void closeWorker(WorkerId id, PrepareJob job) {
        processes.close(id, pid -> removeTempFile(job, pid));
    }

    /**
     * The temp file a worker killed while writing an artifact leaves beside it (named as
     * {@link ArtifactFile} names it: the artifact's name, the writer's pid, {@code .tmp}).
     */
    private static void removeTempFile(PrepareJob job, long pid) {
        if (job == null) {
            return;
        }
        Path target = job.artifactPath();
        try {
            Files.deleteIfExists(target.resolveSibling(target.getFileName() + "." + pid + ArtifactFile.TEMP_SUFFIX));
        } catch (IOException e) {
            // the next start removes our stale temp files
        }
    }

    private Behavior<Command> onPostStop() {
        processes.closeAll((job, pid) -> removeTempFile(job.orElse(null), pid));
        return this;
    }
}
