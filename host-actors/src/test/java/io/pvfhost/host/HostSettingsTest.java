package io.pvfhost.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scheduling keys: their defaults (reference values) and their checks. */
class HostSettingsTest {
    @TempDir
    Path cache;

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
    }

    @Test
    void shouldNameTheKeyOfABadValue() {
        var e = assertThrows(HostSettings.InvalidSettingException.class,
                () -> HostSettings.from(TestData.config(cache, "pvf.host.worker.max-spawn-failures = 0")));
        assertTrue(e.getMessage().contains("pvf.host.worker.max-spawn-failures"), e.getMessage());
        e = assertThrows(HostSettings.InvalidSettingException.class,
                () -> HostSettings.from(TestData.config(cache, "pvf.host.pruning.cache-size-limit = lots")));
        assertTrue(e.getMessage().contains("pvf.host.pruning.cache-size-limit"), e.getMessage());
    }
}
