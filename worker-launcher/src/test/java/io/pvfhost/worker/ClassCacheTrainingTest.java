package io.pvfhost.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pvfhost.worker.host.ClassCache;
import io.pvfhost.worker.host.WorkerSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassCacheTrainingTest {
    @TempDir
    Path dir;

    /** In this JVM, without a cache: the training's work succeeds (it throws on any unexpected answer). */
    @Test
    void shouldPrepareAndRunTheBuiltInAdderAndLeaveNothingBehind() throws Exception {
        ClassCacheTraining.train(dir);
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(0, s.count(), "scratch files left");
        }
    }

    /**
     * A class of BouncyCastle's signed release jar in the cache would make every worker started with
     * it verify the jar's signature at start (a few hundred ms): the training hashes (trieproof) with
     * BouncyCastle's classes from our unsigned subset (module bouncycastle), never from the release jar.
     */
    @Test
    void theTrainingShouldHashWithTheUnsignedBouncyCastleSubsetOnly() throws Exception {
        Path log = dir.resolve("classes.log");
        Path scratch = Files.createDirectory(dir.resolve("scratch"));
        // the first step, in a JVM of its own as the host runs it (its classes are not cached)
        Process prepare = new ProcessBuilder(WorkerSpec.currentJava().toString(), "-cp", System.getProperty("java.class.path"),
                ClassCacheTraining.class.getName(), ClassCacheTraining.PREPARE, scratch.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("prepare.log").toFile()).start();
        assertTrue(prepare.waitFor(120, TimeUnit.SECONDS), "the preparation did not end");
        assertEquals(0, prepare.exitValue(), () -> tail(dir.resolve("prepare.log")));
        Process p = new ProcessBuilder(WorkerSpec.currentJava().toString(), "-Xlog:class+load", "-cp",
                System.getProperty("java.class.path"), ClassCacheTraining.class.getName(), scratch.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the training did not end");
        assertEquals(0, p.exitValue(), () -> tail(log));
        List<String> lines = Files.readAllLines(log);
        assertTrue(lines.stream().anyMatch(l -> l.contains(" io.pvfhost.worker.execute.ExecuteWorker ")), "no class log");
        List<String> bouncyCastle = lines.stream().filter(l -> l.contains(" org.bouncycastle.")).toList();
        assertTrue(bouncyCastle.stream().anyMatch(l -> l.contains(" org.bouncycastle.crypto.digests.Blake2bDigest ")),
                "trieproof's blake2 hashing is not in the training");
        assertEquals(List.of(), bouncyCastle.stream()
                .filter(l -> !l.contains("pvf-bouncycastle") && !l.contains("bouncycastle/target/classes")).toList());
        // and no compiler: the cache holds what an execute worker loads
        assertEquals(List.of(), lines.stream().filter(l -> l.contains(" org.objectweb.asm.")
                || l.contains(" com.dylibso.chicory.compiler.internal.Compiler ")).toList());
        try (Stream<Path> s = Files.list(scratch)) {
            assertEquals(0, s.count(), "the training's artifacts left behind");
        }
    }

    @Test
    void theHostShouldStartTheTrainingsPreparationByItsArgument() {
        assertEquals(ClassCacheTraining.PREPARE, ClassCache.TRAINING_PREPARE);
    }

    private static String tail(Path log) {
        try {
            List<String> l = Files.readAllLines(log);
            return String.join("\n", l.subList(Math.max(0, l.size() - 20), l.size()));
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    @Test
    void theHostShouldStartTheTrainingByItsName() {
        assertEquals(ClassCacheTraining.class.getName(), ClassCache.TRAINING_MAIN);
    }
}
