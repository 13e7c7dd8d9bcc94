package io.pvfhost.artifacts;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which prepared artifacts to remove, by the reference's rule: the least recently needed
 * (executed or heads-upped) first, while the prepared artifacts together are larger than the size
 * limit, but never one needed within the TTL. With a size limit of 0 this is the seed's rule:
 * every artifact not needed for the TTL goes.
 *
 * <p>Never one that a request uses ({@code inUse}: queued or running for execution, or waiting to
 * retry), never one being prepared. Error artifacts are kept: they stop a broken PVF from being
 * prepared again, and they are small.
 */
public final class PruningPolicy {
    private PruningPolicy() {}

    /** The artifacts to remove, least recently needed first. */
    public static List<ArtifactId> select(Map<ArtifactId, ArtifactState> table, Instant now, Duration ttl, long sizeLimit,
            Set<ArtifactId> inUse) {
        record Candidate(ArtifactId id, ArtifactState.Prepared state) {}
        List<Candidate> prepared = new ArrayList<>();
        long total = 0;
        for (var e : table.entrySet()) {
            if (e.getValue() instanceof ArtifactState.Prepared p) {
                prepared.add(new Candidate(e.getKey(), p));
                total += p.size();
            }
        }
        // least recently needed first, the larger first among equal times (as the reference), then
        // in a fixed order, so a run is repeatable
        prepared.sort(Comparator.comparing((Candidate c) -> c.state().lastNeeded())
                .thenComparing(c -> -c.state().size())
                .thenComparing(c -> c.id().fileName()));
        Instant cutoff = now.minus(ttl);
        List<ArtifactId> out = new ArrayList<>();
        for (Candidate c : prepared) {
            if (total <= sizeLimit || c.state().lastNeeded().isAfter(cutoff)) {
                // small enough, or this one and all after it were needed within the TTL (needed
                // exactly the TTL ago is stale, as the reference's stale_time < min_stale_time)
                break;
            }
            if (inUse.contains(c.id())) {
                continue;
            }
            out.add(c.id());
            total -= c.state().size();
        }
        return out;
    }
}
