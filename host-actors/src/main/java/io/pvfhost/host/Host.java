package io.pvfhost.host;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
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
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.MDC;

/**
 * The host: receives execute, precheck and heads-up requests, owns the artifact table, and
 * bundles every request for the same artifact onto one preparation (reference section 1).
 *
 * <p>Flow: a request for a prepared artifact goes straight to the {@link ExecuteQueue}; for an
 * unknown one the host marks it Preparing, parks the request and sends one job to the
 * {@link PrepareQueue}; requests that arrive meanwhile join the parked list (raising the job's
 * priority if theirs is higher: backing is Normal, approval and dispute Critical, precheck Normal,
 * heads-up Background). When the preparation concludes the artifact becomes Prepared or
 * FailedToProcess, and every parked request moves on or gets the error. A transient failure is
 * prepared again for an execution or heads-up that comes after the cooldown (never for a
 * precheck); a deterministic one never.
 *
 * <p>Every request is answered exactly once: each lives in one map of pending requests keyed by a
 * request id until it is answered. A caller that goes away ({@link Cancel}, or the death of its
 * reply actor, which the host watches) is dropped unanswered: it leaves the parked list, and its
 * execution leaves the execute queue if it has not started, so it costs no worker. Past
 * {@code max-pending-requests} pending requests a new one is refused at once (overload). When the
 * host stops, every request still pending is answered with an internal error ("host stopped").
 *
 * <p>Log lines about a request carry its code hash and kind in the MDC ({@link LogContext}).
 */
public final class Host extends AbstractBehavior<Host.Command> {

    public sealed interface Command {}

    /**
     * Validate a candidate. {@code timeout} null means the default for the kind; {@code relayParent}
     * (backing kinds only, may be null) makes the job stale once it leaves the active leaves.
     */
    public record Execute(Pvf pvf, ValidationParams params, ExecKind kind, Duration timeout, BlockHash relayParent,
            ActorRef<ValidationOutcome> replyTo) implements Command {
        public Execute {
            if (relayParent != null && !kind.isBacking()) {
                throw new IllegalArgumentException("only backing requests have a relay parent, not " + kind);
            }
        }

        public Execute(Pvf pvf, ValidationParams params, ExecKind kind, Duration timeout, ActorRef<ValidationOutcome> replyTo) {
            this(pvf, params, kind, timeout, null, replyTo);
        }
    }

    public record Precheck(Pvf pvf, ActorRef<PrecheckOutcome> replyTo) implements Command {}

    public record HeadsUp(List<Pvf> pvfs) implements Command {}

    /** The relay chain's active leaves changed; {@code ancestors} are those of the activated leaf. */
    public record UpdateActiveLeaves(ActiveLeavesUpdate update, List<BlockHash> ancestors) implements Command {}

    /** The caller answered at {@code replyTo} no longer wants the answers: its requests are dropped. */
    public record Cancel(ActorRef<?> replyTo) implements Command {}

    /** Asked by the pruner: remove what is prunable from the table and send its paths back. */
    public record CollectPrunable(ActorRef<ArtifactsPruner.Command> replyTo) implements Command {}

    /** Stops the host and its workers. */
    public enum Stop implements Command { INSTANCE }

    private record FromPrepareQueue(PrepareQueue.Event event) implements Command {}

    private record FromExecuteQueue(ExecuteQueue.Event event) implements Command {}

    private record RetryExecution(long requestId) implements Command {}

    private record CallerGone(ActorRef<?> caller) implements Command {}

    /** Where an execute request is. */
    private enum Stage { WAITING_FOR_PREPARATION, EXECUTING, WAITING_TO_RETRY }

    private sealed interface Request {
        long id();

        Pvf pvf();

        ActorRef<?> caller();
    }

