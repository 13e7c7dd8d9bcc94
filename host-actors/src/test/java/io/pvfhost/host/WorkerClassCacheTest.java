package io.pvfhost.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.pvfhost.artifacts.ClassCacheFiles;
import io.pvfhost.worker.testing.FakeJdk;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host's class cache lifecycle, with a fake JDK 25 whose java plays the training and the check
 * ({@link FakeJdk}); a real training on a real JDK is {@link ClassCacheHostTest}.
 */
class WorkerClassCacheTest {
    @TempDir
    Path dir;

    private Path cache() {
        return dir.resolve("cache");
    }

    private HostSettings settings(String mode, String version, String extra) throws Exception {
        Path home = dir.resolve("jdk-" + version);
        FakeJdk.make(home, version);
        Path a = Files.write(dir.resolve("a.jar"), new byte[10]);
        Path b = Files.write(dir.resolve("b.jar"), new byte[20]);
        return HostSettings.from(TestData.config(cache(), """
                pvf.host.worker {
                  class-cache = auto
                  java-home = "%s"
                  class-path = "%s"
                  jvm-options = ["-Xmx1g", "-Dmode=%s"]
                }
                %s
                """.formatted(home, a + File.pathSeparator + b, mode, extra)));
    }

    private static WorkerClassCache.State settle(WorkerClassCache c) throws Exception {
        return c.settled().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static List<String> messages(LogCapture log, Level level) {
        return log.events().stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
    }

    private static boolean usesCache(WorkerClassCache c) {
        return c.spec().jvmOptions().stream().anyMatch(o -> o.startsWith("-XX:AOTCache=") || o.startsWith("-XX:SharedArchiveFile="));
    }

    @Test
    void shouldMakeAMissingCacheInTheBackgroundAndGiveItToWorkersStartedAfter() throws Exception {
        try (LogCapture log = LogCapture.of(WorkerClassCache.class.getName())) {
            WorkerClassCache c = WorkerClassCache.decide(settings("ok", "25.0.3", ""));
            Path file = c.file().orElseThrow();
            assertEquals(cache(), file.getParent());
            assertEquals(file.getFileName().toString(), c.keepInCacheFolder());
            assertEquals(WorkerClassCache.State.TRAINING, c.state());
            assertFalse(usesCache(c), "no worker gets a cache before it is there");

            c.start();
            assertEquals(WorkerClassCache.State.IN_USE, settle(c));
            assertEquals("cache", Files.readString(file));
            assertEquals("-XX:AOTCache=" + file, c.spec().jvmOptions().get(c.spec().jvmOptions().size() - 1));
            assertEquals("", c.reason());
            List<String> info = messages(log, Level.INFO);
            assertTrue(info.get(0).startsWith("worker class cache: making " + file + " in the background"), info.toString());
            assertTrue(info.get(1).matches("worker class cache made in [0-9.]+ s \\(0 MiB\\): " + file + "; .*"), info.toString());
        }
    }

    @Test
    void shouldMakeAnAppCdsArchiveForWorkersOnJdk17() throws Exception {
        WorkerClassCache c = WorkerClassCache.decide(settings("ok", "17.0.15", ""));
        Path file = c.file().orElseThrow();
        assertTrue(file.getFileName().toString().endsWith(".jsa"), file.toString());
        c.start();
        assertEquals(WorkerClassCache.State.IN_USE, settle(c));
        assertEquals("cache", Files.readString(file));
        assertEquals("-XX:SharedArchiveFile=" + file, c.spec().jvmOptions().get(c.spec().jvmOptions().size() - 1));
    }

    @Test
    void shouldUseACacheFoundAtStartAfterCheckingIt() throws Exception {
        HostSettings s = settings("ok", "25.0.3", "");
        Path file = WorkerClassCache.decide(s).file().orElseThrow();
        Files.createDirectories(cache());
        Files.writeString(file, "cache");
        try (LogCapture log = LogCapture.of(WorkerClassCache.class.getName())) {
            WorkerClassCache c = WorkerClassCache.decide(s);
            c.start();
            assertTrue(usesCache(c), "used at once");
            assertEquals(WorkerClassCache.State.IN_USE, settle(c));
            assertEquals(List.of("worker class cache: " + file), messages(log, Level.INFO), "not made again");
        }
    }

    @Test
    void shouldMakeAgainACacheThatAJvmCannotUse() throws Exception {
        HostSettings s = settings("ok", "25.0.3", "");
        Path file = WorkerClassCache.decide(s).file().orElseThrow();
        Files.createDirectories(cache());
        Files.writeString(file, "garbage");
        try (LogCapture log = LogCapture.of(WorkerClassCache.class.getName())) {
            WorkerClassCache c = WorkerClassCache.decide(s);
            c.start();
            assertEquals(WorkerClassCache.State.IN_USE, settle(c));
            assertEquals("cache", Files.readString(file));
            assertTrue(usesCache(c));
            List<String> warn = messages(log, Level.WARN);
            assertEquals(1, warn.size(), warn.toString());
            assertTrue(warn.get(0).startsWith("worker class cache " + file + " cannot be used, making it again"), warn.get(0));
        }
    }

    @Test
    void shouldRunWithoutACacheWhenTheTrainingFailsAndSaySoOnce() throws Exception {
        try (LogCapture log = LogCapture.of(WorkerClassCache.class.getName())) {
            WorkerClassCache c = WorkerClassCache.decide(settings("fail", "25.0.3", ""));
            c.start();
            assertEquals(WorkerClassCache.State.NOT_MADE, settle(c));
            assertFalse(usesCache(c));
            assertTrue(c.reason().contains("the training JVM exited with status 3"), c.reason());
            assertTrue(c.reason().contains("Error: boom"), c.reason());
            List<String> warn = messages(log, Level.WARN);
            assertEquals(1, warn.size(), warn.toString());
            assertTrue(warn.get(0).startsWith("worker class cache not made, workers run without it until the next start: training failed after"), warn.get(0));
            assertFalse(Files.exists(c.file().orElseThrow()));
        }
    }

    @Test
    void shouldStopATrainingUnderWay() throws Exception {
        WorkerClassCache c = WorkerClassCache.decide(settings("sleep", "25.0.3", ""));
        c.start();
        Thread.sleep(300);
        long t0 = System.nanoTime();
        c.stop().get(10, TimeUnit.SECONDS);
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5));
        assertEquals(WorkerClassCache.State.NOT_MADE, c.state());
        assertTrue(c.reason().startsWith("training stopped after"), c.reason());
        try (var left = Files.list(cache())) {
            assertEquals(List.of(), left.toList(), "no temp file or scratch folder left");
        }
    }

    @Test
    void shouldGiveNoCacheWhenOffOrOnAnOlderJdk() throws Exception {
        WorkerClassCache off = WorkerClassCache.decide(settings("ok", "25.0.3", "pvf.host.worker.class-cache = off"));
        assertEquals(WorkerClassCache.State.NONE, off.state());
        assertEquals("turned off (pvf.host.worker.class-cache = off)", off.reason());
        assertTrue(off.file().isEmpty());
        assertNull(off.keepInCacheFolder());
        off.start();
        assertEquals(WorkerClassCache.State.NONE, settle(off));
        assertFalse(usesCache(off));

        WorkerClassCache old = WorkerClassCache.decide(settings("ok", "11.0.2", ""));
        assertEquals(WorkerClassCache.State.NONE, old.state());
        assertTrue(old.reason().startsWith("the workers run on JDK 11"), old.reason());
        assertFalse(Files.exists(cache()), "nothing made");
    }

    @Test
    void shouldKeepTheCacheInAFolderOfItsOwnAndCleanOnlyOurStaleFilesThere() throws Exception {
        Path folder = dir.resolve("classes");
        HostSettings s = settings("ok", "25.0.3", "pvf.host.worker.class-cache-path = \"" + folder + "\"");
        WorkerClassCache c = WorkerClassCache.decide(s);
        assertTrue(Files.isDirectory(folder));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)));
        assertEquals(folder, c.file().orElseThrow().getParent());
        assertNull(c.keepInCacheFolder(), "the cache folder keeps no class cache");

        String stale = ClassCacheFiles.fileName("0123456789abcdef0123456789abcdef", ClassCacheFiles.AOT);
        Files.writeString(folder.resolve(stale), "old");
        Files.writeString(folder.resolve("notes.txt"), "mine");
        Files.writeString(c.file().orElseThrow(), "cache");
        WorkerClassCache again = WorkerClassCache.decide(s);
        assertFalse(Files.exists(folder.resolve(stale)));
        assertTrue(Files.exists(folder.resolve("notes.txt")));
        assertTrue(Files.exists(again.file().orElseThrow()));
    }
}
