package io.pvfhost.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ActiveLeavesTest {
    private final ActiveLeaves leaves = new ActiveLeaves();

    @Test
    void shouldFindEveryRelayParentViableUntilTheFirstUpdate() {
        assertTrue(leaves.isViable(Jobs.block(1)));
        assertTrue(leaves.isViable(null));
    }

    @Test
    void shouldFindALeafAndItsAncestorsViable() {
        leaves.update(ActiveLeavesUpdate.activated(Jobs.block(3)), List.of(Jobs.block(2), Jobs.block(1)));
        assertTrue(leaves.isViable(Jobs.block(3)));
        assertTrue(leaves.isViable(Jobs.block(1)));
        assertFalse(leaves.isViable(Jobs.block(0)));
        assertTrue(leaves.isViable(null));
    }

    @Test
    void shouldForgetDeactivatedLeavesWithTheirAncestors() {
        leaves.update(ActiveLeavesUpdate.activated(Jobs.block(3)), List.of(Jobs.block(2)));
        leaves.update(ActiveLeavesUpdate.activated(Jobs.block(13)), List.of(Jobs.block(12)));
        leaves.update(ActiveLeavesUpdate.deactivated(Jobs.block(3)), List.of());
        assertFalse(leaves.isViable(Jobs.block(2)));
        assertTrue(leaves.isViable(Jobs.block(12)));
        assertEquals(Set.of(Jobs.block(13)), leaves.leaves());
        leaves.update(ActiveLeavesUpdate.deactivated(Jobs.block(13)), List.of());
        assertFalse(leaves.isViable(Jobs.block(13)), "with no leaf left nothing is viable");
    }
}
