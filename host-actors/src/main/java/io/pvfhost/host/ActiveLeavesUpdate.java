package io.pvfhost.host;

import java.util.List;
import java.util.Optional;

/**
 * A change of the relay chain's active leaves, as the reference's {@code ActiveLeavesUpdate}: at most
 * one newly activated leaf and the leaves that are no longer active. The ancestors of the activated
 * leaf travel next to it ({@code ValidationHost.updateActiveLeaves(update, ancestors)}).
 *
 * @param activated the new leaf, or null
 * @param deactivated leaves that are no longer active
 */
public record ActiveLeavesUpdate(BlockHash activated, List<BlockHash> deactivated) {

    public ActiveLeavesUpdate {
        deactivated = List.copyOf(deactivated);
    }

    public static ActiveLeavesUpdate activated(BlockHash leaf) {
        return new ActiveLeavesUpdate(leaf, List.of());
    }

    public static ActiveLeavesUpdate deactivated(BlockHash... leaves) {
        return new ActiveLeavesUpdate(null, List.of(leaves));
    }

    public Optional<BlockHash> activatedLeaf() {
        return Optional.ofNullable(activated);
    }
}
