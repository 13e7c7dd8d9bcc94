package io.pvfhost.artifacts;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which prepared artifacts to remove: those not needed (executed or heads-upped) for the TTL,
 * never one that a running job uses. Error artifacts are kept: they stop a broken PVF from being
 * prepared again.
 */
public final class PruningPolicy {
    private PruningPolicy() {}

    public static List<ArtifactId> select(Map<ArtifactId, ArtifactState> table, Instant now, Duration ttl, Set<ArtifactId> inUse) {
        List<ArtifactId> out = new ArrayList<>();
        Instant cutoff = now.minus(ttl);
        for (var e : table.entrySet()) {
            if (e.getValue() instanceof ArtifactState.Prepared p && p.lastNeeded().isBefore(cutoff) && !inUse.contains(e.getKey())) {
                out.add(e.getKey());
            }
        }
        return out;
    }
}
