package io.pvfhost.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** When the throughput runs call a host warm: the settling rule, apart from any timing. */
class WarmupTest {
    @Test
    void shouldCallTheRateSettledOnlyWhenTheLastBlocksAgree() {
        assertTrue(E2eSection.settled(List.of(4000.0, 4300.0, 4500.0)), "within 15 %");
        assertFalse(E2eSection.settled(List.of(2600.0, 4100.0, 4200.0)), "the JIT still at work in the first");
        assertFalse(E2eSection.settled(List.of(4000.0, 4700.0)), "two blocks are not enough");
        assertFalse(E2eSection.settled(List.of(0.0, 0.0, 0.0)), "no rate is no settled rate");
    }

    @Test
    void shouldSayWhetherItSettled() {
        var settled = new E2eSection.Warmup(45_000, true, List.of(4000.0, 4200.0, 4100.0));
        assertTrue(settled.text().startsWith("settled: last blocks 4000, 4200, 4100"), settled.text());
        var not = new E2eSection.Warmup(150_000, false, List.of(3000.0, 4500.0, 3900.0));
        assertTrue(not.text().startsWith("NOT settled"), not.text());
    }
}