    private record ExecRequest(long id, Pvf pvf, byte[] params, ExecKind kind, Duration timeout, BlockHash relayParent,
            ActorRef<ValidationOutcome> replyTo, Instant deadline, RetryPolicy.Budget retries, long generation, Stage stage)
            implements Request {
        public ActorRef<?> caller() {
            return replyTo;
        }

        ExecRequest at(Stage s) {
            return new ExecRequest(id, pvf, params, kind, timeout, relayParent, replyTo, deadline, retries, generation, s);
        }

        ExecRequest withRetries(RetryPolicy.Budget b) {
            return new ExecRequest(id, pvf, params, kind, timeout, relayParent, replyTo, deadline, b, generation, stage);
        }

        /** Sent to execute on the artifact's preparation number {@code g} (see {@link Host#generations}). */
        ExecRequest onGeneration(long g) {
            return new ExecRequest(id, pvf, params, kind, timeout, relayParent, replyTo, deadline, retries, g, stage);
        }
    }

    private record PrecheckRequest(long id, Pvf pvf, ActorRef<PrecheckOutcome> replyTo) implements Request {
        public ActorRef<?> caller() {
            return replyTo;
        }
    }

    private final HostSettings settings;
    private final Clock clock;
    private final TimerScheduler<Command> timers;
    private final ArtifactStore store;
    private final ArtifactTable table;
    private final ActorRef<PrepareQueue.Command> prepareQueue;
    private final ActorRef<ExecuteQueue.Command> executeQueue;
    /**
     * The last-needed time each prepared artifact's file holds, as far as this host knows (those
     * found at start were read from there); an artifact whose time differs is recorded at the next
     * sweep, or when the host stops.
     */
    private final Map<ArtifactId, Instant> lastNeededRecorded = new HashMap<>();
    /** Every request not yet answered, by request id. */
    private final Map<Long, Request> pending = new LinkedHashMap<>();
    /** The pending requests of each reply address (watched while it has any). */
    private final Map<ActorRef<?>, Set<Long>> byCaller = new HashMap<>();
    /**
     * The number of each artifact's last successful preparation in this host (absent: found on disk
     * at start, 0). A job reporting its artifact corrupted removes the artifact only if it ran on the
     * preparation the table holds now: a late report from a job on an older file must not delete the
     * file prepared again since.
     */
    private final Map<ArtifactId, Long> generations = new HashMap<>();
    private long lastGeneration;
    /** Requests parked until the artifact's preparation concludes, in arrival order. */
    private final Map<ArtifactId, LinkedHashSet<Long>> waiting = new HashMap<>();
    private final Runnable whenStopped;
    private long nextRequestId;

    /** Collaborators, so tests can replace the queues with probes. */
    public interface Queues {
        ActorRef<PrepareQueue.Command> prepareQueue(ActorContext<Command> ctx, ActorRef<PrepareQueue.Event> events);

        ActorRef<ExecuteQueue.Command> executeQueue(ActorContext<Command> ctx, ActorRef<ExecuteQueue.Event> events);

        void pruner(ActorContext<Command> ctx, ActorRef<Command> host);
    }

    public static Behavior<Command> create(HostSettings settings, Clock clock, ArtifactStore store, ArtifactTable table,
            Queues queues) {
        return create(settings, clock, store, table, queues, () -> { });
    }

