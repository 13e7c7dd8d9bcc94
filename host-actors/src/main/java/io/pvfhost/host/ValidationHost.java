package io.pvfhost.host;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pvfhost.artifacts.ArtifactContent;
import io.pvfhost.artifacts.ArtifactFile;
import io.pvfhost.artifacts.ArtifactStore;
import io.pvfhost.artifacts.ArtifactTable;
import io.pvfhost.artifacts.CorruptedArtifactException;
import io.pvfhost.common.error.PrepareError;
import io.pvfhost.common.error.ValidationOutcome;
import io.pvfhost.common.types.ValidationParams;
import io.pvfhost.host.execute.ExecutePool;
import io.pvfhost.host.execute.ExecuteQueue;
import io.pvfhost.host.prepare.PreparePool;
import io.pvfhost.host.prepare.PrepareQueue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public API: a PVF validation host. Start it standalone (it makes its own {@link ActorSystem})
 * or inside the caller's system; every call returns a {@link CompletionStage} of a typed outcome
 * and every request is answered, at the latest when the host's own backstop passes.
 *
 * <pre>{@code
 * ValidationHost host = ValidationHost.start(ConfigFactory.load());
 * host.executePvf(Pvf.of(code), params, ExecKind.BACKING, null)
 *     .thenAccept(outcome -> ...);
 * host.stop();
 * }</pre>
 */
