package io.pvfhost.host;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The active leaves of the relay chain with the ancestors of each, and the one question asked of
 * them: may a backing job with this relay parent still run? As the reference's execute queue, a
 * relay parent is viable while it is an active leaf or an ancestor of one.
 *
 * <p>Until the first update nothing is known about the chain, and every relay parent is viable: a
 * host whose embedder never reports leaves never drops a job. Not thread-safe: one owner.
 */
public final class ActiveLeaves {
    private final Map<BlockHash, Set<BlockHash>> leaves = new HashMap<>();
    private boolean informed;

    /** Forgets the deactivated leaves, then adds the activated one with its ancestors. */
    public void update(ActiveLeavesUpdate update, List<BlockHash> ancestors) {
        informed = true;
        for (BlockHash h : update.deactivated()) {
            leaves.remove(h);
        }
        update.activatedLeaf().ifPresent(leaf -> leaves.put(leaf, new HashSet<>(ancestors)));
    }

    /** Whether a job with this relay parent (null: none, as for approval and dispute) may run. */
    public boolean isViable(BlockHash relayParent) {
        if (relayParent == null || !informed) {
            return true;
        }
        for (var e : leaves.entrySet()) {
            if (e.getKey().equals(relayParent) || e.getValue().contains(relayParent)) {
                return true;
            }
        }
        return false;
    }

    public Set<BlockHash> leaves() {
        return Set.copyOf(leaves.keySet());
    }
}
