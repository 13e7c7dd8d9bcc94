package io.pvfhost.host.execute;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
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
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Owns the execute worker processes; does what {@link ExecuteQueue} tells it and reports back.
 * Each worker is spawned for one executor-params hash and the queue gives it only jobs with that
 * hash; the worker process itself takes the parameters with each job, so the binding is the
 * queue's bookkeeping, echoed here for logs.
 *
 * <p>Promises: each {@link Spawn} is answered by one {@link Spawned} or {@link SpawnFailed} with
 * its ticket; each {@link StartWork} is answered by exactly one {@link Concluded}, or, when its
 * worker was already gone and the job never started, by a {@link Rip} of that worker; a worker that
 * dies while idle is reported with {@link Rip}; on stop every worker process is killed, also one
 * still starting (through the {@link WorkerReaper}).
 */
public final class ExecutePool extends AbstractBehavior<ExecutePool.Command> {

    public sealed interface Command {}

    /** Start a worker for jobs with this params hash; the answer carries the ticket. */
    public record Spawn(long ticket, ExecutorParamsHash paramsHash) implements Command {}

    public record StartWork(WorkerId worker, ExecuteJob job) implements Command {}

    public record Kill(WorkerId worker) implements Command {}

    public sealed interface Event {}

    public record Spawned(long ticket, WorkerId worker) implements Event {}

    public record SpawnFailed(long ticket, String reason) implements Event {}

    public record Concluded(WorkerId worker, ExecuteJob job, boolean rip, ExecuteResult result) implements Event {}

    public record Rip(WorkerId worker) implements Event {}

    private record WorkerStarted(long ticket, WorkerId worker, ExecutorParamsHash paramsHash, WorkerHandle handle,
            Throwable failure) implements Command {}

    private record WorkFinished(WorkerId worker, ExecuteJob job, Message response, Throwable failure) implements Command {}

    private record WorkerExited(WorkerId worker) implements Command {}

    private final HostSettings settings;
    private final ActorRef<Event> events;
    private final HostMetrics metrics;
    private final WorkerProcesses<ExecuteJob> processes;

    public static Behavior<Command> create(HostSettings settings, ActorRef<Event> events, Executor blocking) {
        return create(settings, settings::workerSpec, events, blocking, HostMetrics.none(), new WorkerReaper());
    }

    /** @param workerSpec how to start the next worker (the settings' spec, with the class cache once there is one) */
    public static Behavior<Command> create(HostSettings settings, Supplier<WorkerSpec> workerSpec, ActorRef<Event> events,
            Executor blocking, HostMetrics metrics, WorkerReaper reaper) {
        return Behaviors.withMdc(Command.class, ExecutePool::mdc,
                Behaviors.setup(ctx -> new ExecutePool(ctx, settings, workerSpec, events, blocking, metrics, reaper)));
    }

    private static Map<String, String> mdc(Command c) {
        if (c instanceof StartWork s) {
            return LogContext.of(s.job().id(), s.job().kind());
        }
        if (c instanceof WorkFinished f) {
            return LogContext.of(f.job().id(), f.job().kind());
        }
        return Map.of();
    }

    private ExecutePool(ActorContext<Command> ctx, HostSettings settings, Supplier<WorkerSpec> workerSpec, ActorRef<Event> events,
            Executor blocking, HostMetrics metrics, WorkerReaper reaper) {
        super(ctx);
        ctx.setLoggerName(ExecutePool.class); // not the wrapping behaviors' classes
        this.settings = settings;
        this.events = events;
        this.metrics = metrics;
        this.processes = new WorkerProcesses<>(WorkerKind.EXECUTE, settings, workerSpec, blocking, metrics, reaper);
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
        getContext().pipeToSelf(s.start(), (h, err) -> new WorkerStarted(m.ticket(), s.id(), m.paramsHash(), h, err));
        return this;
    }

    private Behavior<Command> onWorkerStarted(WorkerStarted m) {
        if (m.failure() != null) {
            processes.spawnFailed(m.worker());
            Throwable cause = Blocking.unwrap(m.failure());
            getContext().getLog().warn("cannot start an execute worker: {}", cause.getMessage());
            events.tell(new SpawnFailed(m.ticket(), cause.getMessage()));
            return this;
        }
        processes.started(m.worker(), m.handle());
        getContext().getLog().debug("{} started for {}", m.worker(), m.paramsHash());
        getContext().pipeToSelf(m.handle().onExit(), (p, err) -> new WorkerExited(m.worker()));
        events.tell(new Spawned(m.ticket(), m.worker()));
        return this;
    }

    private Behavior<Command> onStartWork(StartWork m) {
        ExecuteJob job = m.job();
        WorkerHandle h = processes.begin(m.worker(), job).orElse(null);
        if (h == null) {
            // the worker died before the job reached it: the job never started
            events.tell(new Rip(m.worker()));
            return this;
        }
        var request = new Message.ExecuteRequest(job.artifactPath().toString(), job.checksum(), job.params(),
                job.executorParams(), job.timeout().toMillis(), settings.povBombLimit());
        Duration backstop = job.timeout().multipliedBy(settings.wallClockFactor());
        var f = processes.request(h, request, backstop);
        getContext().pipeToSelf(f, (resp, err) -> new WorkFinished(m.worker(), job, resp, err));
        return this;
    }

    private Behavior<Command> onWorkFinished(WorkFinished m) {
        processes.end(m.worker()).ifPresent(metrics::executionTime);
        ExecuteResult result;
        boolean rip;
        if (m.failure() != null) {
            Throwable cause = Blocking.unwrap(m.failure());
            rip = true;
            result = cause instanceof WorkerException we
                    ? new ExecuteResult.WorkerFailed(we.kind(), we.getMessage())
                    : new ExecuteResult.WorkerFailed(WorkerException.Kind.DIED, String.valueOf(cause));
        } else if (m.response() instanceof Message.ExecuteResponse r) {
            // after a timeout or running out of memory the worker exits by itself
            rip = r.status() == Message.Status.TIMED_OUT || r.status() == Message.Status.JOB_ERROR;
            result = new ExecuteResult.Response(r);
        } else {
            rip = true;
            result = new ExecuteResult.WorkerFailed(WorkerException.Kind.PROTOCOL,
                    "execute worker answered with " + m.response().getClass().getSimpleName());
        }
        if (rip) {
            closeWorker(m.worker());
        }
        events.tell(new Concluded(m.worker(), m.job(), rip, result));
        return this;
    }

    private Behavior<Command> onKill(Kill m) {
        closeWorker(m.worker());
        return this;
    }

    private Behavior<Command> onWorkerExited(WorkerExited m) {
        if (processes.isIdle(m.worker())) {
            closeWorker(m.worker());
            events.tell(new Rip(m.worker()));
        }
        return this;
    }

    private void closeWorker(WorkerId id) {
        processes.close(id, pid -> { });
    }

    private Behavior<Command> onPostStop() {
        processes.closeAll((job, pid) -> { });
        return this;
    }
}
