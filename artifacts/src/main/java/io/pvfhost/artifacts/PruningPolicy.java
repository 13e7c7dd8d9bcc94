package io.pvfhost.artifacts;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which prepared artifacts to remove, in two steps:
 * <ol>
 *   <li>those not needed (executed or heads-upped) for the TTL (the seed's rule);
 *   <li>then, beyond the reference, the least recently needed ones while the prepared artifacts that
 *       remain are together larger than the size limit.
 * </ol>
 * Never one that a request uses ({@code inUse}: queued or running for execution, or waiting to
 * retry), never one being prepared. Error artifacts are kept: they stop a broken PVF from being
 * prepared again, and they are small.
 */
public final class PruningPolicy {
    private PruningPolicy() {}

    /** TTL only, as the seed describes. */
    public static List<ArtifactId> select(Map<ArtifactId, ArtifactState> table, Instant now, Duration ttl, Set<ArtifactId> inUse) {
        return select(table, now, ttl, Long.MAX_VALUE, inUse);
    }

    /** The artifacts to remove, least recently needed first. */
    public static List<ArtifactId> select(Map<ArtifactId, ArtifactState> table, Instant now, Duration ttl, long sizeLimit,
            Set<ArtifactId> inUse) {
        record Candidate(ArtifactId id, ArtifactState.Prepared state) {}
        List<Candidate> prepared = new ArrayList<>();
        for (var e : table.entrySet()) {
            if (e.getValue() instanceof ArtifactState.Prepared p) {
                prepared.add(new Candidate(e.getKey(), p));
            }
        }
        // least recently needed first; equal times in a fixed order, so a run is repeatable
        prepared.sort(Comparator.comparing((Candidate c) -> c.state().lastNeeded())
                .thenComparing(c -> c.id().fileName()));
        Instant cutoff = now.minus(ttl);
        long total = 0;
        for (Candidate c : prepared) {
            total += c.state().size();
        }
        List<ArtifactId> out = new ArrayList<>();
        for (Candidate c : prepared) {
            if (inUse.contains(c.id())) {
                continue;
            }
            boolean expired = c.state().lastNeeded().isBefore(cutoff);
            if (expired || total > sizeLimit) {
                out.add(c.id());
                total -= c.state().size();
            }
        }
        return out;
    }
}
