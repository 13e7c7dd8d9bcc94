package io.pvfhost.host;

import io.pvfhost.common.error.PrepareError;

/**
 * The answer to a precheck, as in the reference: valid; invalid (a deterministic preparation
 * error: vote against the code); failed (a transient error: no vote either way).
 */
public sealed interface PrecheckOutcome {
    String outcome();

    enum Valid implements PrecheckOutcome {
        INSTANCE;

        public String outcome() {
            return "valid";
        }
    }

    record Invalid(PrepareError error) implements PrecheckOutcome {
        public String outcome() {
            return "invalid";
        }
    }

    record Failed(PrepareError error) implements PrecheckOutcome {
        public String outcome() {
            return "failed";
        }
    }

    static PrecheckOutcome of(PrepareError error) {
        return error.isTransient() ? new Failed(error) : new Invalid(error);
    }
}
