package io.pvfhost.host;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import io.pvfhost.artifacts.ArtifactId;
import io.pvfhost.artifacts.ArtifactState;
import io.pvfhost.artifacts.ArtifactStore;
import io.pvfhost.artifacts.ArtifactTable;
import io.pvfhost.artifacts.PruningPolicy;
import io.pvfhost.common.error.PrepareError;
import io.pvfhost.common.error.ValidationOutcome;
import io.pvfhost.common.types.ValidationParams;
import io.pvfhost.host.execute.ExecuteJob;
import io.pvfhost.host.execute.ExecuteQueue;
import io.pvfhost.host.execute.Outcomes;
import io.pvfhost.host.prepare.PrepareJob;
import io.pvfhost.host.prepare.PrepareOutcome;
import io.pvfhost.host.prepare.PrepareQueue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * The host: receives execute, precheck and heads-up requests, owns the artifact table, and
 * bundles every request for the same artifact onto one preparation (reference section 1).
 *
 * <p>Flow: a request for a prepared artifact goes straight to the {@link ExecuteQueue}; for an
 * unknown one the host marks it Preparing, parks the request and sends one job to the
 * {@link PrepareQueue}; requests that arrive meanwhile join the parked list (raising the job's
 * priority if theirs is higher). When the preparation concludes, every parked request moves on or
 * gets the error. Every request is answered exactly once.
 */
public final class Host extends AbstractBehavior<Host.Command> {

    public sealed interface Command {}

    public record Execute(Pvf pvf, ValidationParams params, ExecKind kind, Duration timeout,
            ActorRef<ValidationOutcome> replyTo) implements Command {}

    public record Precheck(Pvf pvf, ActorRef<PrecheckOutcome> replyTo) implements Command {}

    public record HeadsUp(List<Pvf> pvfs) implements Command {}

    /** Asked by the pruner: remove what is prunable from the table and send its paths back. */
    public record CollectPrunable(ActorRef<ArtifactsPruner.Command> replyTo) implements Command {}

    /** Stops the host and its workers. */
    public enum Stop implements Command { INSTANCE }

    private record FromPrepareQueue(PrepareQueue.Event event) implements Command {}

    private record FromExecuteQueue(ExecuteQueue.Event event) implements Command {}

    private record RetryExecution(long requestId) implements Command {}

    /** An execute request while it waits for preparation, execution or its retry. */
    private record Pending(long id, Pvf pvf, byte[] params, ExecKind kind, Duration timeout,
            ActorRef<ValidationOutcome> replyTo, Instant deadline, int attempts, boolean reprepared) {
        Pending nextAttempt() {
            return new Pending(id, pvf, params, kind, timeout, replyTo, deadline, attempts + 1, reprepared);
        }

        Pending asReprepared() {
            return new Pending(id, pvf, params, kind, timeout, replyTo, deadline, attempts, true);
        }
    }

    private final HostSettings settings;
    private final Clock clock;
    private final TimerScheduler<Command> timers;
    private final ArtifactStore store;
    private final ArtifactTable table;
    private final Executor blocking;
    private final ActorRef<PrepareQueue.Command> prepareQueue;
    private final ActorRef<ExecuteQueue.Command> executeQueue;
    private final Map<ArtifactId, List<Pending>> waitingForPrepare = new HashMap<>();
    private final Map<ArtifactId, List<ActorRef<PrecheckOutcome>>> waitingPrechecks = new HashMap<>();
    private final Map<Long, Pending> executing = new HashMap<>();
    private final Map<Long, Pending> retrying = new HashMap<>();
    private long nextRequestId;

    /** Collaborators, so tests can replace the queues with probes. */
    public interface Queues {
        ActorRef<PrepareQueue.Command> prepareQueue(ActorContext<Command> ctx, ActorRef<PrepareQueue.Event> events);

        ActorRef<ExecuteQueue.Command> executeQueue(ActorContext<Command> ctx, ActorRef<ExecuteQueue.Event> events);

        void pruner(ActorContext<Command> ctx, ActorRef<Command> host);
    }

