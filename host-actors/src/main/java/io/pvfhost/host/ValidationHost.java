package io.pvfhost.host;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
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
import io.pvfhost.worker.host.Sandbox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public API: a PVF validation host. Start it standalone (it makes its own {@link ActorSystem})
 * or inside the caller's system; every call returns a {@link CompletableFuture} of a typed outcome
 * and every request is answered, at the latest when the host's own backstop passes or when the
 * host stops. The host completes those futures, and callbacks on them run, on its callback threads
 * ({@code pvf-host-callbacks-N}), never inside its actors (a request refused at once because the
 * host has stopped is completed on the caller's thread).
 *
 * <pre>{@code
 * ValidationHost host = ValidationHost.start(ConfigFactory.load());
 * host.executePvf(Pvf.of(code), params, ExecKind.BACKING, null)
 *     .thenAccept(outcome -> ...);
 * host.stop();
 * }</pre>
 *
 * <p>At start the host reads and checks its settings ({@link HostSettings}), decides the workers'
 * protections and logs them ({@link WorkerSecurity}; the line starts with "worker security:"),
 * decides the workers' class cache ({@link WorkerClassCache}), opens the cache folder, sets up its
 * metrics ({@link HostMetrics}: into the caller's {@link MeterRegistry} or one of its own, served at
 * {@code /metrics} when {@code pvf.host.metrics.prometheus.enabled}), and, once running, starts
 * making the class cache in the background if it is missing. {@link #stop()} completes when every
 * worker the host started is gone (and a class cache training under way), its worker folders and
 * temp files removed and its metrics endpoint closed; a standalone host's actor system has then
 * terminated, a caller's system runs on.
 */
public final class ValidationHost implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ValidationHost.class);
    private static final AtomicLong INSTANCES = new AtomicLong();
    /** How long {@link #stop()} waits for worker closes still under way before it gives up on them. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

    private final ActorSystem<?> system;
    private final boolean ownsSystem;
    private final ActorRef<Host.Command> host;
    private final Resources resources;
    private final AtomicReference<CompletableFuture<Done>> stopping = new AtomicReference<>();
    /**
     * Answers "host stopped" to each request not answered yet, run when the host's actors have
     * stopped: a request sent just as the host stopped reaches no actor, and would otherwise wait
     * for its backstop.
     */
    private final java.util.Set<Runnable> unanswered = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Where callbacks on the futures it returns run (never on the host's actors' threads: {@link HostFuture}). */
    private final java.util.concurrent.ThreadPoolExecutor callbacks = HostFuture.callbackThreads("pvf-host-callbacks");

    private ValidationHost(ActorSystem<?> system, boolean ownsSystem, ActorRef<Host.Command> host, Resources resources) {
        this.system = system;
        this.ownsSystem = ownsSystem;
        this.host = host;
        this.resources = resources;
    }

    /**
     * The settings in force: as configured, with the worker spec the workers are really started
     * with (network isolation resolved).
     */
    public HostSettings settings() {
        return resources.settings();
    }

    /** The registry the host counts into: the one given to {@code start}, or its own. */
    public MeterRegistry meterRegistry() {
        return resources.registry();
    }

    /** The workers' class cache: which file, and whether it is in use, being made, or why there is none. */
    public WorkerClassCache workerClassCache() {
        return resources.classCache();
    }

    /** Where the Prometheus endpoint serves, when {@code pvf.host.metrics.prometheus.enabled}. */
    public Optional<URI> metricsEndpoint() {
        return Optional.ofNullable(resources.endpoint()).map(MetricsEndpoint::uri);
    }

    /** Starts a host with its own actor system, configured from {@code config} (pvf.host). */
    public static ValidationHost start(Config config) {
        return start(config, null);
    }

    /**
     * Starts a host with its own actor system, counting its metrics into {@code registry} (null:
     * a registry of its own, see {@link #meterRegistry()}).
     *
     * @throws HostSettings.InvalidSettingException for a bad setting, naming its key (also when a
     *     required protection is missing, or the metrics endpoint cannot listen where configured)
     * @throws UncheckedIOException when the cache folder cannot be used
     */
    public static ValidationHost start(Config config, MeterRegistry registry) {
        Config full = ownSystemConfig(config);
        Resources rt = Resources.open(full, registry);
        try {
            ActorSystem<Host.Command> system = ActorSystem.create(
                    Behaviors.setup(ctx -> hostBehavior(ctx.getSystem(), rt)), "pvf-host", full);
            rt.classCache().start();
            return new ValidationHost(system, true, system, rt);
        } catch (RuntimeException e) {
            rt.closeMetrics();
            throw e;
        }
    }

    /** Akka's key for how often its scheduler's thread wakes up. */
    static final String SCHEDULER_TICK = "akka.scheduler.tick-duration";
    /**
     * The scheduler tick of the host's own actor system, unless the configuration sets one. Akka's
     * scheduler wakes its thread every tick whether or not a timer is due; at Akka's 10 ms an idle
     * host used 15.5 ms of CPU a second here (two measurements of 20 s), at 33 ms 6.5-7 ms. The
     * host's timers are the requests' backstops and the retry and spawn delays, seconds long, so
     * firing up to a tick late changes nothing; no message waits for a tick.
     */
    static final String OWN_SYSTEM_TICK = "33ms";

    /**
     * The configuration of the host's own actor system: {@code config} over the references, with
     * {@link #OWN_SYSTEM_TICK} unless {@code config} sets {@link #SCHEDULER_TICK} itself (anywhere
     * but a reference.conf). A host started in the caller's actor system leaves that system's settings alone.
     */
    static Config ownSystemConfig(Config config) {
        Config full = config.withFallback(ConfigFactory.defaultReference()).resolve();
        String setIn = full.hasPath(SCHEDULER_TICK) ? full.getValue(SCHEDULER_TICK).origin().resource() : "reference.conf";
        if (setIn == null || !setIn.equals("reference.conf")) {
            return full; // set by the caller: a map, a system property, an application.conf
        }
        return ConfigFactory.parseMap(Map.of(SCHEDULER_TICK, OWN_SYSTEM_TICK), "pvf-host's own actor system")
                .withFallback(full);
    }

    /** Starts a host inside an existing actor system, as one of its system actors. */
    public static ValidationHost start(ActorSystem<?> system, Config config) {
        return start(system, config, null);
    }

    /**
     * Starts a host inside an existing actor system, as one of its system actors, counting its
     * metrics into {@code registry} (null: a registry of its own). The blocking dispatcher
     * ({@code pvf.host.blocking-dispatcher}) is the system's: configure it in the system's
     * configuration. {@link #stop()} stops the host and its workers; the system runs on.
     *
     * @throws HostSettings.InvalidSettingException as {@link #start(Config, MeterRegistry)}
     * @throws UncheckedIOException when the cache folder cannot be used
     */
    public static ValidationHost start(ActorSystem<?> system, Config config, MeterRegistry registry) {
        Config full = config.withFallback(system.settings().config()).resolve();
        Resources rt = Resources.open(full, registry);
        try {
            ActorRef<Host.Command> ref = system.systemActorOf(hostBehavior(system, rt),
                    "pvf-host-" + INSTANCES.incrementAndGet(), Props.empty());
            rt.classCache().start();
            return new ValidationHost(system, false, ref, rt);
        } catch (RuntimeException e) {
            rt.closeMetrics();
            throw e;
        }
    }

    /**
     * What one host holds besides its actors: its settings and artifact table, its workers' class
     * cache, its metrics and their endpoint, the closes of its workers still under way, and a
     * future the host actor completes when it and everything under it have stopped.
     */
    private record Resources(HostSettings settings, ArtifactStore store, ArtifactTable table, WorkerClassCache classCache,
            HostMetrics metrics, MeterRegistry registry, MeterRegistry own, MetricsEndpoint endpoint,
            WorkerReaper reaper, CompletableFuture<Done> hostStopped) {

        static Resources open(Config full, MeterRegistry given) {
            HostSettings settings = WorkerSecurity.resolve(HostSettings.from(full));
            Map<String, Sandbox.Protection> report = WorkerSecurity.report(settings);
            LOG.info("{} [worker.network-isolation = {}]", Sandbox.describe(report), settings.networkIsolation());
            WorkerSecurity.check(settings, report);
            List<String> missing = report.values().stream().filter(p -> !p.active()).map(Sandbox.Protection::name).toList();
            if (!missing.isEmpty()) {
                LOG.warn("worker protections not active: {}; running validation code of a malicious PVF is riskier on this "
                        + "machine (set {}.security.require-all = true to refuse to start without them)",
                        String.join(", ", missing), HostSettings.NAMESPACE);
            }
            WorkerClassCache classCache = WorkerClassCache.decide(settings);
            ArtifactStore store;
            ArtifactTable table;
            try {
                store = ArtifactStore.open(settings.cachePath());
                table = openCache(store, classCache.keepInCacheFolder());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot use cache folder " + settings.cachePath() + ": " + e.getMessage(), e);
            }

            PrometheusMeterRegistry prometheus = settings.prometheusEnabled() ? new PrometheusMeterRegistry(PrometheusConfig.DEFAULT) : null;
            MeterRegistry registry;
            MeterRegistry own; // closed with the host; the caller's registry never is
            if (given != null && prometheus != null) {
                registry = new CompositeMeterRegistry().add(given).add(prometheus);
                own = prometheus;
            } else if (given != null) {
                registry = given;
                own = null;
            } else {
                registry = prometheus != null ? prometheus : new SimpleMeterRegistry();
                own = registry;
            }
            MetricsEndpoint endpoint = null;
            if (prometheus != null) {
                try {
                    endpoint = MetricsEndpoint.start(prometheus, settings.prometheusHost(), settings.prometheusPort());
                } catch (IOException | RuntimeException e) {
                    own.close();
                    throw new HostSettings.InvalidSettingException("metrics.prometheus.port", "cannot serve metrics on "
                            + settings.prometheusHost() + ":" + settings.prometheusPort() + ": " + e.getMessage());
                }
                LOG.info("metrics served at {}", endpoint.uri());
            }
            return new Resources(settings, store, table, classCache, new HostMetrics(registry), registry, own, endpoint,
                    new WorkerReaper(), new CompletableFuture<>());
        }

        void closeMetrics() {
            if (endpoint != null) {
                endpoint.close();
            }
            if (own != null) {
                own.close();
            }
        }
    }

    private static Behavior<Host.Command> hostBehavior(ActorSystem<?> system, Resources rt) {
        HostSettings settings = rt.settings();
        Executor blocking = system.dispatchers().lookup(DispatcherSelector.fromConfig(HostSettings.NAMESPACE + ".blocking-dispatcher"));
        Clock clock = Clock.systemUTC();
        Host.Queues queues = new Host.Queues() {
            @Override
            public ActorRef<PrepareQueue.Command> prepareQueue(ActorContext<Host.Command> ctx, ActorRef<PrepareQueue.Event> events) {
                return ctx.spawn(PrepareQueue.create(PrepareQueue.Limits.of(settings), rt.metrics(), events,
                        (qctx, poolEvents) -> qctx.spawn(PreparePool.create(settings, rt.classCache()::spec, poolEvents, blocking, rt.metrics(),
                                rt.reaper()),
                                "prepare-pool")),
                        "prepare-queue");
            }

            @Override
            public ActorRef<ExecuteQueue.Command> executeQueue(ActorContext<Host.Command> ctx, ActorRef<ExecuteQueue.Event> events) {
                return ctx.spawn(ExecuteQueue.create(ExecuteQueue.Limits.of(settings), clock, rt.metrics(), events,
                        (qctx, poolEvents) -> qctx.spawn(ExecutePool.create(settings, rt.classCache()::spec, poolEvents, blocking, rt.metrics(),
                                rt.reaper()),
                                "execute-pool")),
                        "execute-queue");
            }

            @Override
            public void pruner(ActorContext<Host.Command> ctx, ActorRef<Host.Command> self) {
                ctx.spawn(ArtifactsPruner.create(self, settings.pruneInterval(), ArtifactsPruner.deletingOn(blocking)), "artifacts-pruner");
            }
        };
        return Host.create(settings, clock, rt.store(), rt.table(), queues, () -> rt.hostStopped().complete(Done.getInstance()));
    }

    /**
     * Removes our stale files from the cache folder (keeping the class cache in use, if it is kept
     * there) and takes the artifacts of this engine version that remain into the table (their
     * checksums are computed now, from the files as found: from a compiled artifact's head only,
     * {@link ArtifactFile#scan}). A file that is no artifact is removed; one that cannot be read is
     * left out of the table (its code is prepared again when needed, and the new file replaces it).
     */
    private static ArtifactTable openCache(ArtifactStore store, String classCacheToKeep) throws IOException {
        ArtifactTable table = new ArtifactTable();
        for (ArtifactStore.Found f : store.cleanAndScan(classCacheToKeep)) {
            try {
                ArtifactFile.Scanned found = ArtifactFile.scan(f.path());
                if (found.failed() != null) {
                    if (io.pvfhost.worker.prepare.PrepareWorker.isOfTheCodeLimits(found.failed().error())) {
                        // an earlier build stored errors of the code limits, which come with requests
                        LOG.info("removing stored error of the code limits {}: {}", f.path().getFileName(),
                                found.failed().error().detail());
                        Files.deleteIfExists(f.path());
                    } else if (!found.failed().error().isTransient()) {
                        table.startPreparing(f.id());
                        table.failed(f.id(), found.failed().error(), f.modified());
                    }
                } else {
                    table.prepared(f.id(), f.path(), found.checksum(), f.size(), f.modified());
                }
            } catch (CorruptedArtifactException e) {
                LOG.warn("removing unreadable artifact {}: {}", f.path().getFileName(), e.getMessage());
                Files.deleteIfExists(f.path());
            } catch (java.nio.file.NoSuchFileException e) {
                // gone since the folder was listed
            } catch (IOException e) {
                LOG.warn("leaving out artifact {}, which cannot be read (it stays until its code is prepared again): {}",
                        f.path().getFileName(), e.toString());
            }
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
        Duration backstop = executeBackstop(resources.settings(), pvf, kind, timeout);
        return request(r -> new Host.Execute(pvf, params, kind, timeout, relayParent, r), backstop,
                e -> new ValidationOutcome.InternalError(noAnswer(e, backstop)),
                new ValidationOutcome.Deadline("cancelled by the caller"));
    }

    /** Prepares the PVF only: is it fit to be voted for? Cancelling the future drops the request. */
    public CompletableFuture<PrecheckOutcome> precheckPvf(Pvf pvf) {
        Duration backstop = precheckBackstop(resources.settings(), pvf);
        return request(r -> new Host.Precheck(pvf, r), backstop,
                e -> new PrecheckOutcome.Failed(new PrepareError(PrepareError.Kind.IO_ERR, noAnswer(e, backstop))),
                new PrecheckOutcome.Failed(new PrepareError(PrepareError.Kind.IO_ERR, "cancelled by the caller")));
    }

    /**
     * Time for waiting in the queues behind other work, on top of a request's own limits in a
     * backstop. The host answers every request itself; a backstop only keeps a caller from waiting
     * for ever should an answer be lost, so it errs long rather than cut off a real answer.
     */
    static final Duration QUEUE_ALLOWANCE = Duration.ofMinutes(15);

    /**
     * Longest an execution may take: its artifact prepared twice (first, then again after a
     * corrupted artifact) with the PVF's lenient timeout, up to five runs (the first and one retry
     * per class of failure) within the wall-clock factor of its own timeout, the retry delays, and
     * {@link #QUEUE_ALLOWANCE}.
     */
    static Duration executeBackstop(HostSettings settings, Pvf pvf, ExecKind kind, Duration timeout) {
        long factor = settings.wallClockFactor();
        return Host.prepTimeout(settings, pvf, false).multipliedBy(2 * factor)
                .plus(Host.execTimeout(settings, pvf, kind, timeout).multipliedBy(5 * factor))
                .plus(settings.executeRetryDelay().multipliedBy(4)).plus(QUEUE_ALLOWANCE);
    }

    /**
     * Longest a precheck may take: a preparation with the longer of the PVF's precheck and lenient
     * timeouts (a precheck joins a preparation under way, which may have the lenient one), and
     * {@link #QUEUE_ALLOWANCE}.
     */
    static Duration precheckBackstop(HostSettings settings, Pvf pvf) {
        Duration precheck = Host.prepTimeout(settings, pvf, true);
        Duration lenient = Host.prepTimeout(settings, pvf, false);
        return (precheck.compareTo(lenient) > 0 ? precheck : lenient).multipliedBy(settings.wallClockFactor())
                .plus(QUEUE_ALLOWANCE);
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
        if (stopping.get() != null) {
            // stopped or stopping: answered at once rather than at the backstop
            return HostFuture.completed(callbacks, noAnswer.apply(new IllegalStateException("host stopped")));
        }
        HostFuture<T> result = new HostFuture<>(callbacks);
        AtomicReference<ActorRef<T>> replyTo = new AtomicReference<>();
        AtomicBoolean fromHost = new AtomicBoolean();
        CompletionStage<T> answer;
        try {
            answer = AskPattern.ask(host, (ActorRef<T> r) -> {
                replyTo.set(r);
                return make.apply(r);
            }, backstop, system.scheduler());
        } catch (IllegalStateException e) {
            // the actor system is shutting down (its scheduler takes no more timers)
            return HostFuture.completed(callbacks, noAnswer.apply(e));
        }
        // on the answering thread: the caller's callbacks on result run on the callback threads anyway
        // completed on a callback thread, not on the answering one (inside the host's actors): a
        // future that is no HostFuture may wait on it (allOf, thenCompose from another future) and
        // would run its plain callbacks on whatever thread completes it
        answer.whenCompleteAsync((v, e) -> {
            fromHost.set(true);
            result.complete(e == null ? v : noAnswer.apply(e));
        }, callbacks);
        Runnable stopped = () -> result.complete(noAnswer.apply(new IllegalStateException("host stopped")));
        unanswered.add(stopped);
        if (stopping.get() != null && resources.hostStopped().isDone()) {
            stopped.run(); // the host stopped while this was sent: no actor will answer it
        }
        result.whenCompleteInline((v, e) -> {
            unanswered.remove(stopped);
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

    /**
     * Stops the host. The returned stage completes when the host's actors have stopped, every
     * worker process it started is gone (also one that was still starting, and a class cache
     * training under way), worker folders and the temp files of cut-short preparations are removed
     * and the metrics endpoint is closed; a standalone host's actor system has terminated by then. Requests still pending are answered
     * with an internal error ("host stopped"). Calling it again returns the same stage.
     */
    public CompletionStage<Done> stop() {
        CompletableFuture<Done> done = new CompletableFuture<>();
        if (!stopping.compareAndSet(null, done)) {
            return stopping.get();
        }
        CompletableFuture<Void> training = resources.classCache().stop();
        CompletionStage<?> actorsGone;
        if (ownsSystem) {
            system.terminate();
            actorsGone = system.getWhenTerminated();
        } else {
            host.tell(Host.Stop.INSTANCE);
            actorsGone = resources.hostStopped();
        }
        actorsGone.toCompletableFuture()
                // on a callback thread: the requests answered here may have callbacks (HostFuture)
                .whenCompleteAsync((x, e) -> List.copyOf(unanswered).forEach(Runnable::run), callbacks)
                .thenCompose(x -> resources.reaper().drained())
                .thenCompose(x -> training)
                .orTimeout(CLOSE_WAIT.toSeconds(), TimeUnit.SECONDS)
                .whenComplete((v, e) -> {
                    if (e != null) {
                        LOG.warn("stopping the host: {}", e.toString());
                    }
                    resources.closeMetrics();
                    // idle callback threads end at once from now on; a late callback still gets one
                    callbacks.setKeepAliveTime(1, TimeUnit.MILLISECONDS);
                    done.complete(Done.getInstance());
                });
        return done;
    }

    /** {@link #stop()}, waiting for it. */
    @Override
    public void close() {
        stop().toCompletableFuture().join();
    }
}
