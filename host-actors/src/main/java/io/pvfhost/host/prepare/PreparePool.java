package io.pvfhost.host.prepare;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import io.pvfhost.common.error.PrepareError;
import io.pvfhost.common.wire.Message;
import io.pvfhost.host.Blocking;
import io.pvfhost.host.HostSettings;
import io.pvfhost.host.WorkerId;
import io.pvfhost.worker.host.WorkerException;
import io.pvfhost.worker.host.WorkerHandle;
import io.pvfhost.worker.host.WorkerKind;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Owns the prepare worker processes. It does what it is told ({@link Spawn}, {@link StartWork},
 * {@link Kill}) and reports what happened; all choices are the queue's. Blocking process and
 * socket work runs on the blocking dispatcher and comes back with {@code pipeToSelf}.
 *
 * <p>Promises: each {@link StartWork} is answered by exactly one {@link Concluded}, or, when its
 * worker was already gone and the job never started, by a {@link Rip} of that worker; a worker that
 * dies while idle is reported with {@link Rip}; each {@link Spawn} is answered by one
 * {@link Spawned} or {@link SpawnFailed}; on stop every worker process is killed.
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
    private final Executor blocking;
    private final Map<WorkerId, WorkerHandle> workers = new HashMap<>();
    private final Set<WorkerId> busy = new HashSet<>();
    private long nextId;

    public static Behavior<Command> create(HostSettings settings, ActorRef<Event> events, Executor blocking) {
        return Behaviors.setup(ctx -> new PreparePool(ctx, settings, events, blocking));
    }

    private PreparePool(ActorContext<Command> ctx, HostSettings settings, ActorRef<Event> events, Executor blocking) {
        super(ctx);
        this.settings = settings;
        this.events = events;
        this.blocking = blocking;
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
        WorkerId id = new WorkerId("prepare", ++nextId);
        var f = Blocking.run(blocking,
                () -> WorkerHandle.spawn(settings.workerSpec(), WorkerKind.PREPARE, settings.cachePath(), settings.spawnTimeout()));
        getContext().pipeToSelf(f, (h, err) -> new WorkerStarted(id, h, err));
        return this;
    }

    private Behavior<Command> onWorkerStarted(WorkerStarted m) {
        if (m.failure() != null) {
            Throwable cause = Blocking.unwrap(m.failure());
            getContext().getLog().warn("cannot start a prepare worker: {}", cause.getMessage());
            events.tell(new SpawnFailed(cause.getMessage()));
            return this;
        }
        workers.put(m.worker(), m.handle());
        getContext().pipeToSelf(m.handle().onExit(), (p, err) -> new WorkerExited(m.worker()));
        events.tell(new Spawned(m.worker()));
        return this;
    }

    private Behavior<Command> onStartWork(StartWork m) {
        WorkerHandle h = workers.get(m.worker());
        if (h == null) {
            // the worker died before the job reached it: the job never started, so the queue gets
            // it back (reference: rip_for_start_work)
            events.tell(new Rip(m.worker()));
            return this;
        }
        busy.add(m.worker());
        PrepareJob job = m.job();
        var request = new Message.PrepareRequest(job.code(), settings.maxCodeSize(), settings.codeBombLimit(), job.executorParams(),
                job.artifactPath().toString(), job.timeout().toMillis());
        Duration backstop = job.timeout().multipliedBy(settings.wallClockFactor());
        var f = Blocking.run(blocking, () -> h.request(request, backstop));
        getContext().pipeToSelf(f, (resp, err) -> new WorkFinished(m.worker(), job, resp, err));
        return this;
    }

    private Behavior<Command> onWorkFinished(WorkFinished m) {
        busy.remove(m.worker());
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
            closeWorker(m.worker());
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
        closeWorker(m.worker());
        return this;
    }

    private Behavior<Command> onWorkerExited(WorkerExited m) {
        // a death during a job is reported by the job's own failure; only idle deaths are news
        if (workers.containsKey(m.worker()) && !busy.contains(m.worker())) {
            closeWorker(m.worker());
            events.tell(new Rip(m.worker()));
        }
        return this;
    }

    private void closeWorker(WorkerId id) {
        WorkerHandle h = workers.remove(id);
        if (h != null) {
            CompletableFuture.runAsync(h::close, blocking);
        }
    }

    private Behavior<Command> onPostStop() {
        for (WorkerHandle h : workers.values()) {
            h.close();
        }
        workers.clear();
        return this;
    }
}
