package io.pvfhost.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import io.pvfhost.worker.host.WorkerKind;
import io.pvfhost.worker.host.WorkerSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every pvf.host key: its default, that an override takes effect, and that a bad value names the key. */
class HostSettingsTest {
    @TempDir
    Path cache;

    /** Keys of Akka's dispatcher configuration, read by Akka and not by {@link HostSettings}. */
    static final String AKKA_DISPATCHER = "blocking-dispatcher.";

    /** Every key under pvf.host in reference.conf (without the dispatcher's), relative to pvf.host. */
    static Set<String> referenceKeys() {
        return ConfigFactory.defaultReference().getConfig(HostSettings.NAMESPACE).entrySet().stream()
                .map(Map.Entry::getKey)
                .filter(k -> !k.startsWith(AKKA_DISPATCHER))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * A configuration that sets every key to a value other than its default, valid for a host
     * that really runs workers on this machine (network isolation {@code on} needs {@code unshare}:
     * callers that start a host check {@link WorkerSecurity#networkWrapper()} first).
     */
    static String everyKeyOverridden(Path cache, int metricsPort) {
        return """
                pvf.host {
                  cache-path = "%s"
                  prepare {
                    workers-soft-max = 2
                    workers-hard-max = 3
                    precheck-timeout = 50s
                    lenient-timeout = 300s
                    max-code-size = 2MiB
                    code-bomb-limit = 20MiB
                    retry-cooldown = 10m
                    max-retries = 4
                    worker-idle-timeout = 90s
                  }
                  execute {
                    workers-max = 3
                    worker-kept-artifacts = 6
                    backing-timeout = 3s
                    approval-timeout = 11s
                    pov-bomb-limit = 30MiB
                    retry-delay = 2s
                    max-keep-waiting = 5s
                  }
                  worker {
                    java-home = "%s"
                    class-path = "%s"
                    main-class = "io.pvfhost.host.DelegatingWorker"
                    jvm-options = ["-Xmx700m", "-XX:+UseSerialGC", "-XX:+DisableAttachMechanism", "-Dpvf.test.marker=every-key"]
                    prepare-jvm-options = ["-Dpvf.test.kind=prepare"]
                    execute-jvm-options = ["-Dpvf.test.kind=execute"]
                    spawn-timeout = 10s
                    wall-clock-factor = 4
                    spawn-retry-delay = 2s
                    max-spawn-failures = 4
                    network-isolation = on
                    class-cache = off
                    class-cache-path = "%s/class-cache"
                    class-cache-training-timeout = 60s
                  }
                  security.require-all = true
                  metrics.prometheus {
                    enabled = true
                    host = "localhost"
                    port = %d
                  }
                  pruning {
                    interval = 30m
                    ttl = 12h
                    cache-size-limit = 5GiB
                  }
                  max-pending-requests = 500
                }
                """.formatted(cache, System.getProperty("java.home"), System.getProperty("java.class.path"), cache, metricsPort);
    }

    /** Asserts that settings read from {@link #everyKeyOverridden} have every overridden value. */
    static void assertEveryKeyOverridden(HostSettings s, Path cache, int metricsPort) {
        assertEquals(cache.toAbsolutePath().normalize(), s.cachePath());
        assertEquals(2, s.prepareWorkersSoftMax());
        assertEquals(3, s.prepareWorkersHardMax());
        assertEquals(Duration.ofSeconds(50), s.precheckTimeout());
        assertEquals(Duration.ofSeconds(300), s.lenientTimeout());
        assertEquals(2L << 20, s.maxCodeSize());
        assertEquals(20L << 20, s.codeBombLimit());
        assertEquals(Duration.ofMinutes(10), s.prepareRetryCooldown());
        assertEquals(4, s.prepareMaxRetries());
        assertEquals(Optional.of(Duration.ofSeconds(90)), s.prepareWorkerIdleTimeout());
        assertEquals(3, s.executeWorkersMax());
        assertEquals(6, s.executeKeptArtifacts());
        assertEquals(Duration.ofSeconds(3), s.backingTimeout());
        assertEquals(Duration.ofSeconds(11), s.approvalTimeout());
        assertEquals(30L << 20, s.povBombLimit());
        assertEquals(Duration.ofSeconds(2), s.executeRetryDelay());
        assertEquals(Duration.ofSeconds(5), s.executeMaxKeepWaiting());
        WorkerSpec spec = s.workerSpec();
        assertEquals(Path.of(System.getProperty("java.home"), "bin", "java"), spec.javaExecutable());
        assertEquals(System.getProperty("java.class.path"), spec.classPath());
        assertEquals("io.pvfhost.host.DelegatingWorker", spec.mainClass());
        assertEquals(List.of("-Xmx700m", "-XX:+UseSerialGC", "-XX:+DisableAttachMechanism", "-Dpvf.test.marker=every-key"),
                spec.jvmOptions());
        assertEquals(List.of("-Dpvf.test.kind=prepare"), s.prepareJvmOptions());
        assertEquals(List.of("-Dpvf.test.kind=execute"), s.executeJvmOptions());
        assertEquals(Duration.ofSeconds(10), s.spawnTimeout());
        assertEquals(4, s.wallClockFactor());
        assertEquals(Duration.ofSeconds(2), s.spawnRetryDelay());
        assertEquals(4, s.maxSpawnFailures());
        assertEquals(HostSettings.NetworkIsolation.ON, s.networkIsolation());
        assertEquals(HostSettings.ClassCacheMode.OFF, s.classCache());
        assertEquals(cache.toAbsolutePath().normalize().resolve("class-cache"), s.classCachePath());
        assertEquals(Duration.ofSeconds(60), s.classCacheTrainingTimeout());
        assertTrue(s.requireAllProtections());
        assertTrue(s.prometheusEnabled());
        assertEquals("localhost", s.prometheusHost());
        assertEquals(metricsPort, s.prometheusPort());
        assertEquals(Duration.ofMinutes(30), s.pruneInterval());
        assertEquals(Duration.ofHours(12), s.artifactTtl());
        assertEquals(5L << 30, s.cacheSizeLimit());
        assertEquals(500, s.maxPendingRequests());
    }

    @Test
    void shouldDefaultTheSchedulingKeysToTheReferenceValues() {
        HostSettings s = HostSettings.from(TestData.config(cache, ""));
        assertEquals(1, s.prepareWorkersSoftMax());
        assertEquals(2, s.prepareWorkersHardMax());
        assertEquals(4, s.executeWorkersMax());
        assertEquals(Duration.ofSeconds(4), s.executeMaxKeepWaiting());
        assertEquals(Duration.ofSeconds(3), s.spawnRetryDelay());
        assertEquals(3, s.maxSpawnFailures());
        assertEquals(Duration.ofHours(1), s.pruneInterval());
        assertEquals(Duration.ofHours(24), s.artifactTtl());
        assertEquals(10L << 30, s.cacheSizeLimit());
        assertEquals(10_000, s.maxPendingRequests());
        assertEquals(Optional.of(Duration.ofMinutes(5)), s.prepareWorkerIdleTimeout());
        assertEquals(4, s.executeKeptArtifacts());
        assertEquals(List.of("--kept-artifacts", "4"), s.workerOptionsOf(WorkerKind.EXECUTE));
        assertEquals(List.of(), s.workerOptionsOf(WorkerKind.PREPARE));
    }

    @Test
    void shouldTellExecuteWorkersHowManyArtifactsToKeep() {
        HostSettings s = HostSettings.from(TestData.config(cache, "pvf.host.execute.worker-kept-artifacts = 9"));
        assertEquals(9, s.executeKeptArtifacts());
        assertEquals(List.of("--kept-artifacts", "9"), s.workerOptionsOf(WorkerKind.EXECUTE));
        // and the execute queue's scheduler counts with the same number
        assertEquals(9, io.pvfhost.host.execute.ExecuteQueue.Limits.of(s).keptArtifacts());
    }

    /** Reference section 4 (the wall-clock factor is 3 here, 4 there: README, deliberate differences). */
    @Test
    void shouldDefaultTheLimitsAndTimeoutsToTheReferenceValues() {
        HostSettings s = HostSettings.from(TestData.config(cache, ""));
        assertEquals(Duration.ofSeconds(60), s.precheckTimeout());
        assertEquals(Duration.ofSeconds(360), s.lenientTimeout());
        assertEquals(Duration.ofSeconds(2), s.backingTimeout());
        assertEquals(Duration.ofSeconds(12), s.approvalTimeout());
        assertEquals(3L << 20, s.maxCodeSize());
        assertEquals(30L << 20, s.codeBombLimit());
        assertEquals(40L << 20, s.povBombLimit());
        assertEquals(Duration.ofMinutes(15), s.prepareRetryCooldown());
        assertEquals(5, s.prepareMaxRetries());
        assertEquals(Duration.ofSeconds(3), s.executeRetryDelay());
        assertEquals(Duration.ofSeconds(3), s.spawnTimeout());
        assertEquals(3, s.wallClockFactor());
    }

    @Test
    void shouldGiveEachKindOfWorkerItsOwnOptionsAfterTheSharedOnes() {
        HostSettings s = HostSettings.from(TestData.config(cache, """
                pvf.host.worker.jvm-options = ["-Xmx1g", "-XX:+UseSerialGC"]
                pvf.host.worker.prepare-jvm-options = ["-Xmx3g", "-XX:TieredStopAtLevel=1"]
                pvf.host.worker.execute-jvm-options = ["-XX:+BytecodeVerificationRemote"]
                """));
        assertEquals(List.of("-Xmx1g", "-XX:+UseSerialGC", "-Xmx3g", "-XX:TieredStopAtLevel=1"), s.jvmOptionsOf(WorkerKind.PREPARE));
        assertEquals(List.of("-Xmx1g", "-XX:+UseSerialGC", "-XX:+BytecodeVerificationRemote"), s.jvmOptionsOf(WorkerKind.EXECUTE));
        WorkerSpec w = s.workerSpec();
        WorkerSpec cached = new WorkerSpec(w.javaExecutable(), List.of("-Xmx1g", "-XX:+UseSerialGC", "-XX:AOTCache=x"), w.classPath(),
                w.mainClass()); // as the class cache gives it
        assertEquals(List.of("-Xmx1g", "-XX:+UseSerialGC", "-XX:AOTCache=x", "-Xmx3g", "-XX:TieredStopAtLevel=1"),
                s.specFor(WorkerKind.PREPARE, cached).jvmOptions());
        assertEquals(s.workerSpec(), HostSettings.from(TestData.config(cache, "")).specFor(WorkerKind.EXECUTE, s.workerSpec()),
                "no options of its own: the spec as it is");
        // the verifier may not be turned off in prepare workers through their own options either
        var e = assertThrows(HostSettings.InvalidSettingException.class, () -> HostSettings.from(TestData.config(cache,
                "pvf.host.worker.prepare-jvm-options = [\"-XX:-BytecodeVerificationRemote\"]")));
        assertTrue(e.getMessage().contains("pvf.host.worker.prepare-jvm-options"), e.getMessage());
        // nor through an options file, which these checks could not read
        var file = assertThrows(HostSettings.InvalidSettingException.class, () -> HostSettings.from(TestData.config(cache,
                "pvf.host.worker.prepare-jvm-options = [\"-XX:VMOptionsFile=/tmp/x\"]")));
        assertTrue(file.getMessage().contains("reads options from a file"), file.getMessage());
        // a JVM takes one collector: another in one kind's options would stop those workers
        var gc = assertThrows(HostSettings.InvalidSettingException.class, () -> HostSettings.from(TestData.config(cache,
                "pvf.host.worker.execute-jvm-options = [\"-XX:+UseG1GC\"]")));
        assertTrue(gc.getMessage().contains("pvf.host.worker.execute-jvm-options") && gc.getMessage().contains("-XX:+UseSerialGC"),
                gc.getMessage());
        assertEquals(List.of("-XX:+UseSerialGC", "-Xmx2g"), HostSettings.from(TestData.config(cache,
                "pvf.host.worker.prepare-jvm-options = [\"-XX:+UseSerialGC\", \"-Xmx2g\"]")).prepareJvmOptions(), "the same one is fine");
        // but execute workers may get it back on, which the security report then says
        assertTrue(WorkerSecurity.report(s).get("class-verification").detail().contains("again in execute workers"));
    }

    @Test
    void shouldKeepIdlePrepareWorkersWhenTheIdleTimeoutIsOff() {
        HostSettings s = HostSettings.from(TestData.config(cache, "pvf.host.prepare.worker-idle-timeout = off"));
        assertEquals(Optional.empty(), s.prepareWorkerIdleTimeout());
        HostSettings upper = HostSettings.from(TestData.config(cache, "pvf.host.prepare.worker-idle-timeout = \"OFF\""));
        assertEquals(Optional.empty(), upper.prepareWorkerIdleTimeout());
    }

    @Test
    void shouldDefaultTheOperationsKeys() {
        HostSettings s = HostSettings.from(TestData.config(cache, ""));
        assertEquals(HostSettings.NetworkIsolation.AUTO, s.networkIsolation());
        assertFalse(s.requireAllProtections());
        assertFalse(s.prometheusEnabled());
        assertEquals("127.0.0.1", s.prometheusHost());
        assertEquals(9616, s.prometheusPort());
        assertEquals(List.of(), s.workerSpec().commandPrefix(), "the configured spec has no wrapper before start");
    }

    @Test
    void shouldStartTheRealWorkerOnItsJarsAndAnyOtherMainClassOnTheWholeClassPath() {
        String host = System.getProperty("java.class.path");
        WorkerSpec real = HostSettings.from(TestData.config(cache, "")).workerSpec();
        var choice = io.pvfhost.worker.host.WorkerClassPath.of(host);
        assertEquals(choice.classPath(), real.classPath());
        if (choice.wholeBecause() == null) { // run from jars, as in the reactor build: the actors stay out
            assertTrue(Stream.of(real.classPath().split(java.io.File.pathSeparator))
                    .noneMatch(e -> e.contains("akka") || e.contains("scala-library") || e.contains("pvf-host-actors")), real.classPath());
        }
        WorkerSpec fake = HostSettings.from(TestData.config(cache, "pvf.host.worker.main-class = \"io.pvfhost.host.DelegatingWorker\""))
                .workerSpec();
        assertEquals(host, fake.classPath(), "a fake worker's class lives in the test classes, which no worker jar list names");
    }

    @Test
    void shouldTakeEveryKeyOfAHoconString() {
        HostSettings s = HostSettings.from(TestData.config(cache, everyKeyOverridden(cache, 9999)));
        assertEveryKeyOverridden(s, cache, 9999);
    }

    /** The override string must cover every key of reference.conf, each with a value of its own. */
    @Test
    void theOverrideStringShouldCoverEveryKeyWithAnotherValue() {
        Config defaults = ConfigFactory.defaultReference().getConfig(HostSettings.NAMESPACE);
        Config overridden = ConfigFactory.parseString(everyKeyOverridden(cache, 9999)).getConfig(HostSettings.NAMESPACE);
        for (String key : referenceKeys()) {
            assertTrue(overridden.hasPath(key), "not overridden: " + key);
            ConfigValue a = defaults.getValue(key);
            ConfigValue b = overridden.getValue(key);
            assertNotEquals(String.valueOf(a.unwrapped()), String.valueOf(b.unwrapped()), "same value as the default: " + key);
        }
    }

    /** A bad value for every key; the message must name the key. */
    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of("cache-path", "\"\""),
                Arguments.of("prepare.workers-soft-max", "0"),
                Arguments.of("prepare.workers-hard-max", "0"),
                Arguments.of("prepare.precheck-timeout", "soon"),
                Arguments.of("prepare.lenient-timeout", "0s"),
                Arguments.of("prepare.max-code-size", "lots"),
                Arguments.of("prepare.code-bomb-limit", "1"),
                Arguments.of("prepare.retry-cooldown", "-1s"),
                Arguments.of("prepare.max-retries", "-1"),
                Arguments.of("prepare.worker-idle-timeout", "never"),
                Arguments.of("worker.prepare-jvm-options", "[\"Xmx2g\"]"),
                Arguments.of("worker.execute-jvm-options", "\"-Xmx2g\""),
                Arguments.of("worker.prepare-jvm-options", "[\"-Xverify:none\"]"),
                Arguments.of("prepare.worker-idle-timeout", "0s"),
                Arguments.of("execute.workers-max", "0"),
                Arguments.of("execute.worker-kept-artifacts", "0"),
                Arguments.of("execute.worker-kept-artifacts", "17"),
                Arguments.of("execute.backing-timeout", "1ms"),
                Arguments.of("execute.approval-timeout", "2h"),
                Arguments.of("execute.pov-bomb-limit", "8GiB"),
                Arguments.of("execute.retry-delay", "later"),
                Arguments.of("execute.max-keep-waiting", "2h"),
                Arguments.of("worker.java-home", "\"/no/such/jdk\""),
                Arguments.of("worker.class-path", "[1, 2]"),
                Arguments.of("worker.main-class", "\"not a class!\""),
                Arguments.of("worker.jvm-options", "[\"Xmx1g\"]"),
                Arguments.of("worker.jvm-options", "[\"-Xmx1g\", \"-Xverify:none\"]"),
                Arguments.of("worker.jvm-options", "[\"-XX:+UnlockDiagnosticVMOptions\", \"-XX:-BytecodeVerificationRemote\"]"),
                Arguments.of("worker.spawn-timeout", "1ms"),
                Arguments.of("worker.wall-clock-factor", "0"),
                Arguments.of("worker.spawn-retry-delay", "forever"),
                Arguments.of("worker.max-spawn-failures", "0"),
                Arguments.of("worker.network-isolation", "sometimes"),
                Arguments.of("worker.class-cache", "always"),
                Arguments.of("worker.class-cache-path", "[1, 2]"),
                Arguments.of("worker.class-cache-training-timeout", "0s"),
                Arguments.of("security.require-all", "maybe"),
                Arguments.of("metrics.prometheus.enabled", "maybe"),
                Arguments.of("metrics.prometheus.host", "\"not a host!\""),
                Arguments.of("metrics.prometheus.port", "70000"),
                Arguments.of("pruning.interval", "0s"),
                Arguments.of("pruning.ttl", "-1h"),
                Arguments.of("pruning.cache-size-limit", "lots"),
                Arguments.of("max-pending-requests", "0"));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("badValues")
    void shouldNameTheKeyOfABadValue(String key, String value) {
        var e = assertThrows(HostSettings.InvalidSettingException.class,
                () -> HostSettings.from(TestData.config(cache, HostSettings.NAMESPACE + "." + key + " = " + value)));
        assertTrue(e.getMessage().startsWith(HostSettings.NAMESPACE + "." + key + ":"), e.getMessage());
    }

    @Test
    void everyKeyShouldHaveABadValueCase() {
        Set<String> covered = badValues().map(a -> (String) a.get()[0]).collect(Collectors.toSet());
        for (String key : referenceKeys()) {
            assertTrue(covered.contains(key), "no bad-value case for " + key);
        }
    }

    /** reference.conf alone: TestData.config turns the class cache off for the other tests. */
    @Test
    void shouldDefaultToAnAutomaticClassCacheInTheCacheFolder() {
        HostSettings s = HostSettings.from(ConfigFactory.parseString("pvf.host.cache-path = \"" + cache + "\"")
                .withFallback(ConfigFactory.defaultReference()).resolve());
        assertEquals(HostSettings.ClassCacheMode.AUTO, s.classCache());
        assertEquals(s.cachePath(), s.classCachePath());
        assertEquals(Duration.ofSeconds(120), s.classCacheTrainingTimeout());
        assertEquals(HostSettings.ClassCacheMode.OFF, HostSettings.from(TestData.config(cache, "")).classCache());
        assertEquals(HostSettings.ClassCacheMode.AUTO,
                HostSettings.from(TestData.config(cache, "pvf.host.worker.class-cache = AUTO")).classCache());
    }

    @Test
    void shouldRefuseAClassCacheFolderThatIsAFile() throws Exception {
        Path file = Files.writeString(cache.resolve("notes.txt"), "x");
        var e = assertThrows(HostSettings.InvalidSettingException.class,
                () -> HostSettings.from(TestData.config(cache, "pvf.host.worker.class-cache-path = \"" + file + "\"")));
        assertEquals("pvf.host.worker.class-cache-path: " + file + " is not a folder", e.getMessage());
    }

    @Test
    void shouldRefuseAHardCapBelowTheSoftCap() {
        var e = assertThrows(HostSettings.InvalidSettingException.class, () -> HostSettings.from(TestData.config(cache,
                "pvf.host.prepare.workers-soft-max = 3\npvf.host.prepare.workers-hard-max = 2")));
        assertTrue(e.getMessage().contains("pvf.host.prepare.workers-hard-max"), e.getMessage());
    }

    @Test
    void shouldAcceptAddressesAndNamesToListenOn() {
        for (String host : List.of("0.0.0.0", "::1", "::", "localhost", "metrics.example.org", "10.1.2.3")) {
            var s = HostSettings.from(TestData.config(cache, "pvf.host.metrics.prometheus.host = \"" + host + "\""));
            assertEquals(host, s.prometheusHost());
        }
        for (String host : List.of("", "1.2.3", "1.2.3.256", "a..b", "-a", "127.0.0.1:9615", "::g")) {
            assertThrows(HostSettings.InvalidSettingException.class,
                    () -> HostSettings.from(TestData.config(cache, "pvf.host.metrics.prometheus.host = \"" + host + "\"")), host);
        }
    }

    @Test
    void shouldReadNetworkIsolationInAnyCase() {
        assertEquals(HostSettings.NetworkIsolation.OFF,
                HostSettings.from(TestData.config(cache, "pvf.host.worker.network-isolation = OFF")).networkIsolation());
        assertEquals(HostSettings.NetworkIsolation.ON,
                HostSettings.from(TestData.config(cache, "pvf.host.worker.network-isolation = \"on\"")).networkIsolation());
    }

    /** The default worker JDK is "auto": a JDK of version 25 or later where one is installed. */
    @Test
    void workersShouldRunOnAJdk25WhereOneIsInstalled() {
        HostSettings s = HostSettings.from(com.typesafe.config.ConfigFactory.defaultReference().resolve());
        var preferred = io.pvfhost.worker.host.JdkFinder.findPreferred();
        assertEquals(preferred.map(io.pvfhost.worker.host.JdkFinder.Jdk::java).orElse(io.pvfhost.worker.host.WorkerSpec.currentJava()),
                s.workerSpec().javaExecutable());
        if (Files.isDirectory(Path.of("/usr/lib/jvm/temurin-25-jdk-amd64"))) {
            assertTrue(preferred.isPresent() && preferred.get().major() >= 25, "JDK 25 installed but not found: " + preferred);
        }
    }
}
