package io.pvfhost.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pvfhost.common.error.PrepareError;
import io.pvfhost.common.error.ValidationOutcome;
import io.pvfhost.common.types.OutboundHrmpMessage;
import io.pvfhost.common.types.ValidationResult;
import io.pvfhost.host.PrecheckOutcome;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportsTest {
    private static String json(ValidationOutcome o) {
        return Reports.toJson(Reports.json(o));
    }

    @Test
    void shouldWriteAValidOutcomeWithResultAndResultBytes() {
        ValidationResult r = new ValidationResult(new byte[] {1, 2}, null, List.of(), List.of(), 0, 1);
        assertEquals("{\"outcome\":\"valid\",\"result\":{\"headData\":\"0x0102\",\"newValidationCode\":null,"
                + "\"upwardMessages\":[],\"horizontalMessages\":[],\"processedDownwardMessages\":0,\"hrmpWatermark\":1},"
                + "\"resultBytes\":\"0x0801020000000000000001000000\"}",
                json(new ValidationOutcome.Valid(r, r.encode())));
    }

    @Test
    void shouldWriteMessagesAndNewCodeAsHex() {
        ValidationResult r = new ValidationResult(new byte[] {1}, new byte[] {(byte) 0xab},
                List.of(new byte[] {9}, new byte[0]), List.of(new OutboundHrmpMessage(2000, new byte[] {7, 8})), 3, 4_000_000_000L);
        String json = json(new ValidationOutcome.Valid(r, r.encode()));
        assertEquals("{\"headData\":\"0x01\",\"newValidationCode\":\"0xab\",\"upwardMessages\":[\"0x09\",\"0x\"],"
                + "\"horizontalMessages\":[{\"recipient\":2000,\"data\":\"0x0708\"}],\"processedDownwardMessages\":3,"
                + "\"hrmpWatermark\":4000000000}", Reports.toJson(Reports.json(r)));
        assertEquals(true, json.contains("\"resultBytes\":\"0x"));
    }

    @Test
    void shouldNameErrorKindsAndExitStatuses() {
        record Case(ValidationOutcome outcome, String json, int exit) {}
        for (Case c : List.of(
                new Case(new ValidationOutcome.Invalid(ValidationOutcome.InvalidKind.HardTimeout, "2 s"),
                        "{\"outcome\":\"invalid\",\"error\":{\"kind\":\"HardTimeout\",\"detail\":\"2 s\"}}", 1),
                new Case(new ValidationOutcome.PossiblyInvalid(ValidationOutcome.PossiblyInvalidKind.AmbiguousWorkerDeath, "killed"),
                        "{\"outcome\":\"possibly-invalid\",\"error\":{\"kind\":\"AmbiguousWorkerDeath\",\"detail\":\"killed\"}}", 2),
                new Case(new ValidationOutcome.InternalError("disk"),
                        "{\"outcome\":\"internal-error\",\"error\":{\"kind\":\"Internal\",\"detail\":\"disk\"}}", 2),
                new Case(new ValidationOutcome.PreparationFailed(new PrepareError(PrepareError.Kind.COULD_NOT_DECOMPRESS_CODE_BLOB, "bomb")),
                        "{\"outcome\":\"preparation-error\",\"error\":{\"kind\":\"CouldNotDecompressCodeBlob\",\"detail\":\"bomb\"}}", 2),
                new Case(new ValidationOutcome.Deadline("stale"),
                        "{\"outcome\":\"deadline\",\"error\":{\"kind\":\"Deadline\",\"detail\":\"stale\"}}", 2))) {
            assertEquals(c.json(), json(c.outcome()));
            assertEquals(c.exit(), Reports.exitCode(c.outcome()), c.json());
        }
    }

    @Test
    void shouldEscapeNonAsciiSoStdoutIsAscii() {
        assertEquals("{\"outcome\":\"internal-error\",\"error\":{\"kind\":\"Internal\",\"detail\":\"a\\u2026\"}}",
                json(new ValidationOutcome.InternalError("a\u2026")));
    }

    @Test
    void shouldWritePrecheckOutcomes() {
        assertEquals("{\"outcome\":\"valid\",\"codeHash\":\"0x01\"}", Reports.toJson(Reports.json(PrecheckOutcome.Valid.INSTANCE, "0x01")));
        PrecheckOutcome invalid = new PrecheckOutcome.Invalid(new PrepareError(PrepareError.Kind.PREVALIDATION, "bad magic"));
        assertEquals("{\"outcome\":\"invalid\",\"codeHash\":\"0x01\",\"error\":{\"kind\":\"Prevalidation\",\"detail\":\"bad magic\"}}",
                Reports.toJson(Reports.json(invalid, "0x01")));
        PrecheckOutcome failed = new PrecheckOutcome.Failed(new PrepareError(PrepareError.Kind.TIMED_OUT, "60 s"));
        assertEquals("{\"outcome\":\"failed\",\"codeHash\":\"0x01\",\"error\":{\"kind\":\"TimedOut\",\"detail\":\"60 s\"}}",
                Reports.toJson(Reports.json(failed, "0x01")));
        assertEquals(0, Reports.exitCode(PrecheckOutcome.Valid.INSTANCE));
        assertEquals(1, Reports.exitCode(invalid));
        assertEquals(2, Reports.exitCode(failed));
        assertEquals("failed: code hash 0x01: TimedOut: 60 s", Reports.summary(failed, "0x01"));
    }
}
