package io.pvfhost.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pvfhost.common.params.ExecutorParam;
import io.pvfhost.common.params.ExecutorParams;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which CPU-time limit a job gets (reference section 4): by kind from the configuration, whose
 * defaults are the reference's; the session's executor parameters (PvfExecTimeout, PvfPrepTimeout,
 * kind 0 backing/precheck, 1 approval/lenient) before them; a request's own timeout first.
 */
class TimeoutsTest {
    @TempDir
    Path cache;

    private static final byte[] CODE = {0, 0x61, 0x73, 0x6d, 1, 0, 0, 0};

    private HostSettings defaults() {
        return HostSettings.from(TestData.config(cache, ""));
    }

    @Test
    void executionsShouldGetTheReferenceTimeoutOfTheirKind() {
        HostSettings s = defaults();
        Pvf pvf = Pvf.of(CODE);
        assertEquals(Duration.ofSeconds(2), Host.execTimeout(s, pvf, ExecKind.BACKING, null));
        assertEquals(Duration.ofSeconds(2), Host.execTimeout(s, pvf, ExecKind.BACKING_SYSTEM_PARAS, null));
        assertEquals(Duration.ofSeconds(12), Host.execTimeout(s, pvf, ExecKind.APPROVAL, null));
        assertEquals(Duration.ofSeconds(12), Host.execTimeout(s, pvf, ExecKind.DISPUTE, null));
    }

    @Test
    void preparationsShouldGetTheReferenceTimeoutOfTheirKind() {
        HostSettings s = defaults();
        assertEquals(Duration.ofSeconds(60), Host.prepTimeout(s, Pvf.of(CODE), true));
        assertEquals(Duration.ofSeconds(360), Host.prepTimeout(s, Pvf.of(CODE), false));
    }

    @Test
    void theSessionsExecutorParametersShouldComeBeforeTheConfiguration() {
        HostSettings s = defaults();
        Pvf pvf = Pvf.of(CODE, new ExecutorParams(List.of(
                new ExecutorParam.PvfExecTimeout(0, 1500), new ExecutorParam.PvfExecTimeout(1, 9000),
                new ExecutorParam.PvfPrepTimeout(0, 45_000), new ExecutorParam.PvfPrepTimeout(1, 300_000))));
        assertEquals(Duration.ofMillis(1500), Host.execTimeout(s, pvf, ExecKind.BACKING, null));
        assertEquals(Duration.ofMillis(1500), Host.execTimeout(s, pvf, ExecKind.BACKING_SYSTEM_PARAS, null));
        assertEquals(Duration.ofMillis(9000), Host.execTimeout(s, pvf, ExecKind.APPROVAL, null));
        assertEquals(Duration.ofMillis(9000), Host.execTimeout(s, pvf, ExecKind.DISPUTE, null));
        assertEquals(Duration.ofSeconds(45), Host.prepTimeout(s, pvf, true));
        assertEquals(Duration.ofSeconds(300), Host.prepTimeout(s, pvf, false));
        // one kind set: the other falls back to the configuration
        Pvf onlyBacking = Pvf.of(CODE, new ExecutorParams(List.of(new ExecutorParam.PvfExecTimeout(0, 1500))));
        assertEquals(Duration.ofSeconds(12), Host.execTimeout(s, onlyBacking, ExecKind.APPROVAL, null));
    }

    @Test
    void aRequestsOwnTimeoutShouldComeFirst() {
        Pvf pvf = Pvf.of(CODE, new ExecutorParams(List.of(new ExecutorParam.PvfExecTimeout(0, 1500))));
        assertEquals(Duration.ofMillis(700), Host.execTimeout(defaults(), pvf, ExecKind.BACKING, Duration.ofMillis(700)));
    }

    @Test
    void theConfiguredTimeoutsShouldApplyWhenTheSessionSetsNone() {
        HostSettings s = HostSettings.from(TestData.config(cache, """
                pvf.host.execute.backing-timeout = 3s
                pvf.host.execute.approval-timeout = 20s
                pvf.host.prepare.precheck-timeout = 30s
                pvf.host.prepare.lenient-timeout = 100s
                """));
        Pvf pvf = Pvf.of(CODE);
        assertEquals(Duration.ofSeconds(3), Host.execTimeout(s, pvf, ExecKind.BACKING, null));
        assertEquals(Duration.ofSeconds(20), Host.execTimeout(s, pvf, ExecKind.DISPUTE, null));
        assertEquals(Duration.ofSeconds(30), Host.prepTimeout(s, pvf, true));
        assertEquals(Duration.ofSeconds(100), Host.prepTimeout(s, pvf, false));
    }
}
