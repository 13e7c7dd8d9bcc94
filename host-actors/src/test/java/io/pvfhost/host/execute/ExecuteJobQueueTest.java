package io.pvfhost.host.execute;

import static io.pvfhost.host.ExecKind.APPROVAL;
import static io.pvfhost.host.ExecKind.BACKING;
import static io.pvfhost.host.ExecKind.BACKING_SYSTEM_PARAS;
import static io.pvfhost.host.ExecKind.DISPUTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pvfhost.host.ExecKind;
import io.pvfhost.host.Jobs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The execute priorities: ports of the reference's {@code Unscheduled} tests (execute/queue.rs). */
class ExecuteJobQueueTest {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final int WINDOW = ExecuteJobQueue.SCHEDULING_WINDOW_SIZE;

    private final ExecuteJobQueue unscheduled = new ExecuteJobQueue();
    private long next;

    private void add(ExecKind kind) {
        unscheduled.add(Jobs.executeJob(++next, kind), T0);
    }

    /** Selects and marks a window's worth of kinds, as the reference's tests do. */
    private List<ExecKind> selectWindow() {
        List<ExecKind> priorities = new ArrayList<>();
        for (int i = 0; i < WINDOW; i++) {
            ExecKind p = unscheduled.selectNextPriority();
            priorities.add(p);
            unscheduled.markScheduled(p);
        }
        return priorities;
    }

    // Port of test_unscheduled_add.
    @Test
    void shouldQueueEachKindSeparately() {
        for (ExecKind k : ExecKind.values()) {
            add(k);
        }
        for (ExecKind k : ExecKind.values()) {
            assertEquals(1, unscheduled.size(k), k.toString());
        }
    }

    // Port of test_unscheduled_priority_distribution: with all four busy a window runs 8/3/1/0.
    @Test
    void shouldDistributeAWindowEightThreeOneWhenAllKindsWait() {
        for (int i = 0; i < WINDOW; i++) {
            add(DISPUTE);
            add(APPROVAL);
            add(BACKING_SYSTEM_PARAS);
            add(BACKING);
        }
        List<ExecKind> priorities = selectWindow();
        assertEquals(8, Collections.frequency(priorities, DISPUTE));
        assertEquals(3, Collections.frequency(priorities, APPROVAL));
        assertEquals(1, Collections.frequency(priorities, BACKING_SYSTEM_PARAS));
        assertEquals(0, Collections.frequency(priorities, BACKING));
    }

    // Port of test_unscheduled_priority_distribution_without_backing_system_paras.
    @Test
    void shouldGiveBackingTheLastSlotWithoutSystemParaBacking() {
        for (int i = 0; i < WINDOW; i++) {
            add(DISPUTE);
            add(APPROVAL);
            add(BACKING);
        }
        List<ExecKind> priorities = selectWindow();
        assertEquals(8, Collections.frequency(priorities, DISPUTE));
        assertEquals(3, Collections.frequency(priorities, APPROVAL));
        assertEquals(1, Collections.frequency(priorities, BACKING));
    }

    // Port of test_unscheduled_priority_distribution_without_disputes: 9/2/1.
    @Test
    void shouldDistributeAWindowNineTwoOneWithoutDisputes() {
        for (int i = 0; i < WINDOW; i++) {
            add(APPROVAL);
            add(BACKING_SYSTEM_PARAS);
            add(BACKING);
        }
        List<ExecKind> priorities = selectWindow();
        assertEquals(9, Collections.frequency(priorities, APPROVAL));
        assertEquals(2, Collections.frequency(priorities, BACKING_SYSTEM_PARAS));
        assertEquals(1, Collections.frequency(priorities, BACKING));
    }

    // Port of test_unscheduled_priority_distribution_without_disputes_and_only_one_backing.
    @Test
    void shouldRunTheOnlyBackingJobInAWindowOfApprovals() {
        for (int i = 0; i < WINDOW; i++) {
            add(APPROVAL);
        }
        add(BACKING);
        List<ExecKind> priorities = selectWindow();
        assertEquals(11, Collections.frequency(priorities, APPROVAL));
        assertEquals(1, Collections.frequency(priorities, BACKING));
    }

    // Port of test_unscheduled_does_not_postpone_backing.
    @Test
    void shouldNotPostponeBackingToTheEndOfTheWindow() {
        for (int i = 0; i < WINDOW; i++) {
            add(APPROVAL);
        }
        add(BACKING);
        assertEquals(List.of(APPROVAL, BACKING, APPROVAL, APPROVAL), selectWindow().subList(0, 4));
    }

    @Test
    void shouldTakeOnlyDisputesWhenNothingElseWaits() {
        for (int i = 0; i < 2 * WINDOW; i++) {
            add(DISPUTE);
        }
        assertTrue(selectWindow().stream().allMatch(k -> k == DISPUTE));
    }

    @Test
    void shouldSelectBackingWhenNothingWaits() {
        assertEquals(BACKING, unscheduled.selectNextPriority());
        assertFalse(unscheduled.hasPending(BACKING));
    }

    @Test
    void shouldRestartTheCounterWhenTheWindowIsFull() {
        for (int i = 0; i < WINDOW - 1; i++) {
            unscheduled.markScheduled(DISPUTE);
        }
        assertEquals(WINDOW - 1, unscheduled.scheduledInWindow(DISPUTE));
        unscheduled.markScheduled(APPROVAL);
        assertEquals(0, unscheduled.scheduledInWindow(DISPUTE));
        assertEquals(0, unscheduled.scheduledInWindow(APPROVAL));
    }

    @Test
    void shouldRemoveJobsByRequestIdAndByPredicate() {
        add(DISPUTE);
        add(BACKING);
        add(BACKING);
        assertEquals(2L, unscheduled.remove(2).orElseThrow().requestId());
        assertTrue(unscheduled.remove(2).isEmpty());
        assertEquals(List.of(3L), unscheduled.removeIf(j -> j.kind() == BACKING).stream().map(ExecuteJob::requestId).toList());
        assertEquals(1, unscheduled.size());
    }

    @Test
    void shouldPutBackAJobFirstOfItsKind() {
        add(BACKING);
        add(BACKING);
        var first = unscheduled.queue(BACKING).pollFirst();
        unscheduled.putBack(first);
        assertEquals(1L, unscheduled.queue(BACKING).peekFirst().job().requestId());
    }
}
