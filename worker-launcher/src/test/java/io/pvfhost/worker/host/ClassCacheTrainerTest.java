package io.pvfhost.worker.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pvfhost.artifacts.ClassCacheFiles;
import io.pvfhost.worker.testing.FakeJdk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer's process handling, with a fake java that behaves as told ({@link FakeJdk}): a real
 * training is in the host tests (ClassCacheHostTest), on a real JDK 25.
 */
class ClassCacheTrainerTest {
    static final String KEY = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;

    static final String FILE = ClassCacheFiles.fileName(KEY, ClassCacheFiles.AOT);

    private ClassCacheTrainer trainer(String mode, Duration timeout) throws Exception {
        return trainer(mode, timeout, ClassCache.Kind.AOT);
    }

    private ClassCacheTrainer trainer(String mode, Duration timeout, ClassCache.Kind kind) throws Exception {
        Path java = FakeJdk.make(dir.resolve("jdk"), "25.0.3");
        WorkerSpec spec = new WorkerSpec(java, List.of("-Xmx1g", "-Dmode=" + mode), "/lib/a.jar", WorkerSpec.MAIN_CLASS);
        Path folder = Files.createDirectories(dir.resolve("cache"));
        Path file = folder.resolve(ClassCacheFiles.fileName(KEY, kind.extension()));
        return new ClassCacheTrainer(spec, new ClassCache.Decision.Use(file, KEY, kind), folder, timeout);
    }

    private Set<String> left() throws Exception {
        try (Stream<Path> s = Files.list(dir.resolve("cache"))) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    private static String reason(ClassCacheTrainer.Outcome o) {
        return assertInstanceOf(ClassCacheTrainer.Outcome.Failed.class, o).reason();
    }

    @Test
    void shouldTrainCheckAndRenameIntoPlaceLeavingNothingElse() throws Exception {
        var made = assertInstanceOf(ClassCacheTrainer.Outcome.Made.class, trainer("ok", Duration.ofSeconds(30)).run());
        assertEquals(dir.resolve("cache").resolve(FILE), made.file());
        assertEquals("cache", Files.readString(made.file()));
        assertEquals(5, made.bytes());
        assertEquals(Set.of(FILE), left(), "no temp file, no scratch folder");
    }

    @Test
    void shouldTrainAnAppCdsArchiveWithItsOwnOptions() throws Exception {
        var made = assertInstanceOf(ClassCacheTrainer.Outcome.Made.class,
                trainer("ok", Duration.ofSeconds(30), ClassCache.Kind.APPCDS).run());
        String jsa = ClassCacheFiles.fileName(KEY, ClassCacheFiles.APPCDS);
        assertEquals(dir.resolve("cache").resolve(jsa), made.file());
        assertEquals(Set.of(jsa), left());
    }

    @Test
    void shouldReportAFailedTrainingWithTheEndOfItsOutputAndRemoveItsFiles() throws Exception {
        String r = reason(trainer("fail", Duration.ofSeconds(30)).run());
        assertTrue(r.startsWith("the training JVM exited with status 3"), r);
        assertTrue(r.contains("Error: boom"), r);
        assertFalse(r.contains("Skipping"), "the AOT writer's warnings are left out: " + r);
        assertEquals(Set.of(), left(), "the temp output and the JVM's .config file are removed");

        assertTrue(reason(trainer("nofile", Duration.ofSeconds(30)).run()).startsWith("the training JVM wrote no cache"));
        assertEquals(Set.of(), left());
    }

    @Test
    void shouldNotPutInPlaceACacheThatAJvmCannotUse() throws Exception {
        String r = reason(trainer("badcheck", Duration.ofSeconds(30)).run());
        assertTrue(r.startsWith("a JVM cannot use the cache (status 1)"), r);
        assertTrue(r.contains("An error has occurred while processing the AOT cache"), r);
        assertEquals(Set.of(), left());
    }

    @Test
    void shouldCheckACacheInPlaceAndLeaveItAsItIs() throws Exception {
        ClassCacheTrainer t = trainer("ok", Duration.ofSeconds(30));
        Path file = dir.resolve("cache").resolve(FILE);
        Files.writeString(file, "cache");
        var ok = assertInstanceOf(ClassCacheTrainer.Outcome.Made.class, t.checkInPlace());
        assertEquals(file, ok.file());
        Files.writeString(file, "garbage");
        assertTrue(reason(t.checkInPlace()).startsWith("a JVM cannot use the cache (status 1)"));
        assertEquals("garbage", Files.readString(file));
        assertEquals(Set.of(file.getFileName().toString()), left(), "no scratch folder left");
    }

    @Test
    void shouldTrainAtALowerPriorityWhereNiceIsThere() {
        assertEquals(ClassCacheTrainer.onPath("nice") ? List.of("nice", "-n", "10") : List.of(), ClassCacheTrainer.LOWER_PRIORITY);
        assertTrue(ClassCacheTrainer.onPath("sh"));
        assertFalse(ClassCacheTrainer.onPath("no-such-program-pvf"));
    }

    @Test
    void shouldKillATrainingThatPassesItsTimeout() throws Exception {
        long t0 = System.nanoTime();
        String r = reason(trainer("sleep", Duration.ofMillis(500)).run());
        assertEquals("the training did not finish within 500 ms", r);
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10));
        assertEquals(Set.of(), left());
    }

    @Test
    void shouldStopWhenCancelled() throws Exception {
        ClassCacheTrainer t = trainer("sleep", Duration.ofSeconds(60));
        var outcome = CompletableFuture.supplyAsync(t::run);
        Thread.sleep(300);
        t.cancel();
        assertInstanceOf(ClassCacheTrainer.Outcome.Cancelled.class, outcome.get(10, TimeUnit.SECONDS));
        assertEquals(Set.of(), left());

        ClassCacheTrainer early = trainer("ok", Duration.ofSeconds(60));
        early.cancel();
        assertInstanceOf(ClassCacheTrainer.Outcome.Cancelled.class, early.run(), "cancelled before it began: never starts");
        assertEquals(Set.of(), left());
    }
}
