package io.pvfhost.host.execute;

import io.pvfhost.common.error.ValidationOutcome;
import io.pvfhost.common.error.ValidationOutcome.InvalidKind;
import io.pvfhost.common.error.ValidationOutcome.PossiblyInvalidKind;
import io.pvfhost.common.scale.ScaleException;
import io.pvfhost.common.types.ValidationResult;

/** Maps what a worker reported to the reference's validation outcome classes (section 5). */
public final class Outcomes {
    private Outcomes() {}

    public static ValidationOutcome of(ExecuteResult result) {
        if (result instanceof ExecuteResult.Dropped d) {
            return new ValidationOutcome.Deadline(d.detail());
        }
        if (result instanceof ExecuteResult.WorkerFailed f) {
            return switch (f.kind()) {
                case TIMED_OUT -> new ValidationOutcome.Invalid(InvalidKind.HardTimeout, f.detail());
                case DIED -> new ValidationOutcome.PossiblyInvalid(PossiblyInvalidKind.AmbiguousWorkerDeath, f.detail());
                case PROTOCOL, SPAWN_FAILED, VERSION_MISMATCH -> new ValidationOutcome.InternalError(f.detail());
            };
        }
        var r = ((ExecuteResult.Response) result).response();
        return switch (r.status()) {
            case OK -> valid(r.resultBytes());
            case INVALID -> new ValidationOutcome.Invalid(InvalidKind.WorkerReportedInvalid, r.detail());
            case TIMED_OUT -> new ValidationOutcome.Invalid(InvalidKind.HardTimeout, r.detail());
            case POV_DECOMPRESSION_FAILURE -> new ValidationOutcome.Invalid(InvalidKind.PoVDecompressionFailure, r.detail());
            case RUNTIME_CONSTRUCTION -> new ValidationOutcome.PossiblyInvalid(PossiblyInvalidKind.RuntimeConstruction, r.detail());
            case CORRUPTED_ARTIFACT -> new ValidationOutcome.PossiblyInvalid(PossiblyInvalidKind.CorruptedArtifact, r.detail());
            case JOB_ERROR -> new ValidationOutcome.PossiblyInvalid(PossiblyInvalidKind.JobError, r.detail());
        };
    }

    private static ValidationOutcome valid(byte[] bytes) {
        try {
            // decoded again here: the worker is not trusted to have checked it
            return new ValidationOutcome.Valid(ValidationResult.decode(bytes), bytes);
        } catch (ScaleException e) {
            return new ValidationOutcome.Invalid(InvalidKind.WorkerReportedInvalid,
                    "validate_block returned bytes that are not a ValidationResult: " + e.getMessage());
        }
    }
}
