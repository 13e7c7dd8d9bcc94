package io.pvfhost.host;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * The host's metrics, as the reference's ({@code polkadot/node/core/pvf/src/metrics.rs}) with its
 * {@code polkadot_} prefix left out. Micrometer names them with dots; the Prometheus registry
 * writes them with underscores and a {@code _total} suffix on counters:
 *
 * <table>
 *   <caption>metrics</caption>
 *   <tr><th>Prometheus name</th><th>what</th></tr>
 *   <tr><td>pvf_worker_spawning_total{flavor}</td><td>worker starts begun (flavor prepare or execute)</td></tr>
 *   <tr><td>pvf_worker_spawned_total{flavor}</td><td>workers started and ready</td></tr>
 *   <tr><td>pvf_worker_retired_total{flavor}</td><td>workers killed by the host or dead on duty</td></tr>
 *   <tr><td>pvf_prepare_enqueued_total</td><td>jobs into the preparation queue</td></tr>
 *   <tr><td>pvf_prepare_concluded_total</td><td>preparations concluded, however they ended</td></tr>
 *   <tr><td>pvf_execute_enqueued_total</td><td>jobs into the execution queue</td></tr>
 *   <tr><td>pvf_execute_finished_total</td><td>executions out of the queue, however they ended (dropped and cancelled ones too)</td></tr>
 *   <tr><td>pvf_preparation_time</td><td>histogram, seconds from the request to a prepare worker to its answer</td></tr>
 *   <tr><td>pvf_execution_time</td><td>histogram, seconds from the request to an execute worker to its answer</td></tr>
 *   <tr><td>pvf_execution_queued_time</td><td>histogram, seconds an execution waited for a worker</td></tr>
 *   <tr><td>pvf_preparation_peak_tracked_allocation</td><td>histogram, KiB: the peak heap the prepare worker reports</td></tr>
 *   <tr><td>pvf_exec_kind_selected_total{priority}</td><td>executions handed to a worker, by kind (dispute, approval,
 *       backing_system_paras, backing)</td></tr>
 * </table>
 *
 * Histograms have the reference's buckets (service level objectives in Micrometer's words) and a
 * {@code _max} gauge of Micrometer's. Not ported: the reference's {@code max_rss},
 * {@code max_allocated} and {@code max_resident} (jemalloc and getrusage figures of a native
 * worker), and its PoV and code size histograms (sizes the host here does not decompress).
 *
 * <p>Thread-safe: actors of several threads record into one instance.
 */
public final class HostMetrics {
    /** Worker kinds, the reference's {@code WorkerFlavor}. */
    public enum Flavor {
        PREPARE("prepare"),
        EXECUTE("execute");

        private final String label;

