package io.pvfhost.common.error;

import io.pvfhost.common.types.ValidationResult;

/**
 * What an execute request ends with. The classes are the reference's (section 5): a candidate is
 * {@link Valid} or {@link Invalid}; {@link PossiblyInvalid} is ambiguous and may be retried;
 * {@link InternalError} is the host's own trouble; {@link PreparationFailed} is a deterministic
 * preparation error; {@link Deadline} means the job was dropped before it ran.
 */
public sealed interface ValidationOutcome {

    /** The JSON/CLI outcome name. */
    String outcome();

    record Valid(ValidationResult result, byte[] resultBytes) implements ValidationOutcome {
        public String outcome() { return "valid"; }
    }

    /** The candidate is invalid: the worker reported it, hard timeout, PoV decompression. */
    record Invalid(InvalidKind kind, String detail) implements ValidationOutcome {
        public String outcome() { return "invalid"; }
    }

    /** Ambiguous failure; approval and dispute retry it once. */
    record PossiblyInvalid(PossiblyInvalidKind kind, String detail) implements ValidationOutcome {
        public String outcome() { return "possibly-invalid"; }
    }

    record InternalError(String detail) implements ValidationOutcome {
        public String outcome() { return "internal-error"; }
    }

    record PreparationFailed(PrepareError error) implements ValidationOutcome {
        public String outcome() { return "preparation-error"; }
    }

    /** Dropped before it ran (stale backing job, overload). */
    record Deadline(String detail) implements ValidationOutcome {
        public String outcome() { return "deadline"; }
    }

    enum InvalidKind {
        WorkerReportedInvalid,
        HardTimeout,
        PoVDecompressionFailure,
        InvalidParams
    }

    enum PossiblyInvalidKind {
        AmbiguousWorkerDeath,
        AmbiguousJobDeath,
        JobError,
        RuntimeConstruction,
        CorruptedArtifact
    }
}
