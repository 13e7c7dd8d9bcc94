package io.pvfhost.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pvfhost.common.error.PrepareError;
import io.pvfhost.common.error.ValidationOutcome;
import io.pvfhost.common.error.ValidationOutcome.PossiblyInvalidKind;
import io.pvfhost.host.RetryPolicy.Answer;
import io.pvfhost.host.RetryPolicy.Budget;
import io.pvfhost.host.RetryPolicy.Retry;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The retry rules of the reference's {@code validate_candidate_with_retry}, decision by decision. */
class RetryPolicyTest {
    static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");
    static final Instant DEADLINE = NOW.plusSeconds(12);
    static final Duration DELAY = Duration.ofSeconds(3);

    static RetryPolicy.Decision decide(ValidationOutcome o, ExecKind kind, Budget b) {
        return RetryPolicy.decide(o, kind, b, NOW, DEADLINE, DELAY);
    }

    static ValidationOutcome possibly(PossiblyInvalidKind k) {
        return new ValidationOutcome.PossiblyInvalid(k, "x");
    }

    @Test
    void shouldRetryEachClassOnceWithItsOwnDelay() {
        assertEquals(new Retry(DELAY, new Budget(0, 1, 1, 1)),
                decide(possibly(PossiblyInvalidKind.AmbiguousWorkerDeath), ExecKind.APPROVAL, Budget.INITIAL));
        assertEquals(new Retry(DELAY, new Budget(0, 1, 1, 1)),
                decide(possibly(PossiblyInvalidKind.AmbiguousJobDeath), ExecKind.DISPUTE, Budget.INITIAL));
        assertEquals(new Retry(DELAY, new Budget(1, 0, 1, 1)),
                decide(possibly(PossiblyInvalidKind.JobError), ExecKind.APPROVAL, Budget.INITIAL));
        assertEquals(new Retry(DELAY, new Budget(1, 1, 0, 1)),
                decide(new ValidationOutcome.InternalError("io"), ExecKind.APPROVAL, Budget.INITIAL));
        assertEquals(new Retry(Duration.ZERO, new Budget(1, 1, 1, 0)),
                decide(possibly(PossiblyInvalidKind.CorruptedArtifact), ExecKind.APPROVAL, Budget.INITIAL));
        assertEquals(new Retry(Duration.ZERO, new Budget(1, 1, 1, 0)),
                decide(possibly(PossiblyInvalidKind.RuntimeConstruction), ExecKind.APPROVAL, Budget.INITIAL));
    }

    @Test
    void shouldAnswerOnceAClassHasUsedItsRetryButStillRetryAnother() {
        Budget afterDeath = new Budget(0, 1, 1, 1);
        assertSame(Answer.INSTANCE, decide(possibly(PossiblyInvalidKind.AmbiguousWorkerDeath), ExecKind.APPROVAL, afterDeath));
        assertSame(Answer.INSTANCE, decide(possibly(PossiblyInvalidKind.AmbiguousJobDeath), ExecKind.APPROVAL, afterDeath));
        assertEquals(new Retry(DELAY, new Budget(0, 0, 1, 1)),
                decide(possibly(PossiblyInvalidKind.JobError), ExecKind.APPROVAL, afterDeath));
        assertSame(Answer.INSTANCE, decide(new ValidationOutcome.InternalError("io"), ExecKind.APPROVAL, new Budget(1, 1, 0, 1)));
        assertSame(Answer.INSTANCE, decide(possibly(PossiblyInvalidKind.CorruptedArtifact), ExecKind.APPROVAL, new Budget(1, 1, 1, 0)));
    }

    @Test
    void shouldNeverRetryBacking() {
        for (ExecKind k : new ExecKind[] {ExecKind.BACKING, ExecKind.BACKING_SYSTEM_PARAS}) {
            for (PossiblyInvalidKind p : PossiblyInvalidKind.values()) {
                assertSame(Answer.INSTANCE, decide(possibly(p), k, Budget.INITIAL), k + " " + p);
            }
            assertSame(Answer.INSTANCE, decide(new ValidationOutcome.InternalError("io"), k, Budget.INITIAL));
        }
    }

    @Test
    void shouldNotRetryWhenTheDelayWouldPassTheDeadline() {
        assertSame(Answer.INSTANCE, RetryPolicy.decide(possibly(PossiblyInvalidKind.AmbiguousWorkerDeath), ExecKind.APPROVAL,
                Budget.INITIAL, DEADLINE.minusSeconds(2), DEADLINE, DELAY));
        // the immediate retry of an execution error is bounded the same way (reference)
        assertSame(Answer.INSTANCE, RetryPolicy.decide(possibly(PossiblyInvalidKind.CorruptedArtifact), ExecKind.APPROVAL,
                Budget.INITIAL, DEADLINE.minusSeconds(2), DEADLINE, DELAY));
        assertEquals(new Retry(DELAY, new Budget(0, 1, 1, 1)), RetryPolicy.decide(possibly(PossiblyInvalidKind.AmbiguousWorkerDeath),
                ExecKind.APPROVAL, Budget.INITIAL, DEADLINE.minusSeconds(3), DEADLINE, DELAY));
    }

    @Test
    void shouldAnswerVerdictsAndDeterministicErrors() {
        ValidationOutcome[] answered = {
            new ValidationOutcome.Invalid(ValidationOutcome.InvalidKind.HardTimeout, "t"),
            new ValidationOutcome.PreparationFailed(new PrepareError(PrepareError.Kind.PREVALIDATION, "bad")),
            new ValidationOutcome.Deadline("stale"),
        };
        for (ValidationOutcome o : answered) {
            assertSame(Answer.INSTANCE, decide(o, ExecKind.DISPUTE, Budget.INITIAL), o.toString());
        }
    }

    @Test
    void shouldRemoveTheArtifactOnlyAfterExecutionErrors() {
        assertTrue(RetryPolicy.removesArtifact(possibly(PossiblyInvalidKind.CorruptedArtifact)));
        assertTrue(RetryPolicy.removesArtifact(possibly(PossiblyInvalidKind.RuntimeConstruction)));
        assertFalse(RetryPolicy.removesArtifact(possibly(PossiblyInvalidKind.AmbiguousWorkerDeath)));
        assertFalse(RetryPolicy.removesArtifact(possibly(PossiblyInvalidKind.JobError)));
        assertFalse(RetryPolicy.removesArtifact(new ValidationOutcome.InternalError("io")));
    }

    @Test
    void shouldMakeATransientPreparationErrorInternalAndADeterministicOneAPreparationError() {
        PrepareError timedOut = new PrepareError(PrepareError.Kind.TIMED_OUT, "60 s");
        PrepareError prevalidation = new PrepareError(PrepareError.Kind.PREVALIDATION, "bad");
        assertTrue(Host.preparationFailed(timedOut) instanceof ValidationOutcome.InternalError);
        assertEquals(new ValidationOutcome.PreparationFailed(prevalidation), Host.preparationFailed(prevalidation));
    }
}
