package io.pvfhost.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pvfhost.bench.E2eSection.Block;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When the throughput runs call a host warm: the settling rule, apart from any timing. */
class WarmupTest {
    @Test
    void shouldCallTheHostSettledOnlyWhenItsJitWasQuietInTheLastBlocks() {
        assertTrue(E2eSection.settled(List.of(new Block(4900, 0.0), new Block(5100, 0.09))), "JIT under 10 % in both");
        assertFalse(E2eSection.settled(List.of(new Block(1900, 0.0), new Block(2000, 2.4))),
                "a plateau of rates while the compiler threads are busy is no settled host");
        assertFalse(E2eSection.settled(List.of(new Block(4000, 0.3), new Block(4100, 0.01))), "the first still compiling");
        assertFalse(E2eSection.settled(List.of(new Block(4000, 0.0))), "one block is not enough");
        assertFalse(E2eSection.settled(List.of(new Block(0, 0.0), new Block(0, 0.0))), "no rate is no settled host");
    }

    @Test
    void shouldSayWhetherItSettled() {
        var settled = new E2eSection.Warmup(45_000, true, List.of(new Block(4000, 0.004), new Block(4200, 0.0)));
        assertTrue(settled.text().startsWith("settled: last blocks 4000/s, JIT 0 %; 4200/s, JIT 0 %"), settled.text());
        var not = new E2eSection.Warmup(150_000, false, List.of(new Block(3000, 0.5), new Block(4500, 0.2)));
        assertTrue(not.text().startsWith("NOT settled"), not.text());
    }
}
