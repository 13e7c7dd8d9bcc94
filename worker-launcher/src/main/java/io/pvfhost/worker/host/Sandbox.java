package io.pvfhost.worker.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Which protections the workers get on this machine, found out by trying them, as the reference's
 * security checks do at start. Network isolation puts each worker in a new network namespace
 * ({@code unshare --net}, or with a user namespace when not root): the worker still reaches the
 * host through its Unix socket, which lives in the file system, but no network at all.
 */
public final class Sandbox {
    private static final List<List<String>> NETWORK_WRAPPERS = List.of(
            List.of("unshare", "--net", "--"),
            List.of("unshare", "--user", "--map-root-user", "--net", "--"));

    private Sandbox() {}

    /** One protection and whether it is active, with a word on how or why not. */
    public record Protection(String name, boolean active, String detail) {}

    /** The wrapper that isolates a worker from the network here, if any works. */
    public static Optional<List<String>> networkIsolation() {
        for (List<String> w : NETWORK_WRAPPERS) {
            List<String> probe = new ArrayList<>(w);
            probe.add("true");
            try {
                Process p = new ProcessBuilder(probe).redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return Optional.of(w);
                }
                p.destroyForcibly();
            } catch (IOException e) {
                return Optional.empty(); // no unshare on this machine
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** The report of what protects the workers, given how they will be started. */
    public static Map<String, Protection> report(WorkerSpec spec) {
        return report(spec, List.of(), List.of());
    }

    /**
     * As {@link #report(WorkerSpec)}, with options each kind gets after the spec's: a heap cap and
     * attach turned off count when every kind's workers start so.
     */
    public static Map<String, Protection> report(WorkerSpec spec, List<String> prepareOptions, List<String> executeOptions) {
        Map<String, Protection> r = new LinkedHashMap<>();
        boolean isolated = spec.commandPrefix().contains("--net");
        r.put("network-isolation", new Protection("network-isolation", isolated,
                isolated ? String.join(" ", spec.commandPrefix()) : "workers share the host's network"));
        r.put("cleared-environment", new Protection("cleared-environment", true, "workers start with an empty environment"));
        r.put("owner-only-worker-folders", new Protection("owner-only-worker-folders", true, "rwx------"));
        List<String> prepare = WorkerKind.PREPARE.configured(spec.jvmOptions(), prepareOptions, executeOptions);
        List<String> execute = WorkerKind.EXECUTE.configured(spec.jvmOptions(), prepareOptions, executeOptions);
        boolean heapCap = capsHeap(prepare) && capsHeap(execute);
        r.put("heap-cap", new Protection("heap-cap", heapCap, heapCap ? "set in worker jvm-options" : "no -Xmx in worker jvm-options"));
        boolean noAttach = attachOff(prepare) && attachOff(execute);
        r.put("no-attach", new Protection("no-attach", noAttach, noAttach ? "-XX:+DisableAttachMechanism" : "attach allowed"));
        r.put("artifact-checksums", new Protection("artifact-checksums", true, "verified before loading"));
        r.put("bytecode-guard", new Protection("bytecode-guard", true, "artifact classes may reference only the wasm runtime"));
        r.put("class-verification", new Protection("class-verification", true, VerifierOptions.verifies(WorkerKind.EXECUTE.jvmOptions(execute), true)
                ? "by the JVM at preparation, and again in execute workers"
                : "by the JVM at preparation; execute workers define the same bytes unverified (-XX:-BytecodeVerificationRemote)"));
        r.put("java", new Protection("java", Files.isExecutable(spec.javaExecutable()), spec.javaExecutable().toString()));
        return r;
    }

    /** The last of the options that set it decides, as the JVM reads them. */
    private static boolean attachOff(List<String> options) {
        boolean off = false;
        for (String o : options) {
            if (o.equals("-XX:+DisableAttachMechanism")) {
                off = true;
            } else if (o.equals("-XX:-DisableAttachMechanism")) {
                off = false;
            }
        }
        return off;
    }

    private static boolean capsHeap(List<String> options) {
        return options.stream().anyMatch(o -> o.startsWith("-Xmx") || o.startsWith("-XX:MaxRAM"));
    }

    /** The report as one log line. */
    public static String describe(Map<String, Protection> report) {
        StringBuilder b = new StringBuilder("worker security:");
        report.values().forEach(p -> b.append(' ').append(p.name()).append('=').append(p.active() ? "on" : "OFF")
                .append(" (").append(p.detail()).append(')'));
        return b.toString();
    }

    /** Checks the given path is the kind of place a worker may write to (owner-only folder). */
    static boolean ownerOnly(Path dir) throws IOException {
        return Files.getPosixFilePermissions(dir).stream().noneMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"));
    }
}
