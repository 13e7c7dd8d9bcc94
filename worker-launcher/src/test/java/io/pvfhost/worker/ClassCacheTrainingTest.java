package io.pvfhost.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pvfhost.worker.host.ClassCache;
import java.nio.file.Files;
import java.nio.file.Path;
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

    @Test
    void theHostShouldStartTheTrainingByItsName() {
        assertEquals(ClassCacheTraining.class.getName(), ClassCache.TRAINING_MAIN);
    }
}