    /**
     * As {@link #create(HostSettings, Clock, ArtifactStore, ArtifactTable, Queues)}; {@code whenStopped}
     * runs once the host and everything under it (queues, pools, so every worker) have stopped.
     */
    public static Behavior<Command> create(HostSettings settings, Clock clock, ArtifactStore store, ArtifactTable table,
            Queues queues, Runnable whenStopped) {
        return Behaviors.withMdc(Command.class, Host::mdc,
                Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new Host(ctx, timers, settings, clock, store, table, queues,
                        whenStopped))));
    }

    /** The code hash and kind of the request a message is about, for the log lines it causes. */
    private static Map<String, String> mdc(Command c) {
        if (c instanceof Execute e) {
            return LogContext.of(e.pvf().artifactId(), e.kind());
        }
        if (c instanceof Precheck p) {
            return LogContext.of(p.pvf().artifactId(), LogContext.PRECHECK);
        }
        if (c instanceof HeadsUp h) {
            return h.pvfs().size() == 1 ? LogContext.of(h.pvfs().get(0).artifactId(), LogContext.HEADS_UP)
                    : Map.of(LogContext.REQUEST_KIND, LogContext.HEADS_UP);
        }
        if (c instanceof FromPrepareQueue p && p.event() instanceof PrepareQueue.Prepared done) {
            return LogContext.of(done.job().id(), LogContext.PREPARE);
        }
        if (c instanceof FromExecuteQueue e && e.event() instanceof ExecuteQueue.Finished done) {
            return LogContext.of(done.job().id(), done.job().kind());
        }
        return Map.of();
    }

    private Host(ActorContext<Command> ctx, TimerScheduler<Command> timers, HostSettings settings, Clock clock,
            ArtifactStore store, ArtifactTable table, Queues queues, Runnable whenStopped) {
        super(ctx);
        ctx.setLoggerName(Host.class); // not the wrapping behaviors' classes
        this.whenStopped = whenStopped;
        this.timers = timers;
        this.settings = settings;
        this.clock = clock;
        for (var e : table.view().entrySet()) {
            if (e.getValue() instanceof ArtifactState.Prepared p) {
                lastNeededRecorded.put(e.getKey(), p.lastNeeded());
            }
        }
        this.store = store;
        this.table = table;
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
                .onMessage(UpdateActiveLeaves.class, this::onUpdateActiveLeaves)
                .onMessage(Cancel.class, m -> dropCaller(m.replyTo(), true))
                .onMessage(CallerGone.class, m -> dropCaller(m.caller(), false))
                .onMessage(FromPrepareQueue.class, this::onPrepared)
                .onMessage(FromExecuteQueue.class, this::onExecuted)
                .onMessage(RetryExecution.class, this::onRetry)
                .onMessage(CollectPrunable.class, this::onCollectPrunable)
                .onMessageEquals(Stop.INSTANCE, Behaviors::stopped)
                .onSignal(PostStop.class, s -> onPostStop())
                .build();
    }

    /** Runs after the queues and pools stopped: answers whatever is still pending. */
    private Behavior<Command> onPostStop() {
        for (Request r : List.copyOf(pending.values())) {
            if (r instanceof ExecRequest e) {
                e.replyTo().tell(new ValidationOutcome.InternalError("host stopped"));
            } else if (r instanceof PrecheckRequest p) {
                p.replyTo().tell(new PrecheckOutcome.Failed(new PrepareError(PrepareError.Kind.IO_ERR, "host stopped")));
            }
        }
        pending.clear();
        try {
            // a few file times, on the way out: what a restarted host reads as last needed
            ArtifactsPruner.recordLastNeeded(unrecordedNeeds());
        } catch (RuntimeException e) {
            getContext().getLog().warn("cannot record when artifacts were last needed: {}", e.toString());
        } finally {
            whenStopped.run();
        }
        return this;
    }

    // ---- admission and answers: each request is answered once, then forgotten ----

    private boolean overloaded() {
        return pending.size() >= settings.maxPendingRequests();
    }

    private String overloadMessage() {
        return "host overloaded: " + settings.maxPendingRequests() + " requests pending; try again later";
    }

    private void admit(Request r) {
        pending.put(r.id(), r);
        Set<Long> ids = byCaller.get(r.caller());
        if (ids == null) {
            ids = new HashSet<>();
            byCaller.put(r.caller(), ids);
            // a caller that goes away (an ask that timed out, a stopped actor) costs nothing more
            getContext().watchWith(r.caller(), new CallerGone(r.caller()));
        }
        ids.add(r.id());
    }

    private void forget(Request r) {
        pending.remove(r.id());
        Set<Long> ids = byCaller.get(r.caller());
        if (ids != null) {
            ids.remove(r.id());
            if (ids.isEmpty()) {
                byCaller.remove(r.caller());
                getContext().unwatch(r.caller());
            }
        }
    }

    private void answer(ExecRequest r, ValidationOutcome outcome) {
        forget(r);
        logAbout(r.pvf(), r.kind().label(), () -> getContext().getLog().debug("request {} answered: {}", r.id(), outcome.outcome()));
        r.replyTo().tell(outcome);
    }

    private void answer(PrecheckRequest r, PrecheckOutcome outcome) {
        forget(r);
        logAbout(r.pvf(), LogContext.PRECHECK,
                () -> getContext().getLog().debug("request {} answered: {}", r.id(), outcome.outcome()));
        r.replyTo().tell(outcome);
    }

    /**
     * Logs with the MDC of one request, then puts back the message's own: answers to several
     * requests (a preparation's waiters) come out of one message.
     */
    private void logAbout(Pvf pvf, String requestKind, Runnable log) {
        if (!getContext().getLog().isDebugEnabled()) {
            return;
        }
        String hash = MDC.get(LogContext.CODE_HASH);
        String kind = MDC.get(LogContext.REQUEST_KIND);
        LogContext.of(pvf.artifactId(), requestKind).forEach(MDC::put);
        try {
            log.run();
        } finally {
            restore(LogContext.CODE_HASH, hash);
            restore(LogContext.REQUEST_KIND, kind);
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }

    private Behavior<Command> dropCaller(ActorRef<?> caller, boolean stillAlive) {
        Set<Long> ids = byCaller.remove(caller);
        if (ids == null) {
            return this;
        }
        if (stillAlive) {
            getContext().unwatch(caller);
        }
        for (long id : ids) {
            Request r = pending.remove(id);
            if (r instanceof ExecRequest e) {
                switch (e.stage()) {
                    case WAITING_FOR_PREPARATION -> unpark(e);
                    case EXECUTING -> executeQueue.tell(new ExecuteQueue.Cancel(id));
                    case WAITING_TO_RETRY -> timers.cancel(new RetryExecution(id));
                }
            } else if (r instanceof PrecheckRequest p) {
                unpark(p);
            }
        }
        getContext().getLog().debug("caller {} went away; dropped {} requests", caller, ids.size());
        return this;
    }

    private void park(Request r) {
        waiting.computeIfAbsent(r.pvf().artifactId(), k -> new LinkedHashSet<>()).add(r.id());
    }

    private void unpark(Request r) {
        var ids = waiting.get(r.pvf().artifactId());
        if (ids != null) {
            ids.remove(r.id());
        }
    }

    // ---- requests ----

    private Behavior<Command> onExecute(Execute m) {
        if (overloaded()) {
            m.replyTo().tell(new ValidationOutcome.Deadline(overloadMessage()));
            return this;
        }
        byte[] params = m.params().encode();
        if (params.length > io.pvfhost.common.wire.Message.MAX_BLOB) {
            // it could not even be sent to a worker: the candidate is invalid, and no worker is harmed
            m.replyTo().tell(new ValidationOutcome.Invalid(ValidationOutcome.InvalidKind.InvalidParams,
                    "params of " + params.length + " bytes exceed the limit of " + io.pvfhost.common.wire.Message.MAX_BLOB));
            return this;
        }
        Duration timeout = execTimeout(settings, m.pvf(), m.kind(), m.timeout());
        ExecRequest r = new ExecRequest(++nextRequestId, m.pvf(), params, m.kind(), timeout, m.relayParent(),
                m.replyTo(), clock.instant().plus(timeout), RetryPolicy.Budget.INITIAL, 0, Stage.WAITING_FOR_PREPARATION);
        admit(r);
        getContext().getLog().debug("request {}: execute, {} ms of CPU at most", r.id(), timeout.toMillis());
        dispatch(r);
        return this;
    }

    /**
     * The first run gets the request's whole timeout; a retry what is left of it (the reference:
     * {@code exec_timeout.saturating_sub(elapsed)}), at least a millisecond.
     */
    static Duration attemptTimeout(ExecRequest r, Instant now) {
        if (r.retries().equals(RetryPolicy.Budget.INITIAL)) {
            return r.timeout();
        }
        Duration left = Duration.between(now, r.deadline());
        Duration min = Duration.ofMillis(1);
        return left.compareTo(min) < 0 ? min : left.compareTo(r.timeout()) > 0 ? r.timeout() : left;
    }

    /** An execution's CPU-time limit: the request's own, else the PVF's executor parameter, else the kind's default. */
    static Duration execTimeout(HostSettings settings, Pvf pvf, ExecKind kind, Duration requested) {
        if (requested != null) {
            return requested;
        }
        return pvf.executorParams().execTimeoutMillis(kind.retriesAmbiguous() ? 1 : 0).map(Duration::ofMillis)
                .orElse(kind.retriesAmbiguous() ? settings.approvalTimeout() : settings.backingTimeout());
    }

    /** A preparation's CPU-time limit: the PVF's executor parameter, else precheck or lenient as configured. */
    static Duration prepTimeout(HostSettings settings, Pvf pvf, boolean precheck) {
        return pvf.executorParams().prepTimeoutMillis(precheck ? 0 : 1).map(Duration::ofMillis)
                .orElse(precheck ? settings.precheckTimeout() : settings.lenientTimeout());
    }

    /** Sends the request where the artifact's state says: execute, wait, prepare, or fail. */
    private void dispatch(ExecRequest r) {
        ArtifactId id = r.pvf().artifactId();
        Instant now = clock.instant();
        switch (table.decide(id, now, settings.prepareRetryCooldown(), settings.prepareMaxRetries())) {
            case USE -> {
                var s = (ArtifactState.Prepared) table.state(id).orElseThrow();
                if (!Files.exists(s.path())) {
                    // prepared once, but its file is gone (as the reference: prepare it again)
                    getContext().getLog().warn("artifact {} has no file at {}; preparing it again", id, s.path());
                    table.remove(id);
                    generations.remove(id);
                    pending.put(r.id(), r.at(Stage.WAITING_FOR_PREPARATION));
                    park(r);
                    startPreparation(r.pvf(), r.kind().preparePriority(), false);
                    return;
                }
                table.touch(id, now);
                pending.put(r.id(), r.onGeneration(generations.getOrDefault(id, 0L)).at(Stage.EXECUTING));
                executeQueue.tell(new ExecuteQueue.Enqueue(new ExecuteJob(r.id(), id, s.path(), s.checksum(), r.params(),
                        r.pvf().executorParams(), r.kind(), attemptTimeout(r, now), r.relayParent())));
            }
            case JOIN -> {
                pending.put(r.id(), r.at(Stage.WAITING_FOR_PREPARATION));
                park(r);
                prepareQueue.tell(new PrepareQueue.AmendPriority(id, r.kind().preparePriority()));
            }
            case PREPARE -> {
                pending.put(r.id(), r.at(Stage.WAITING_FOR_PREPARATION));
                park(r);
                startPreparation(r.pvf(), r.kind().preparePriority(), false);
            }
            case FAIL -> conclude(r, preparationFailed(failureOf(id)));
        }
    }

    /**
     * What an execution answers for a failed preparation: a deterministic error is the
     * candidate's ({@link ValidationOutcome.PreparationFailed}); a transient one (timeout, IO, a
     * worker that died) is this host's trouble, an internal error, so that an honest validator does
     * not vote against a candidate because of it (reference: {@code From<PrepareError> for ValidationError}).
     */
    static ValidationOutcome preparationFailed(PrepareError error) {
        return error.isTransient()
                ? new ValidationOutcome.InternalError("non-deterministic preparation error: " + error)
                : new ValidationOutcome.PreparationFailed(error);
    }

    private PrepareError failureOf(ArtifactId id) {
        return ((ArtifactState.FailedToProcess) table.state(id).orElseThrow()).error();
    }

    /** Precheck preparations get the short timeout; execution and heads-up the lenient one. */
    private void startPreparation(Pvf pvf, PreparePriority priority, boolean precheck) {
        ArtifactId id = pvf.artifactId();
        table.startPreparing(id);
        Duration t = prepTimeout(settings, pvf, precheck);
        long maxCodeSize = pvf.codeLimits().map(Pvf.CodeLimits::maxCodeSize).orElse(settings.maxCodeSize());
        long codeBombLimit = pvf.codeLimits().map(Pvf.CodeLimits::codeBombLimit).orElse(settings.codeBombLimit());
        prepareQueue.tell(new PrepareQueue.Enqueue(new PrepareJob(id, pvf.code(), pvf.executorParams(), priority, t,
                store.pathOf(id), maxCodeSize, codeBombLimit)));
    }

    /** A precheck never retries a failed preparation (reference: test_precheck_prepare_no_retry). */
    private Behavior<Command> onPrecheck(Precheck m) {
        ArtifactId id = m.pvf().artifactId();
        var state = table.state(id);
        if (state.isPresent() && state.get() instanceof ArtifactState.Prepared) {
            table.touch(id, clock.instant());
            m.replyTo().tell(PrecheckOutcome.Valid.INSTANCE);
            return this;
        }
        if (state.isPresent() && state.get() instanceof ArtifactState.FailedToProcess f) {
            m.replyTo().tell(PrecheckOutcome.of(f.error()));
            return this;
        }
        if (overloaded()) {
            m.replyTo().tell(new PrecheckOutcome.Failed(new PrepareError(PrepareError.Kind.IO_ERR, overloadMessage())));
            return this;
        }
        PrecheckRequest r = new PrecheckRequest(++nextRequestId, m.pvf(), m.replyTo());
        admit(r);
        getContext().getLog().debug("request {}: precheck", r.id());
        park(r);
        if (state.isPresent()) {
            prepareQueue.tell(new PrepareQueue.AmendPriority(id, PreparePriority.NORMAL));
        } else {
            startPreparation(m.pvf(), PreparePriority.NORMAL, true);
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
                default -> { } // already preparing (keeps its priority), or failed for good
            }
        }
        return this;
    }

    private Behavior<Command> onUpdateActiveLeaves(UpdateActiveLeaves m) {
        executeQueue.tell(new ExecuteQueue.UpdateActiveLeaves(m.update(), m.ancestors()));
        return this;
    }

    // ---- results ----

    private Behavior<Command> onPrepared(FromPrepareQueue m) {
        var prepared = (PrepareQueue.Prepared) m.event();
        ArtifactId id = prepared.job().id();
        Instant now = clock.instant();
        if (!(table.state(id).orElse(null) instanceof ArtifactState.Preparing)) {
            getContext().getLog().warn("preparation of {} concluded but it was not being prepared", id);
        }
        List<Request> parked = new ArrayList<>();
        var ids = waiting.remove(id);
        if (ids != null) {
            for (long rid : ids) {
                Request r = pending.get(rid);
                if (r != null) {
                    parked.add(r);
                }
            }
        }
        if (prepared.outcome() instanceof PrepareOutcome.Success s) {
            table.prepared(id, s.path(), s.checksum(), s.size(), now);
            generations.put(id, ++lastGeneration);
            getContext().getLog().debug("prepared {} in {} ms of CPU, {} bytes, {} functions interpreted",
                    id, s.cpuMillis(), s.size(), s.interpretedFunctions());
            for (Request r : parked) {
                if (r instanceof PrecheckRequest p) {
                    answer(p, PrecheckOutcome.Valid.INSTANCE);
                } else {
                    dispatch((ExecRequest) r);
                }
            }
        } else {
            PrepareError error = ((PrepareOutcome.Failure) prepared.outcome()).error();
            table.failed(id, error, now);
            getContext().getLog().info("preparation of {} failed: {}", id, error);
            for (Request r : parked) {
                if (r instanceof PrecheckRequest p) {
                    answer(p, PrecheckOutcome.of(error));
                } else {
                    conclude((ExecRequest) r, preparationFailed(error));
                }
            }
        }
        return this;
    }

    private Behavior<Command> onExecuted(FromExecuteQueue m) {
        var finished = (ExecuteQueue.Finished) m.event();
        if (!(pending.get(finished.job().requestId()) instanceof ExecRequest p) || p.stage() != Stage.EXECUTING) {
            return this; // its caller went away
        }
        ArtifactId id = finished.job().id();
        ValidationOutcome outcome = Outcomes.of(finished.result());
        if (RetryPolicy.removesArtifact(outcome)) {
            // the file was damaged or removed under us, or cannot be instantiated: the next request prepares
            // it again; unless the table holds a newer preparation than the one this job ran on
            if (table.state(id).orElse(null) instanceof ArtifactState.Prepared && generations.getOrDefault(id, 0L) == p.generation()) {
                getContext().getLog().warn("artifact {} failed to load ({}); removing it so that it is prepared again", id, outcome);
                forgetArtifact(id);
            }
        }
        conclude(p, outcome);
        return this;
    }

    /** Answers {@code p} with {@code outcome}, or runs it again where {@link RetryPolicy} says so. */
    private void conclude(ExecRequest p, ValidationOutcome outcome) {
        var decision = RetryPolicy.decide(outcome, p.kind(), p.retries(), clock.instant(), p.deadline(),
                settings.executeRetryDelay());
        if (!(decision instanceof RetryPolicy.Retry retry)) {
            answer(p, outcome);
        } else if (retry.delay().isZero()) {
            getContext().getLog().info("request {}: running again at once after {}", p.id(), outcome);
            dispatch(p.withRetries(retry.remaining()));
        } else {
            getContext().getLog().info("request {}: running again in {} ms after {}", p.id(), retry.delay().toMillis(), outcome);
            pending.put(p.id(), p.withRetries(retry.remaining()).at(Stage.WAITING_TO_RETRY));
            timers.startSingleTimer(new RetryExecution(p.id()), retry.delay());
        }
    }

    private Behavior<Command> onRetry(RetryExecution m) {
        if (pending.get(m.requestId()) instanceof ExecRequest p && p.stage() == Stage.WAITING_TO_RETRY) {
            LogContext.of(p.pvf().artifactId(), p.kind()).forEach(MDC::put); // Akka clears the MDC after the message
            dispatch(p);
        }
        return this;
    }

    /**
     * Drops the artifact from the table and deletes its file, before anything prepares it again (a
     * deletion still under way could remove the new file; the reference waits for it too).
     */
    private void forgetArtifact(ArtifactId id) {
        table.remove(id);
        generations.remove(id);
        try {
            Files.deleteIfExists(store.pathOf(id));
        } catch (java.io.IOException e) {
            getContext().getLog().warn("cannot delete artifact {}: {}", id, e.toString());
        }
    }

    // ---- pruning ----

    /**
     * Moves a pruned artifact's file out of its name at once (a rename), so that the deletion,
     * which runs later off the actors' threads, can never remove the file of the same artifact
     * prepared again meanwhile. The new name is one of our temp files, which the start-up cleanup
     * removes should the deletion not happen. Returns what to delete (nothing if the file is gone).
     */
    private java.util.Optional<Path> doom(Path path) {
        Path doomed = path.resolveSibling(path.getFileName() + ".pruned" + io.pvfhost.artifacts.ArtifactFile.TEMP_SUFFIX);
        try {
            Files.move(path, doomed, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return java.util.Optional.of(doomed);
        } catch (java.nio.file.NoSuchFileException e) {
            return java.util.Optional.empty();
        } catch (java.io.IOException e) {
            getContext().getLog().warn("cannot move pruned artifact {} aside ({}); deleting it in place", path, e.toString());
            return java.util.Optional.of(path);
        }
    }

    private Behavior<Command> onCollectPrunable(CollectPrunable m) {
        Set<ArtifactId> inUse = new HashSet<>();
        for (Request r : pending.values()) {
            if (r instanceof ExecRequest e && e.stage() != Stage.WAITING_FOR_PREPARATION) {
                inUse.add(e.pvf().artifactId());
            }
        }
        List<Path> paths = new ArrayList<>();
        Instant now = clock.instant();
        for (ArtifactId id : PruningPolicy.select(table.view(), now, settings.artifactTtl(),
                settings.cacheSizeLimit(), inUse)) {
            var s = (ArtifactState.Prepared) table.state(id).orElseThrow();
            table.remove(id);
            generations.remove(id);
            doom(s.path()).ifPresent(paths::add);
        }
        if (!paths.isEmpty()) {
            getContext().getLog().debug("pruning {} artifacts", paths.size());
        }
        m.replyTo().tell(new ArtifactsPruner.Sweep(paths, unrecordedNeeds()));
        return this;
    }

    /**
     * The prepared artifacts whose last need their files do not hold yet, from now on counted as
     * held (a restarted host reads when an artifact was last needed from its file's time).
     */
    private List<ArtifactsPruner.LastNeeded> unrecordedNeeds() {
        List<ArtifactsPruner.LastNeeded> needed = new ArrayList<>();
        Map<ArtifactId, Instant> now = new HashMap<>();
        for (var e : table.view().entrySet()) {
            if (e.getValue() instanceof ArtifactState.Prepared p) {
                now.put(e.getKey(), p.lastNeeded());
                if (!p.lastNeeded().equals(lastNeededRecorded.get(e.getKey()))) {
                    needed.add(new ArtifactsPruner.LastNeeded(p.path(), p.lastNeeded()));
                }
            }
        }
        lastNeededRecorded.clear();
        lastNeededRecorded.putAll(now); // forgets the artifacts no longer prepared
        return needed;
    }
}
