package io.pvfhost.host;

import io.pvfhost.worker.host.Sandbox;
import io.pvfhost.worker.host.WorkerSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * What protects the workers, decided once at start as the reference's security checks are:
 * network isolation resolved against this machine ({@code worker.network-isolation}), the report
 * of every protection ({@link Sandbox#report}), and, with {@code security.require-all}, refusal
 * to start when one is missing.
 */
public final class WorkerSecurity {
    private WorkerSecurity() {}

    /** The machine's answer, found once per JVM: it does not change while we run. */
    private static final class Probe {
        static final Optional<List<String>> NETWORK_WRAPPER = Sandbox.networkIsolation();
    }

    /** The wrapper that isolates a worker from the network on this machine, if any works. */
    public static Optional<List<String>> networkWrapper() {
        return Probe.NETWORK_WRAPPER;
    }

    /** The settings with the worker spec the workers will really be started with. */
    public static HostSettings resolve(HostSettings settings) {
        return resolve(settings, WorkerSecurity::networkWrapper);
    }

    /**
     * As {@link #resolve(HostSettings)} with the machine's answer given.
     *
     * @throws HostSettings.InvalidSettingException when isolation is {@code on} and cannot be had
     */
    static HostSettings resolve(HostSettings settings, Supplier<Optional<List<String>>> wrapper) {
        WorkerSpec spec = settings.workerSpec();
        switch (settings.networkIsolation()) {
            case OFF -> {
                return settings.withWorkerSpec(spec.withCommandPrefix(List.of()));
            }
            case AUTO -> {
                return settings.withWorkerSpec(spec.withCommandPrefix(wrapper.get().orElse(List.of())));
            }
            case ON -> {
                List<String> w = wrapper.get().orElseThrow(() -> new HostSettings.InvalidSettingException(
                        "worker.network-isolation", "on, but this machine does not let workers run without network "
                                + "(no working `unshare --net`, also not with a user namespace); use auto or off"));
                return settings.withWorkerSpec(spec.withCommandPrefix(w));
            }
            default -> throw new IllegalStateException();
        }
    }

    /** Which protections the workers get, as {@link Sandbox#report} finds them for this spec. */
    public static Map<String, Sandbox.Protection> report(HostSettings resolved) {
        return Sandbox.report(resolved.workerSpec(), resolved.prepareJvmOptions(), resolved.executeJvmOptions());
    }

    /**
     * With {@code security.require-all}, fails when a protection is not active, naming each.
     *
     * @throws HostSettings.InvalidSettingException naming the missing protections
     */
    public static void check(HostSettings resolved, Map<String, Sandbox.Protection> report) {
        if (!resolved.requireAllProtections()) {
            return;
        }
        List<Sandbox.Protection> missing = report.values().stream().filter(p -> !p.active()).toList();
        if (!missing.isEmpty()) {
            throw new HostSettings.InvalidSettingException("security.require-all", "true, but "
                    + (missing.size() == 1 ? "a worker protection is" : missing.size() + " worker protections are")
                    + " not active: " + missing.stream().map(p -> p.name() + " (" + p.detail() + ")").collect(Collectors.joining(", ")));
        }
    }
}