    public static Behavior<Command> create(HostSettings settings, Clock clock, ArtifactStore store, ArtifactTable table,
            Executor blocking, Queues queues) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new Host(ctx, timers, settings, clock, store, table, blocking, queues)));
    }

    private Host(ActorContext<Command> ctx, TimerScheduler<Command> timers, HostSettings settings, Clock clock,
            ArtifactStore store, ArtifactTable table, Executor blocking, Queues queues) {
        super(ctx);
        this.timers = timers;
        this.settings = settings;
        this.clock = clock;
        this.store = store;
        this.table = table;
        this.blocking = blocking;
        this.prepareQueue = queues.prepareQueue(ctx, ctx.messageAdapter(PrepareQueue.Event.class, FromPrepareQueue::new));
        this.executeQueue = queues.executeQueue(ctx, ctx.messageAdapter(ExecuteQueue.Event.class, FromExecuteQueue::new));
        queues.pruner(ctx, ctx.getSelf());
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Execute.class, this::onExecute)
                .onMessage(Precheck.class, this::onPrecheck)
                .onMessage(HeadsUp.class, this::onHeadsUp)
                .onMessage(FromPrepareQueue.class, this::onPrepared)
                .onMessage(FromExecuteQueue.class, this::onExecuted)
                .onMessage(RetryExecution.class, this::onRetry)
                .onMessage(CollectPrunable.class, this::onCollectPrunable)
                .onMessageEquals(Stop.INSTANCE, Behaviors::stopped)
                .build();
    }

    private int pendingCount() {
        int n = executing.size() + retrying.size();
        for (var l : waitingForPrepare.values()) {
            n += l.size();
        }
        for (var l : waitingPrechecks.values()) {
            n += l.size();
        }
        return n;
    }

    private Behavior<Command> onExecute(Execute m) {
        if (pendingCount() >= settings.maxPendingRequests()) {
            m.replyTo().tell(new ValidationOutcome.Deadline("host overloaded: " + settings.maxPendingRequests()
                    + " requests pending; try again later"));
            return this;
        }
        Duration timeout = m.timeout() != null ? m.timeout()
                : m.pvf().executorParams().execTimeoutMillis(m.kind().retriesAmbiguous() ? 1 : 0)
                        .map(Duration::ofMillis).orElse(defaultTimeout(m.kind()));
        Pending p = new Pending(++nextRequestId, m.pvf(), m.params().encode(), m.kind(), timeout, m.replyTo(),
                clock.instant().plus(timeout), 0, false);
        dispatch(p);
        return this;
    }

    private Duration defaultTimeout(ExecKind kind) {
        return kind.retriesAmbiguous() ? settings.approvalTimeout() : settings.backingTimeout();
    }

    /** Sends the request where the artifact's state says: execute, wait, prepare, or fail. */
    private void dispatch(Pending p) {
        ArtifactId id = p.pvf().artifactId();
        Instant now = clock.instant();
        switch (table.decide(id, now, settings.prepareRetryCooldown(), settings.prepareMaxRetries())) {
            case USE -> {
                table.touch(id, now);
                var s = (ArtifactState.Prepared) table.state(id).orElseThrow();
                executing.put(p.id(), p);
                executeQueue.tell(new ExecuteQueue.Enqueue(new ExecuteJob(p.id(), id, s.path(), s.checksum(), p.params(),
                        p.pvf().executorParams(), p.kind(), p.timeout())));
            }
            case JOIN -> {
                waitingForPrepare.computeIfAbsent(id, k -> new ArrayList<>()).add(p);
                prepareQueue.tell(new PrepareQueue.AmendPriority(id, p.kind().preparePriority()));
            }
            case PREPARE -> {
                waitingForPrepare.computeIfAbsent(id, k -> new ArrayList<>()).add(p);
                startPreparation(p.pvf(), p.kind().preparePriority(), false);
            }
            case FAIL -> p.replyTo().tell(new ValidationOutcome.PreparationFailed(failureOf(id)));
        }
    }

    private PrepareError failureOf(ArtifactId id) {
        return ((ArtifactState.FailedToProcess) table.state(id).orElseThrow()).error();
    }

    /** Precheck preparations get the short timeout; execution and heads-up the lenient one. */
    private void startPreparation(Pvf pvf, PreparePriority priority, boolean precheck) {
        ArtifactId id = pvf.artifactId();
        table.startPreparing(id);
        Duration t = pvf.executorParams().prepTimeoutMillis(precheck ? 0 : 1).map(Duration::ofMillis)
                .orElse(precheck ? settings.precheckTimeout() : settings.lenientTimeout());
        prepareQueue.tell(new PrepareQueue.Enqueue(new PrepareJob(id, pvf.code(), pvf.executorParams(), priority, t,
                store.pathOf(id))));
    }

    private Behavior<Command> onPrecheck(Precheck m) {
        ArtifactId id = m.pvf().artifactId();
        switch (table.decide(id, clock.instant(), settings.prepareRetryCooldown(), settings.prepareMaxRetries())) {
            case USE -> m.replyTo().tell(PrecheckOutcome.Valid.INSTANCE);
            case JOIN -> {
                waitingPrechecks.computeIfAbsent(id, k -> new ArrayList<>()).add(m.replyTo());
                prepareQueue.tell(new PrepareQueue.AmendPriority(id, PreparePriority.NORMAL));
            }
            case PREPARE -> {
                waitingPrechecks.computeIfAbsent(id, k -> new ArrayList<>()).add(m.replyTo());
                startPreparation(m.pvf(), PreparePriority.NORMAL, true);
            }
            case FAIL -> m.replyTo().tell(PrecheckOutcome.of(failureOf(id)));
        }
        return this;
    }

    private Behavior<Command> onHeadsUp(HeadsUp m) {
        Instant now = clock.instant();
        for (Pvf pvf : m.pvfs()) {
            ArtifactId id = pvf.artifactId();
            switch (table.decide(id, now, settings.prepareRetryCooldown(), settings.prepareMaxRetries())) {
                case USE -> table.touch(id, now);
                case PREPARE -> startPreparation(pvf, PreparePriority.BACKGROUND, false);
                default -> { } // already preparing, or failed for good
            }
        }
        return this;
    }

    private Behavior<Command> onPrepared(FromPrepareQueue m) {
        var prepared = (PrepareQueue.Prepared) m.event();
        ArtifactId id = prepared.job().id();
        Instant now = clock.instant();
        List<Pending> waiting = waitingForPrepare.remove(id);
        List<ActorRef<PrecheckOutcome>> prechecks = waitingPrechecks.remove(id);
        if (prepared.outcome() instanceof PrepareOutcome.Success s) {
            table.prepared(id, s.path(), s.checksum(), s.size(), now);
            getContext().getLog().debug("prepared {} in {} ms of CPU, {} bytes, {} functions interpreted",
                    id, s.cpuMillis(), s.size(), s.interpretedFunctions());
            if (prechecks != null) {
                prechecks.forEach(r -> r.tell(PrecheckOutcome.Valid.INSTANCE));
            }
            if (waiting != null) {
                waiting.forEach(this::dispatch);
            }
        } else {
            PrepareError error = ((PrepareOutcome.Failure) prepared.outcome()).error();
            table.failed(id, error, now);
            getContext().getLog().info("preparation of {} failed: {}", id, error);
            if (prechecks != null) {
                prechecks.forEach(r -> r.tell(PrecheckOutcome.of(error)));
            }
            if (waiting != null) {
                waiting.forEach(p -> p.replyTo().tell(new ValidationOutcome.PreparationFailed(error)));
            }
        }
        return this;
    }

    private Behavior<Command> onExecuted(FromExecuteQueue m) {
        var finished = (ExecuteQueue.Finished) m.event();
        Pending p = executing.remove(finished.job().requestId());
        if (p == null) {
            return this;
        }
        ArtifactId id = finished.job().id();
        if (Outcomes.isCorruptedArtifact(finished.result())) {
            forgetArtifact(id);
            if (!p.reprepared()) {
                // the file was damaged or removed under us: prepare it again and run once more
                getContext().getLog().warn("artifact {} is corrupted or missing; preparing it again", id);
                dispatch(p.asReprepared());
                return this;
            }
        }
        ValidationOutcome outcome = Outcomes.of(finished.result());
        if (outcome instanceof ValidationOutcome.PossiblyInvalid && p.kind().retriesAmbiguous() && p.attempts() == 0
                && clock.instant().plus(settings.executeRetryDelay()).isBefore(p.deadline())) {
            retrying.put(p.id(), p.nextAttempt());
            timers.startSingleTimer(new RetryExecution(p.id()), settings.executeRetryDelay());
            return this;
        }
        p.replyTo().tell(outcome);
        return this;
    }

    private Behavior<Command> onRetry(RetryExecution m) {
        Pending p = retrying.remove(m.requestId());
        if (p != null) {
            dispatch(p);
        }
        return this;
    }

    /** Drops the artifact from the table and deletes its file, off this thread. */
    private void forgetArtifact(ArtifactId id) {
        table.remove(id);
        Path path = store.pathOf(id);
        blocking.execute(() -> {
            try {
                Files.deleteIfExists(path);
            } catch (java.io.IOException e) {
                // pruning or the next start tries again
            }
        });
    }

    private Behavior<Command> onCollectPrunable(CollectPrunable m) {
        Set<ArtifactId> inUse = new HashSet<>();
        executing.values().forEach(p -> inUse.add(p.pvf().artifactId()));
        retrying.values().forEach(p -> inUse.add(p.pvf().artifactId()));
        List<Path> paths = new ArrayList<>();
        for (ArtifactId id : PruningPolicy.select(table.view(), clock.instant(), settings.artifactTtl(), inUse)) {
            var s = (ArtifactState.Prepared) table.state(id).orElseThrow();
            table.remove(id);
            paths.add(s.path());
        }
        m.replyTo().tell(new ArtifactsPruner.Delete(paths));
        return this;
    }
}
