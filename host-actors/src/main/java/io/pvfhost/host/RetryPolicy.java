package io.pvfhost.host;

import io.pvfhost.common.error.ValidationOutcome;
import io.pvfhost.common.error.ValidationOutcome.PossiblyInvalidKind;
import java.time.Duration;
import java.time.Instant;

/**
 * When an execution is run again, as the reference's candidate validation decides it
 * ({@code validate_candidate_with_retry}): only approval and dispute retry; each class of failure
 * has one retry of its own (a worker or job death, a job error, an internal error, and an execution
 * error: runtime construction or a corrupted artifact); a death, job error or internal error is
 * retried after the retry delay, an execution error at once (its artifact is removed first, so the
 * retry prepares it again); and nothing is retried once the retry delay would pass the request's
 * deadline. Everything else (valid, invalid, a deterministic preparation error, a dropped job) is
 * answered.
 */
public final class RetryPolicy {
    private RetryPolicy() {}

    /** Retries left per class of failure; a request starts with {@link #INITIAL}. */
    public record Budget(int deaths, int jobErrors, int internal, int executionErrors) {
        public static final Budget INITIAL = new Budget(1, 1, 1, 1);
    }

    /** What to do with an execution's outcome. */
    public sealed interface Decision {}

    /** Answer the caller with the outcome. */
    public enum Answer implements Decision { INSTANCE }

    /** Run the request again after {@code delay} (zero: at once) with what is left of the budget. */
    public record Retry(Duration delay, Budget remaining) implements Decision {}

    public static Decision decide(ValidationOutcome outcome, ExecKind kind, Budget budget, Instant now, Instant deadline,
            Duration retryDelay) {
        if (!kind.retriesAmbiguous() || now.plus(retryDelay).isAfter(deadline)) {
            return Answer.INSTANCE;
        }
        if (outcome instanceof ValidationOutcome.InternalError) {
            return budget.internal() > 0
                    ? new Retry(retryDelay, new Budget(budget.deaths(), budget.jobErrors(), budget.internal() - 1,
                            budget.executionErrors()))
                    : Answer.INSTANCE;
        }
        if (!(outcome instanceof ValidationOutcome.PossiblyInvalid p)) {
            return Answer.INSTANCE;
        }
        return switch (p.kind()) {
            case AmbiguousWorkerDeath, AmbiguousJobDeath -> budget.deaths() > 0
                    ? new Retry(retryDelay, new Budget(budget.deaths() - 1, budget.jobErrors(), budget.internal(),
                            budget.executionErrors()))
                    : Answer.INSTANCE;
            case JobError -> budget.jobErrors() > 0
                    ? new Retry(retryDelay, new Budget(budget.deaths(), budget.jobErrors() - 1, budget.internal(),
                            budget.executionErrors()))
                    : Answer.INSTANCE;
            case RuntimeConstruction, CorruptedArtifact -> budget.executionErrors() > 0
                    ? new Retry(Duration.ZERO, new Budget(budget.deaths(), budget.jobErrors(), budget.internal(),
                            budget.executionErrors() - 1))
                    : Answer.INSTANCE;
        };
    }

    /** The execution errors after which the artifact is removed, so that it is prepared again (reference). */
    public static boolean removesArtifact(ValidationOutcome outcome) {
        return outcome instanceof ValidationOutcome.PossiblyInvalid p
                && (p.kind() == PossiblyInvalidKind.RuntimeConstruction || p.kind() == PossiblyInvalidKind.CorruptedArtifact);
    }
}
