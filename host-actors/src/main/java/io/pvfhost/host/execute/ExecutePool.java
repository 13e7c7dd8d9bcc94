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
import io.pvfhost.host.WorkerReaper;
import io.pvfhost.worker.host.WorkerException;
import io.pvfhost.worker.host.WorkerHandle;
import io.pvfhost.worker.host.WorkerKind;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

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
    private final Executor blocking;
    private final HostMetrics metrics;
    private final WorkerReaper reaper;
    private final Map<WorkerId, WorkerHandle> workers = new HashMap<>();
    /** Busy workers, since when (for the execution time). */
    private final Map<WorkerId, Long> busySince = new HashMap<>();
    private final Map<WorkerId, CompletableFuture<WorkerHandle>> starting = new HashMap<>();
    private long nextId;

    public static Behavior<Command> create(HostSettings settings, ActorRef<Event> events, Executor blocking) {
        return create(settings, events, blocking, HostMetrics.none(), new WorkerReaper());
    }

    public static Behavior<Command> create(HostSettings settings, ActorRef<Event> events, Executor blocking, HostMetrics metrics,
            WorkerReaper reaper) {
        return Behaviors.withMdc(Command.class, ExecutePool::mdc,
                Behaviors.setup(ctx -> new ExecutePool(ctx, settings, events, blocking, metrics, reaper)));
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

    private ExecutePool(ActorContext<Command> ctx, HostSettings settings, ActorRef<Event> events, Executor blocking,
            HostMetrics metrics, WorkerReaper reaper) {
        super(ctx);
        ctx.setLoggerName(ExecutePool.class); // not the wrapping behaviors' classes
        this.settings = settings;
        this.events = events;
        this.blocking = blocking;
        this.metrics = metrics;
        this.reaper = reaper;
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
        WorkerId id = new WorkerId("execute", ++nextId);
        metrics.workerSpawning(HostMetrics.Flavor.EXECUTE);
        var f = Blocking.run(blocking,
                () -> WorkerHandle.spawn(settings.workerSpec(), WorkerKind.EXECUTE, settings.cachePath(), settings.spawnTimeout()));
        starting.put(id, f);
        getContext().pipeToSelf(f, (h, err) -> new WorkerStarted(m.ticket(), id, m.paramsHash(), h, err));
        return this;
    }

    private Behavior<Command> onWorkerStarted(WorkerStarted m) {
        starting.remove(m.worker());
        if (m.failure() != null) {
            Throwable cause = Blocking.unwrap(m.failure());
            getContext().getLog().warn("cannot start an execute worker: {}", cause.getMessage());
            events.tell(new SpawnFailed(m.ticket(), cause.getMessage()));
            return this;
        }
        metrics.workerSpawned(HostMetrics.Flavor.EXECUTE);
        workers.put(m.worker(), m.handle());
        getContext().getLog().debug("{} started for {}", m.worker(), m.paramsHash());
        getContext().pipeToSelf(m.handle().onExit(), (p, err) -> new WorkerExited(m.worker()));
        events.tell(new Spawned(m.ticket(), m.worker()));
        return this;
    }

    private Behavior<Command> onStartWork(StartWork m) {
        WorkerHandle h = workers.get(m.worker());
        if (h == null) {
            // the worker died before the job reached it: the job never started
            events.tell(new Rip(m.worker()));
            return this;
        }
        busySince.put(m.worker(), System.nanoTime());
        ExecuteJob job = m.job();
        var request = new Message.ExecuteRequest(job.artifactPath().toString(), job.checksum(), job.params(),
                job.executorParams(), job.timeout().toMillis(), settings.povBombLimit());
        Duration backstop = job.timeout().multipliedBy(settings.wallClockFactor());
        var f = Blocking.run(blocking, () -> h.request(request, backstop));
        getContext().pipeToSelf(f, (resp, err) -> new WorkFinished(m.worker(), job, resp, err));
        return this;
    }

    private Behavior<Command> onWorkFinished(WorkFinished m) {
        Long since = busySince.remove(m.worker());
        if (since != null) {
            metrics.executionTime(Duration.ofNanos(System.nanoTime() - since));
        }
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
        if (workers.containsKey(m.worker()) && !busySince.containsKey(m.worker())) {
            closeWorker(m.worker());
            events.tell(new Rip(m.worker()));
        }
        return this;
    }

    private void closeWorker(WorkerId id) {
        WorkerHandle h = workers.remove(id);
        if (h != null) {
            metrics.workerRetired(HostMetrics.Flavor.EXECUTE);
            reaper.close(h, blocking, () -> { });
        }
    }

    private Behavior<Command> onPostStop() {
        for (WorkerHandle h : workers.values()) {
            h.close();
            metrics.workerRetired(HostMetrics.Flavor.EXECUTE);
        }
        workers.clear();
        starting.values().forEach(reaper::closeWhenStarted);
        starting.clear();
        return this;
    }
}
