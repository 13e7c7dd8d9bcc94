package io.pvfhost.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.typesafe.config.Config;
import io.pvfhost.artifacts.ArtifactFile;
import io.pvfhost.common.error.ValidationOutcome;
import io.pvfhost.common.params.ExecutorParams;
import io.pvfhost.common.types.ValidationParams;
import io.pvfhost.common.wire.Message;
import io.pvfhost.worker.AdderVectors;
import io.pvfhost.worker.host.ClassCache;
import io.pvfhost.worker.host.ClassCacheTrainer;
import io.pvfhost.worker.host.JdkFinder;
import io.pvfhost.worker.host.WorkerHandle;
import io.pvfhost.worker.host.WorkerKind;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The automatic worker class cache for real. On a JDK 25 or later (skipped where there is none): a
 * host makes the AOT cache in the background while it serves, a second start uses it without
 * making it again and its workers run with it, and a worker given a damaged cache still works. On
 * the host's own JDK when it is older than 25: the AppCDS archive is made and used. The workers'
 * class path is this test's with each folder (target/classes ...) packed into a jar, since a class
 * cache takes classes from jars only. The only tests that train: the others turn the cache off
 * ({@link TestData#config}).
 */
class ClassCacheHostTest {
    @TempDir
    Path dir;

    @Test
    void shouldMakeTheCacheOnceInTheBackgroundAndStartWorkersWithIt() throws Exception {
        Optional<JdkFinder.Jdk> jdk = JdkFinder.findPreferred();
        Assumptions.assumeTrue(jdk.isPresent(), "no JDK " + JdkFinder.PREFERRED_MAJOR + " or later beside the host's JDK or in "
                + "/usr/lib/jvm (JdkFinder): the worker AOT cache needs one; skipped");
        Path cache = dir.resolve("cache");
        Config config = TestData.config(cache, """
                pvf.host.worker.class-cache = auto
                pvf.host.worker.java-home = "%s"
                pvf.host.worker.class-path = "%s"
                pvf.host.execute.workers-max = 1
                """.formatted(jdk.get().home(), jarred(System.getProperty("java.class.path"), dir.resolve("lib"))));
        Path file;
        try (LogCapture log = LogCapture.of(WorkerClassCache.class.getName());
                ValidationHost host = ValidationHost.start(config)) {
            WorkerClassCache cc = host.workerClassCache();
            file = cc.file().orElseThrow(() -> new AssertionError("no class cache: " + cc.reason()));
            assertEquals(cache, file.getParent());
            assertEquals(WorkerClassCache.State.TRAINING, cc.state(), "the start does not wait for the training");

            // served meanwhile, by workers without the cache
            assertAdderValid(host);
            List<String> worker = WorkerFaultTest.cmdline(WorkerFaultTest.workers("execute-worker").get(0));
            assertFalse(worker.stream().anyMatch(o -> o.startsWith("-XX:AOTCache")), worker.toString());

            assertEquals(WorkerClassCache.State.IN_USE, cc.settled().toCompletableFuture().get(300, TimeUnit.SECONDS), cc.reason());
            assertTrue(Files.size(file) > 1 << 20, "a cache of " + Files.size(file) + " bytes");
            List<String> lines = log.events().stream().map(ILoggingEvent::getFormattedMessage).toList();
            assertTrue(lines.get(0).startsWith("worker class cache: making " + file), lines.toString());
            assertTrue(lines.get(1).startsWith("worker class cache made in "), lines.toString());
            try (Stream<Path> s = Files.list(cache)) {
                List<String> left = s.map(p -> p.getFileName().toString())
                        .filter(n -> n.startsWith("pvf-class-cache-") || n.startsWith("pvf-worker-class-cache-")).toList();
                assertEquals(List.of(file.getFileName().toString()), left, "temp files or scratch folders left");
            }
        }

        FileTime made = Files.getLastModifiedTime(file);
        try (LogCapture log = LogCapture.of(WorkerClassCache.class.getName());
                ValidationHost host = ValidationHost.start(config)) {
            WorkerClassCache cc = host.workerClassCache();
            assertEquals(WorkerClassCache.State.IN_USE, cc.state(), "found at start, used at once");
            assertAdderValid(host);
            ProcessHandle worker = WorkerFaultTest.workers("execute-worker").get(0);
            assertTrue(WorkerFaultTest.cmdline(worker).contains("-XX:AOTCache=" + file), WorkerFaultTest.cmdline(worker).toString());
            assertTrue(mapped(worker, file), "the worker JVM did not map the cache");

            assertEquals(WorkerClassCache.State.IN_USE, cc.settled().toCompletableFuture().get(60, TimeUnit.SECONDS), cc.reason());
            assertEquals(List.of("worker class cache: " + file),
                    log.events().stream().map(ILoggingEvent::getFormattedMessage).toList(), "checked, not made again");
            assertEquals(made, Files.getLastModifiedTime(file));

            // garbage in the cache file: a worker started with it warns and runs without it (AOTMode=auto) ...
            // (written beside it and renamed over it: running workers map the file, and writing into it
            // would pull the pages from under them, which kills them with SIGBUS)
            byte[] garbage = new byte[64 * 1024];
            new Random(7).nextBytes(garbage);
            Path tmp = Files.write(dir.resolve("garbage"), garbage);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            Path artifact;
            try (Stream<Path> s = Files.list(cache)) {
                artifact = s.filter(p -> p.getFileName().toString().endsWith(".pvfa")).findFirst().orElseThrow();
            }
            try (LogCapture output = LogCapture.of("io.pvfhost.worker");
                    WorkerHandle w = WorkerHandle.spawn(ClassCache.using(host.settings().workerSpec(), ClassCache.Kind.AOT, file), WorkerKind.EXECUTE,
                            cache, Duration.ofSeconds(30))) {
                Message m = w.request(new Message.ExecuteRequest(artifact.toString(), ArtifactFile.checksum(Files.readAllBytes(artifact)),
                        AdderVectors.genesisParams(), ExecutorParams.DEFAULT, 10_000, 40L << 20), Duration.ofSeconds(60));
                var r = assertInstanceOf(Message.ExecuteResponse.class, m);
                assertEquals(Message.Status.OK, r.status(), r.detail());
                assertArrayEquals(AdderVectors.genesisExpected(), r.resultBytes());
                assertFalse(mapped(ProcessHandle.of(w.pid()).orElseThrow(), file));
                assertTrue(output.events().stream().anyMatch(e -> e.getFormattedMessage().contains("[aot")),
                        "the JVM said nothing about the damaged cache");
            }
            // ... and the check a host makes of a cache found at start refuses it, so that it is made again
            var use = new ClassCache.Decision.Use(file, file.getFileName().toString().replaceAll("^pvf-class-cache-|\\.aot$", ""),
                    ClassCache.Kind.AOT);
            var checked = new ClassCacheTrainer(host.settings().workerSpec(), use, cache, Duration.ofSeconds(60)).checkInPlace();
            assertInstanceOf(ClassCacheTrainer.Outcome.Failed.class, checked);
        }
    }

    @Test
    void shouldMakeAnAppCdsArchiveForWorkersOnTheHostsOwnOlderJdk() throws Exception {
        Assumptions.assumeTrue(Runtime.version().feature() < ClassCache.AOT_FEATURE,
                "the host's own JDK is " + Runtime.version().feature() + ": its AOT cache is the other test's");
        Path cache = dir.resolve("cache");
        Config config = TestData.config(cache, """
                pvf.host.worker.class-cache = auto
                pvf.host.worker.java-home = ""
                pvf.host.worker.class-path = "%s"
                pvf.host.execute.workers-max = 1
                """.formatted(jarred(System.getProperty("java.class.path"), dir.resolve("lib"))));
        try (ValidationHost host = ValidationHost.start(config)) {
            WorkerClassCache cc = host.workerClassCache();
            Path file = cc.file().orElseThrow(() -> new AssertionError("no class cache: " + cc.reason()));
            assertTrue(file.getFileName().toString().endsWith(".jsa"), file.toString());
            assertEquals(WorkerClassCache.State.IN_USE, cc.settled().toCompletableFuture().get(300, TimeUnit.SECONDS), cc.reason());
            assertAdderValid(host);
            ProcessHandle worker = WorkerFaultTest.workers("execute-worker").get(0);
            assertTrue(WorkerFaultTest.cmdline(worker).contains("-XX:SharedArchiveFile=" + file),
                    WorkerFaultTest.cmdline(worker).toString());
            assertTrue(mapped(worker, file), "the worker JVM did not map the archive");
        }
    }

    private static void assertAdderValid(ValidationHost host) throws Exception {
        var outcome = host.executePvf(Pvf.of(TestData.ownPvf("adder.wasm")), ValidationParams.decode(AdderVectors.genesisParams()),
                ExecKind.BACKING, null).toCompletableFuture().get(120, TimeUnit.SECONDS);
        var valid = assertInstanceOf(ValidationOutcome.Valid.class, outcome, () -> "outcome: " + outcome);
        assertArrayEquals(AdderVectors.genesisExpected(), valid.resultBytes());
    }

    /** Whether the process has the file mapped: a JVM maps the AOT cache it uses. */
    private static boolean mapped(ProcessHandle p, Path file) throws IOException {
        return Files.readString(Path.of("/proc", Long.toString(p.pid()), "maps")).contains(file.toString());
    }

    /** The class path with each folder packed into a jar of its own in {@code lib}. */
    static String jarred(String classPath, Path lib) throws IOException {
        Files.createDirectories(lib);
        List<String> out = new ArrayList<>();
        int i = 0;
        for (String entry : classPath.split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (!Files.isDirectory(p)) {
                out.add(entry);
                continue;
            }
            Path jar = lib.resolve((i++) + "-" + p.getFileName() + ".jar");
            try (OutputStream f = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(f);
                    Stream<Path> files = Files.walk(p)) {
                for (Path c : files.sorted().toList()) {
                    if (Files.isRegularFile(c)) {
                        j.putNextEntry(new JarEntry(p.relativize(c).toString().replace(File.separatorChar, '/')));
                        j.write(Files.readAllBytes(c));
                        j.closeEntry();
                    }
                }
            }
            out.add(jar.toString());
        }
        return String.join(File.pathSeparator, out);
    }
}