        Flavor(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private static final double[] PREPARATION_BUCKETS = {0.1, 0.5, 1, 2, 3, 10, 20, 30, 60, 120, 240, 360, 480};
    private static final double[] EXECUTION_BUCKETS = {0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 4, 5, 6, 8, 10, 12};
    private static final double[] QUEUED_BUCKETS = {0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 4, 5, 6, 12, 24, 48};
    /** The reference's {@code exponential_buckets(8192.0, 2.0, 10)}, in KiB: 8 MiB to 4 GiB. */
    private static final double[] MEMORY_KIB_BUCKETS = exponential(8192, 2, 10);

    private final MeterRegistry registry;
    private final Map<Flavor, Counter> spawning = new EnumMap<>(Flavor.class);
    private final Map<Flavor, Counter> spawned = new EnumMap<>(Flavor.class);
    private final Map<Flavor, Counter> retired = new EnumMap<>(Flavor.class);
    private final Map<ExecKind, Counter> kindSelected = new EnumMap<>(ExecKind.class);
    private final Counter prepareEnqueued;
    private final Counter prepareConcluded;
    private final Counter executeEnqueued;
    private final Counter executeFinished;
    private final DistributionSummary preparationTime;
    private final DistributionSummary executionTime;
    private final DistributionSummary executionQueuedTime;
    private final DistributionSummary preparationPeakMemory;

    /** Registers the host's meters in {@code registry} (an existing meter of the same name is shared). */
    public HostMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Flavor f : Flavor.values()) {
            spawning.put(f, Counter.builder("pvf.worker.spawning").description("The total number of workers began to spawn")
                    .tag("flavor", f.label()).register(registry));
            spawned.put(f, Counter.builder("pvf.worker.spawned").description("The total number of workers spawned successfully")
                    .tag("flavor", f.label()).register(registry));
            retired.put(f, Counter.builder("pvf.worker.retired")
                    .description("The total number of workers retired, either killed by the host or died on duty")
                    .tag("flavor", f.label()).register(registry));
        }
        for (ExecKind k : ExecKind.values()) {
            kindSelected.put(k, Counter.builder("pvf.exec.kind.selected").description("The total number of selected execute kinds")
                    .tag("priority", k.label()).register(registry));
        }
        prepareEnqueued = Counter.builder("pvf.prepare.enqueued")
                .description("The total number of jobs enqueued into the preparation pipeline").register(registry);
        prepareConcluded = Counter.builder("pvf.prepare.concluded")
                .description("The total number of jobs concluded in the preparation pipeline").register(registry);
        executeEnqueued = Counter.builder("pvf.execute.enqueued")
                .description("The total number of jobs enqueued into the execution pipeline").register(registry);
        executeFinished = Counter.builder("pvf.execute.finished")
                .description("The total number of jobs done in the execution pipeline").register(registry);
        preparationTime = histogram("pvf.preparation.time", "Time spent in preparing PVF artifacts in seconds",
                PREPARATION_BUCKETS);
        executionTime = histogram("pvf.execution.time", "Time spent in executing PVFs", EXECUTION_BUCKETS);
        executionQueuedTime = histogram("pvf.execution.queued.time",
                "Time spent in queue waiting for PVFs execution job to be assigned", QUEUED_BUCKETS);
        preparationPeakMemory = histogram("pvf.preparation.peak.tracked.allocation",
                "peak allocation observed for preparation (in kilobytes)", MEMORY_KIB_BUCKETS);
    }

    /** Metrics that go nowhere, for tests that do not look at them. */
    public static HostMetrics none() {
        return new HostMetrics(new CompositeMeterRegistry());
    }

    public MeterRegistry registry() {
        return registry;
    }

    private DistributionSummary histogram(String name, String description, double[] buckets) {
        return DistributionSummary.builder(name).description(description).serviceLevelObjectives(buckets).register(registry);
    }

    private static double[] exponential(double start, double factor, int count) {
        double[] b = new double[count];
        for (int i = 0; i < count; i++) {
            b[i] = start * Math.pow(factor, i);
        }
        return b;
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    /** A worker start began. */
    public void workerSpawning(Flavor f) {
        spawning.get(f).increment();
    }

    /** A worker started and said hello. */
    public void workerSpawned(Flavor f) {
        spawned.get(f).increment();
    }

    /** A worker was killed or died. */
    public void workerRetired(Flavor f) {
        retired.get(f).increment();
    }

    public void prepareEnqueued() {
        prepareEnqueued.increment();
    }

    public void prepareConcluded() {
        prepareConcluded.increment();
    }

    public void executeEnqueued() {
        executeEnqueued.increment();
    }

    public void executeFinished() {
        executeFinished.increment();
    }

    /** From the request to a prepare worker to its answer. */
    public void preparationTime(Duration d) {
        preparationTime.record(seconds(d));
    }

    /** From the request to an execute worker to its answer. */
    public void executionTime(Duration d) {
        executionTime.record(seconds(d));
    }

    /** From entering the execution queue to being handed to a worker. */
    public void executionQueuedTime(Duration d) {
        executionQueuedTime.record(seconds(Duration.ZERO.compareTo(d) > 0 ? Duration.ZERO : d));
    }

    /** The peak heap use a prepare worker reported for a preparation. */
    public void preparationPeakMemory(long bytes) {
        preparationPeakMemory.record(Math.max(0, bytes) / 1024.0);
    }

    /** An execution of this kind was handed to a worker (the execute queue chose it). */
    public void execKindSelected(ExecKind kind) {
        kindSelected.get(kind).increment();
    }
}