public final class ValidationHost implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ValidationHost.class);
    private static final AtomicLong INSTANCES = new AtomicLong();

    private final ActorSystem<?> system;
    private final boolean ownsSystem;
    private final ActorRef<Host.Command> host;
    private final HostSettings settings;
    private final CompletableFuture<Done> stopped = new CompletableFuture<>();

    private ValidationHost(ActorSystem<?> system, boolean ownsSystem, ActorRef<Host.Command> host, HostSettings settings) {
        this.system = system;
        this.ownsSystem = ownsSystem;
        this.host = host;
        this.settings = settings;
    }

    public HostSettings settings() {
        return settings;
    }

    /** Starts a host with its own actor system, configured from {@code config} (pvf.host). */
    public static ValidationHost start(Config config) {
        Config full = config.withFallback(ConfigFactory.defaultReference()).resolve();
        HostSettings settings = HostSettings.from(full);
        ArtifactTable table = openCache(settings);
        ActorSystem<Host.Command> system = ActorSystem.create(
                Behaviors.setup(ctx -> hostBehavior(ctx.getSystem(), settings, table)), "pvf-host", full);
        ValidationHost vh = new ValidationHost(system, true, system, settings);
        system.getWhenTerminated().thenRun(() -> vh.stopped.complete(Done.getInstance()));
        return vh;
    }

    /** Starts a host inside an existing actor system, as one of its system actors. */
    public static ValidationHost start(ActorSystem<?> system, Config config) {
        Config full = config.withFallback(system.settings().config()).resolve();
        HostSettings settings = HostSettings.from(full);
        ArtifactTable table = openCache(settings);
        ActorRef<Host.Command> ref = system.systemActorOf(hostBehavior(system, settings, table),
                "pvf-host-" + INSTANCES.incrementAndGet(), Props.empty());
        return new ValidationHost(system, false, ref, settings);
    }

    private static akka.actor.typed.Behavior<Host.Command> hostBehavior(ActorSystem<?> system, HostSettings settings,
            ArtifactTable table) {
        Executor blocking = system.dispatchers().lookup(DispatcherSelector.fromConfig(HostSettings.NAMESPACE + ".blocking-dispatcher"));
        ArtifactStore store;
        try {
            store = ArtifactStore.open(settings.cachePath());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Clock clock = Clock.systemUTC();
        Host.Queues queues = new Host.Queues() {
            @Override
            public ActorRef<PrepareQueue.Command> prepareQueue(ActorContext<Host.Command> ctx, ActorRef<PrepareQueue.Event> events) {
                return ctx.spawn(PrepareQueue.create(PrepareQueue.Limits.of(settings), events,
                        (qctx, poolEvents) -> qctx.spawn(PreparePool.create(settings, poolEvents, blocking), "prepare-pool")),
                        "prepare-queue");
            }

            @Override
            public ActorRef<ExecuteQueue.Command> executeQueue(ActorContext<Host.Command> ctx, ActorRef<ExecuteQueue.Event> events) {
                return ctx.spawn(ExecuteQueue.create(ExecuteQueue.Limits.of(settings), clock, events,
                        (qctx, poolEvents) -> qctx.spawn(ExecutePool.create(settings, poolEvents, blocking), "execute-pool")),
                        "execute-queue");
            }

            @Override
            public void pruner(ActorContext<Host.Command> ctx, ActorRef<Host.Command> self) {
                ctx.spawn(ArtifactsPruner.create(self, settings.pruneInterval(), ArtifactsPruner.deletingOn(blocking)), "artifacts-pruner");
            }
        };
        return Host.create(settings, clock, store, table, queues);
    }

    /**
     * Opens the cache folder, removes our stale files and takes the artifacts of this engine version
     * that remain into the table (their checksums are computed now, from the files as found).
     */
    private static ArtifactTable openCache(HostSettings settings) {
        ArtifactTable table = new ArtifactTable();
        try {
            ArtifactStore store = ArtifactStore.open(settings.cachePath());
            for (ArtifactStore.Found f : store.cleanAndScan()) {
                byte[] bytes = Files.readAllBytes(f.path());
                try {
                    ArtifactContent c = ArtifactFile.decode(bytes);
                    if (c instanceof ArtifactContent.Failed failed) {
                        if (!failed.error().isTransient()) {
                            table.startPreparing(f.id());
                            table.failed(f.id(), failed.error(), f.modified());
                        }
                    } else {
                        table.prepared(f.id(), f.path(), ArtifactFile.checksum(bytes), f.size(), f.modified());
                    }
                } catch (CorruptedArtifactException e) {
                    LOG.warn("removing unreadable artifact {}: {}", f.path().getFileName(), e.getMessage());
                    Files.deleteIfExists(f.path());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use cache folder " + settings.cachePath() + ": " + e.getMessage(), e);
        }
        return table;
    }

    /**
     * Validates a candidate: prepares the PVF if needed, then runs validate_block. {@code timeout}
     * null means the default for the kind. Cancelling the returned future (or completing it
     * yourself) tells the host the answer is no longer wanted: a job not yet started is dropped and
     * costs no worker.
     */
    public CompletableFuture<ValidationOutcome> executePvf(Pvf pvf, ValidationParams params, ExecKind kind, Duration timeout) {
        return executePvf(pvf, params, kind, timeout, null);
    }

    /**
     * As {@link #executePvf(Pvf, ValidationParams, ExecKind, Duration)}, for a backing job with its
     * relay parent (the reference's {@code PvfExecKind::Backing(relay_parent)}): once the relay
     * parent is no longer an active leaf or an ancestor of one ({@link #updateActiveLeaves}), the
     * job is dropped before it runs with a {@link ValidationOutcome.Deadline}.
     *
     * @param relayParent null, or the relay parent of a backing kind
     * @throws IllegalArgumentException for a relay parent with approval or dispute
     */
    public CompletableFuture<ValidationOutcome> executePvf(Pvf pvf, ValidationParams params, ExecKind kind, Duration timeout,
            BlockHash relayParent) {
        if (relayParent != null && !kind.isBacking()) {
            throw new IllegalArgumentException("only backing requests have a relay parent, not " + kind);
        }
        Duration t = timeout != null ? timeout : (kind.retriesAmbiguous() ? settings.approvalTimeout() : settings.backingTimeout());
        Duration backstop = settings.lenientTimeout().multipliedBy(settings.wallClockFactor())
                .plus(t.multipliedBy(2L * settings.wallClockFactor())).plus(settings.executeRetryDelay()).plus(Duration.ofSeconds(30));
        return request(r -> new Host.Execute(pvf, params, kind, timeout, relayParent, r), backstop,
                e -> new ValidationOutcome.InternalError(noAnswer(e, backstop)),
                new ValidationOutcome.Deadline("cancelled by the caller"));
    }

    /** Prepares the PVF only: is it fit to be voted for? Cancelling the future drops the request. */
    public CompletableFuture<PrecheckOutcome> precheckPvf(Pvf pvf) {
        Duration backstop = settings.precheckTimeout().multipliedBy(settings.wallClockFactor()).plus(Duration.ofSeconds(30));
        return request(r -> new Host.Precheck(pvf, r), backstop,
                e -> new PrecheckOutcome.Failed(new PrepareError(PrepareError.Kind.IO_ERR, noAnswer(e, backstop))),
                new PrecheckOutcome.Failed(new PrepareError(PrepareError.Kind.IO_ERR, "cancelled by the caller")));
    }

    /**
     * The relay chain's active leaves changed (the reference's {@code update_active_leaves(update,
     * ancestors)}): {@code ancestors} are those of the activated leaf, as far back as backing may
     * still use them. Waiting backing jobs whose relay parent left the view are dropped.
     */
    public void updateActiveLeaves(ActiveLeavesUpdate update, List<BlockHash> ancestors) {
        host.tell(new Host.UpdateActiveLeaves(update, List.copyOf(ancestors)));
    }

    /**
     * Asks the host; the answer completes the returned future. When the caller completes the
     * future first (cancel, its own timeout), the host is told to drop the request, and the ask is
     * closed so it holds nothing until its backstop.
     */
    private <T> CompletableFuture<T> request(Function<ActorRef<T>, Host.Command> make, Duration backstop,
            Function<Throwable, T> noAnswer, T closing) {
        CompletableFuture<T> result = new CompletableFuture<>();
        AtomicReference<ActorRef<T>> replyTo = new AtomicReference<>();
        AtomicBoolean fromHost = new AtomicBoolean();
        CompletionStage<T> answer = AskPattern.ask(host, (ActorRef<T> r) -> {
            replyTo.set(r);
            return make.apply(r);
        }, backstop, system.scheduler());
        answer.whenComplete((v, e) -> {
            fromHost.set(true);
            result.complete(e == null ? v : noAnswer.apply(e));
        });
        result.whenComplete((v, e) -> {
            ActorRef<T> r = replyTo.get();
            if (!fromHost.get() && r != null) {
                host.tell(new Host.Cancel(r));
                r.tell(closing);
            }
        });
        return result;
    }

    private static String noAnswer(Throwable e, Duration backstop) {
        Throwable c = e.getCause() != null ? e.getCause() : e;
        return c instanceof TimeoutException
                ? "no answer from the host within " + backstop.toSeconds() + " s"
                : "host unavailable: " + c.getMessage();
    }

    /** These PVFs will be needed soon: prepare them in the background. */
    public void headsUp(List<Pvf> pvfs) {
        host.tell(new Host.HeadsUp(List.copyOf(pvfs)));
    }

    /** Stops the host: workers are killed and their folders removed. */
    public CompletionStage<Done> stop() {
        if (ownsSystem) {
            system.terminate();
        } else {
            host.tell(Host.Stop.INSTANCE);
            system.<Void>scheduler(); // no-op; the stop is asynchronous
            stopped.complete(Done.getInstance());
        }
        return stopped;
    }

    @Override
    public void close() {
        stop().toCompletableFuture().join();
    }
}
