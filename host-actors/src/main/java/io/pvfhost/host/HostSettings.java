package io.pvfhost.host;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueType;
import io.pvfhost.worker.execute.ExecuteWorker;
import io.pvfhost.worker.host.WorkerKind;
import io.pvfhost.worker.host.WorkerSpec;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code pvf.host} settings, read once and checked at start. A missing or bad value fails
 * with the key's name and what is allowed. Defaults live only in reference.conf.
 *
 * <p>{@link #workerSpec()} is the spec as configured; {@link ValidationHost#start} resolves
 * {@link #networkIsolation()} against this machine and the host's {@link ValidationHost#settings()}
 * then carry the spec the workers are really started with (with the {@code unshare} wrapper when
 * isolation is in force).
 */
public record HostSettings(
        Path cachePath,
        int prepareWorkersSoftMax,
        int prepareWorkersHardMax,
        Duration precheckTimeout,
        Duration lenientTimeout,
        long maxCodeSize,
        long codeBombLimit,
        Duration prepareRetryCooldown,
        int prepareMaxRetries,
        Optional<Duration> prepareWorkerIdleTimeout,
        int executeWorkersMax,
        int executeKeptArtifacts,
        Duration backingTimeout,
        Duration approvalTimeout,
        long povBombLimit,
        Duration executeRetryDelay,
        WorkerSpec workerSpec,
        List<String> prepareJvmOptions,
        List<String> executeJvmOptions,
        Duration spawnTimeout,
        int wallClockFactor,
        Duration pruneInterval,
        Duration artifactTtl,
        int maxPendingRequests,
        Duration executeMaxKeepWaiting,
        Duration spawnRetryDelay,
        int maxSpawnFailures,
        long cacheSizeLimit,
        NetworkIsolation networkIsolation,
        ClassCacheMode classCache,
        Path classCachePath,
        Duration classCacheTrainingTimeout,
        boolean requireAllProtections,
        boolean prometheusEnabled,
        String prometheusHost,
        int prometheusPort) {

    public static final String NAMESPACE = "pvf.host";
    /** worker.java-home: a JDK of version 25 or later when one is installed, else the host's own. */
    public static final String AUTO_JAVA_HOME = "auto";

    /** {@code worker.network-isolation}: whether workers run without network access. */
    public enum NetworkIsolation {
        /** Isolate when this machine allows it; otherwise run without it and say so at start. */
        AUTO,
        /** Isolate, or refuse to start. */
        ON,
        /** Never isolate. */
        OFF;

        static NetworkIsolation parse(String key, String value) {
            for (NetworkIsolation n : values()) {
                if (n.name().equalsIgnoreCase(value.trim())) {
                    return n;
                }
            }
            throw new InvalidSettingException(key, "\"" + value + "\" is not allowed; allowed auto, on or off");
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** {@code worker.class-cache}: whether the host makes and uses a class cache for its worker JVMs. */
    public enum ClassCacheMode {
        /** An AOT cache (JDK 25+) or AppCDS archive (JDK 17-24): made in the background when missing, then used. */
        AUTO,
        /** Never. */
        OFF;

        static ClassCacheMode parse(String key, String value) {
            for (ClassCacheMode m : values()) {
                if (m.name().equalsIgnoreCase(value.trim())) {
                    return m;
                }
            }
            throw new InvalidSettingException(key, "\"" + value + "\" is not allowed; allowed auto or off");
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The same settings with the worker spec the host really uses (see the class comment). */
    public HostSettings withWorkerSpec(WorkerSpec spec) {
        return new HostSettings(cachePath, prepareWorkersSoftMax, prepareWorkersHardMax, precheckTimeout, lenientTimeout,
                maxCodeSize, codeBombLimit, prepareRetryCooldown, prepareMaxRetries, prepareWorkerIdleTimeout, executeWorkersMax,
                executeKeptArtifacts, backingTimeout, approvalTimeout, povBombLimit, executeRetryDelay, spec, prepareJvmOptions, executeJvmOptions,
                spawnTimeout, wallClockFactor, pruneInterval,
                artifactTtl, maxPendingRequests, executeMaxKeepWaiting, spawnRetryDelay, maxSpawnFailures, cacheSizeLimit,
                networkIsolation, classCache, classCachePath, classCacheTrainingTimeout, requireAllProtections, prometheusEnabled,
                prometheusHost, prometheusPort);
    }

    /** Thrown when a setting is missing or out of range; the message names the key. */
    public static final class InvalidSettingException extends IllegalArgumentException {
        public InvalidSettingException(String key, String problem) {
            super(NAMESPACE + "." + key + ": " + problem);
        }
    }

    public static HostSettings from(Config root) {
        Config c;
        try {
            c = root.getConfig(NAMESPACE);
        } catch (ConfigException e) {
            throw new InvalidSettingException("", "missing configuration section (" + e.getMessage() + ")");
        }
        Reader r = new Reader(c);
        int soft = r.intIn("prepare.workers-soft-max", 1, 64);
        int hard = r.intIn("prepare.workers-hard-max", 1, 64);
        if (hard < soft) {
            throw new InvalidSettingException("prepare.workers-hard-max", "must be at least workers-soft-max (" + soft + ")");
        }
        long maxCode = r.bytesIn("prepare.max-code-size", 1024, 1L << 30);
        long bomb = r.bytesIn("prepare.code-bomb-limit", 1024, 1L << 31);
        String javaHome = r.string("worker.java-home");
        String classPath = r.string("worker.class-path");
        List<String> jvmOptions = jvmOptions(r, "worker.jvm-options");
        List<String> prepareJvmOptions = jvmOptions(r, "worker.prepare-jvm-options");
        List<String> executeJvmOptions = jvmOptions(r, "worker.execute-jvm-options");
        oneCollector(jvmOptions, prepareJvmOptions, "worker.prepare-jvm-options");
        oneCollector(jvmOptions, executeJvmOptions, "worker.execute-jvm-options");
        String verifierOff = io.pvfhost.worker.host.VerifierOptions.turningOffInPrepareWorkers(
                WorkerKind.PREPARE.configured(jvmOptions, prepareJvmOptions, executeJvmOptions));
        if (verifierOff != null) {
            throw new InvalidSettingException(prepareJvmOptions.contains(verifierOff) ? "worker.prepare-jvm-options"
                    : "worker.jvm-options", "\"" + verifierOff + "\" turns off the JVM's verifier in"
                    + " prepare workers, which verify the classes that execute workers then define unverified");
        }
        String mainClass = r.string("worker.main-class");
        if (!JAVA_CLASS_NAME.matcher(mainClass).matches()) {
            throw new InvalidSettingException("worker.main-class", "\"" + mainClass + "\" is not a Java class name");
        }
        boolean auto = javaHome.equals(AUTO_JAVA_HOME);
        Path java = auto
                ? io.pvfhost.worker.host.JdkFinder.findPreferred().map(io.pvfhost.worker.host.JdkFinder.Jdk::java)
                        .orElse(WorkerSpec.currentJava())
                : javaHome.isBlank() ? WorkerSpec.currentJava() : WorkerSpec.javaIn(Path.of(javaHome));
        WorkerSpec spec = new WorkerSpec(
                java,
                jvmOptions,
                classPath.isBlank() ? defaultWorkerClassPath(mainClass) : classPath,
                mainClass);
        if (!auto && !javaHome.isBlank() && !spec.javaExecutable().toFile().canExecute()) {
            throw new InvalidSettingException("worker.java-home", "no executable bin/java under " + javaHome);
        }
        String cache = r.string("cache-path");
        if (cache.isBlank()) {
            throw new InvalidSettingException("cache-path", "must not be empty");
        }
        Path cachePath = Path.of(cache).toAbsolutePath().normalize();
        String classCache = r.string("worker.class-cache-path");
        Path classCachePath = classCache.isBlank() ? cachePath : Path.of(classCache).toAbsolutePath().normalize();
        if (Files.exists(classCachePath) && !Files.isDirectory(classCachePath)) {
            throw new InvalidSettingException("worker.class-cache-path", classCachePath + " is not a folder");
        }
        return new HostSettings(
                cachePath,
                soft,
                hard,
                r.durationIn("prepare.precheck-timeout", Duration.ofMillis(10), Duration.ofHours(1)),
                r.durationIn("prepare.lenient-timeout", Duration.ofMillis(10), Duration.ofHours(2)),
                maxCode,
                bomb,
                r.durationIn("prepare.retry-cooldown", Duration.ZERO, Duration.ofDays(7)),
                r.intIn("prepare.max-retries", 0, 1000),
                r.durationOrOff("prepare.worker-idle-timeout", Duration.ofSeconds(1), Duration.ofDays(7)),
                r.intIn("execute.workers-max", 1, 256),
                r.intIn("execute.worker-kept-artifacts", 1, ExecuteWorker.MAX_KEPT_ARTIFACTS),
                r.durationIn("execute.backing-timeout", Duration.ofMillis(10), Duration.ofHours(1)),
                r.durationIn("execute.approval-timeout", Duration.ofMillis(10), Duration.ofHours(1)),
                r.bytesIn("execute.pov-bomb-limit", 1024, 1L << 31),
                r.durationIn("execute.retry-delay", Duration.ZERO, Duration.ofMinutes(10)),
                spec,
                prepareJvmOptions,
                executeJvmOptions,
                r.durationIn("worker.spawn-timeout", Duration.ofMillis(100), Duration.ofMinutes(10)),
                r.intIn("worker.wall-clock-factor", 1, 100),
                r.durationIn("pruning.interval", Duration.ofMillis(10), Duration.ofDays(365)),
                r.durationIn("pruning.ttl", Duration.ZERO, Duration.ofDays(3650)),
                r.intIn("max-pending-requests", 1, 10_000_000),
                r.durationIn("execute.max-keep-waiting", Duration.ZERO, Duration.ofHours(1)),
                r.durationIn("worker.spawn-retry-delay", Duration.ZERO, Duration.ofMinutes(10)),
                r.intIn("worker.max-spawn-failures", 1, 1000),
                r.bytesIn("pruning.cache-size-limit", 0, Long.MAX_VALUE),
                NetworkIsolation.parse("worker.network-isolation", r.string("worker.network-isolation")),
                ClassCacheMode.parse("worker.class-cache", r.string("worker.class-cache")),
                classCachePath,
                r.durationIn("worker.class-cache-training-timeout", Duration.ofSeconds(1), Duration.ofHours(1)),
                r.bool("security.require-all"),
                r.bool("metrics.prometheus.enabled"),
                listenHost(r.string("metrics.prometheus.host")),
                r.intIn("metrics.prometheus.port", 0, 65535));
    }

    /**
     * A list of JVM options: each starts with - (anything else java would take for the main class),
     * and none reads options from a file, which the checks here could not see.
     */
    private static List<String> jvmOptions(Reader r, String key) {
        List<String> options = r.stringList(key);
        for (String o : options) {
            if (!o.startsWith("-")) {
                throw new InvalidSettingException(key, "\"" + o + "\" is not a JVM option (options start with -)");
            }
            if (o.startsWith("-XX:VMOptionsFile") || o.startsWith("-XX:Flags") || o.equals("-XX:+ReadVMOptionsFile")) {
                throw new InvalidSettingException(key, "\"" + o + "\" reads options from a file; list them here instead");
            }
        }
        return List.copyOf(options);
    }

    private static final Pattern COLLECTOR = Pattern.compile("-XX:\\+Use(Serial|Parallel|ParallelOld|G1|Z|Shenandoah|Epsilon|ConcMarkSweep)GC");

    /** A JVM refuses to start with two collectors: one kind's own may not pick another than the shared options. */
    private static void oneCollector(List<String> shared, List<String> own, String key) {
        var sharedGc = shared.stream().filter(o -> COLLECTOR.matcher(o).matches()).toList();
        for (String o : own) {
            if (COLLECTOR.matcher(o).matches() && !sharedGc.isEmpty() && !sharedGc.contains(o)) {
                throw new InvalidSettingException(key, "\"" + o + "\" picks another collector than worker.jvm-options ("
                        + String.join(" ", sharedGc) + "), and a JVM starts with one only: set it in one place");
            }
        }
    }

    /** The options one kind of worker gets from the configuration: the shared ones, then its own. */
    public List<String> jvmOptionsOf(WorkerKind kind) {
        return kind.configured(workerSpec.jvmOptions(), prepareJvmOptions, executeJvmOptions);
    }

    /** The options a worker of this kind is started with after the required ones. */
    public List<String> workerOptionsOf(WorkerKind kind) {
        return kind == WorkerKind.EXECUTE ? List.of("--kept-artifacts", Integer.toString(executeKeptArtifacts)) : List.of();
    }

    /**
     * How to start a worker of this kind: {@code spec} (the configured one, or it with the class
     * cache) with the kind's own options after its options, so that they win.
     */
    public WorkerSpec specFor(WorkerKind kind, WorkerSpec spec) {
        List<String> all = kind.configured(spec.jvmOptions(), prepareJvmOptions, executeJvmOptions);
        return all.equals(spec.jvmOptions()) ? spec
                : new WorkerSpec(spec.javaExecutable(), all, spec.classPath(), spec.mainClass(), spec.commandPrefix());
    }

    private static final Pattern JAVA_CLASS_NAME =
            Pattern.compile("\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*(\\.\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*)*");
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");
    private static final Pattern DIGITS_AND_DOTS = Pattern.compile("[0-9.]+");

    /**
     * An address to listen on: an IPv4 or IPv6 literal or a host name. Checked for form only, so
     * that reading settings never waits on a name lookup; a name is looked up when the endpoint is
     * opened, and only if it is enabled.
     */
    private static String listenHost(String host) {
        String key = "metrics.prometheus.host";
        String problem = "\"" + host + "\" is not an address to listen on; allowed an IP address such as 127.0.0.1 or ::1, or a host name";
        if (host.contains(":")) {
            String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            try {
                InetAddress.getByName("[" + literal + "]"); // in brackets, an IPv6 literal: parsed, never looked up
                return literal;
            } catch (UnknownHostException e) {
                throw new InvalidSettingException(key, problem);
            }
        }
        if (DIGITS_AND_DOTS.matcher(host).matches()) {
            String[] parts = host.split("\\.", -1);
            if (parts.length != 4) {
                throw new InvalidSettingException(key, problem);
            }
            for (String p : parts) {
                if (p.isEmpty() || p.length() > 3 || Integer.parseInt(p) > 255) {
                    throw new InvalidSettingException(key, problem);
                }
            }
            return host;
        }
        if (host.length() > 253 || !HOST_NAME.matcher(host).matches()) {
            throw new InvalidSettingException(key, problem);
        }
        return host;
    }

    /** Reads keys with the key's name in every error. */
    private record Reader(Config c) {
        String string(String key) {
            try {
                return c.getString(key);
            } catch (ConfigException e) {
                throw new InvalidSettingException(key, "expected a string (" + e.getMessage() + ")");
            }
        }

        boolean bool(String key) {
            try {
                return c.getBoolean(key);
            } catch (ConfigException e) {
                throw new InvalidSettingException(key, "expected true or false (also on/off, yes/no)");
            }
        }

        List<String> stringList(String key) {
            try {
                return c.getStringList(key);
            } catch (ConfigException e) {
                throw new InvalidSettingException(key, "expected a list of strings (" + e.getMessage() + ")");
            }
        }

        int intIn(String key, int min, int max) {
            int v;
            try {
                v = c.getInt(key);
            } catch (ConfigException e) {
                throw new InvalidSettingException(key, "expected a whole number from " + min + " to " + max);
            }
            if (v < min || v > max) {
                throw new InvalidSettingException(key, v + " is out of range; allowed " + min + " to " + max);
            }
            return v;
        }

        long bytesIn(String key, long min, long max) {
            long v;
            try {
                v = c.getBytes(key);
            } catch (ConfigException e) {
                throw new InvalidSettingException(key, "expected a size such as 3MiB, from " + min + " to " + max + " bytes");
            }
            if (v < min || v > max) {
                throw new InvalidSettingException(key, v + " bytes is out of range; allowed " + min + " to " + max);
            }
            return v;
        }

        /** A duration as {@link #durationIn}, or {@code off}: empty. */
        Optional<Duration> durationOrOff(String key, Duration min, Duration max) {
            if (c.hasPath(key) && c.getValue(key).valueType() == ConfigValueType.STRING
                    && c.getString(key).trim().equalsIgnoreCase("off")) {
                return Optional.empty();
            }
            return Optional.of(duration(key, min, max, "off or a duration such as 5m", "off, or "));
        }

        Duration durationIn(String key, Duration min, Duration max) {
            return duration(key, min, max, "a duration such as 3s", "");
        }

        private Duration duration(String key, Duration min, Duration max, String expected, String allowedBesides) {
            Duration v;
            try {
                v = c.getDuration(key);
            } catch (ConfigException e) {
                throw new InvalidSettingException(key, "expected " + expected + ", from " + min + " to " + max);
            }
            if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
                throw new InvalidSettingException(key, v + " is out of range; allowed " + allowedBesides + min + " to " + max);
            }
            return v;
        }
    }

    /**
     * The workers' jars of the host's class path ({@link io.pvfhost.worker.host.WorkerClassPath});
     * the whole class path for another main class (a wrapper or a test's fake worker may need any of it).
     */
    private static String defaultWorkerClassPath(String mainClass) {
        String host = System.getProperty("java.class.path");
        return mainClass.equals(WorkerSpec.MAIN_CLASS) ? io.pvfhost.worker.host.WorkerClassPath.of(host).classPath() : host;
    }

}
