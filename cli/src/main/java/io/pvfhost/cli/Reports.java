package io.pvfhost.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pvfhost.common.Hex;
import io.pvfhost.common.error.PrepareError;
import io.pvfhost.common.error.ValidationOutcome;
import io.pvfhost.common.types.OutboundHrmpMessage;
import io.pvfhost.common.types.ValidationResult;
import io.pvfhost.host.PrecheckOutcome;
import java.io.UncheckedIOException;

/**
 * Outcomes as the command line shows them: one JSON object ({@code --json}) or a short summary,
 * and the exit status. Pure functions of the outcome.
 */
final class Reports {
    /** Non-ASCII characters (in error details) are escaped, so stdout is ASCII whatever the locale. */
    private static final JsonMapper JSON = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
    /** Head data longer than this is abbreviated in the summary (never in JSON). */
    private static final int SUMMARY_HEAD_BYTES = 128;

    private Reports() {}

    static String toJson(ObjectNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- validate

    static int exitCode(ValidationOutcome o) {
        if (o instanceof ValidationOutcome.Valid) {
            return PvfHostCli.EXIT_VALID;
        }
        return o instanceof ValidationOutcome.Invalid ? PvfHostCli.EXIT_INVALID : PvfHostCli.EXIT_OTHER;
    }

    /**
     * {@code {"outcome":"valid","result":{...},"resultBytes":"0x.."}} or
     * {@code {"outcome":"invalid"|...,"error":{"kind":..,"detail":..}}}.
     */
    static ObjectNode json(ValidationOutcome o) {
        ObjectNode node = JSON.createObjectNode();
        node.put("outcome", o.outcome());
        if (o instanceof ValidationOutcome.Valid v) {
            node.set("result", json(v.result()));
            node.put("resultBytes", Hex.toHex(v.resultBytes()));
        } else {
            ErrorInfo e = ErrorInfo.of(o);
            node.set("error", e.json());
        }
        return node;
    }

    static ObjectNode json(ValidationResult r) {
        ObjectNode node = JSON.createObjectNode();
        node.put("headData", Hex.toHex(r.headData()));
        if (r.newValidationCode() == null) {
            node.putNull("newValidationCode");
        } else {
            node.put("newValidationCode", Hex.toHex(r.newValidationCode()));
        }
        ArrayNode up = node.putArray("upwardMessages");
        r.upwardMessages().forEach(m -> up.add(Hex.toHex(m)));
        ArrayNode horizontal = node.putArray("horizontalMessages");
        for (OutboundHrmpMessage m : r.horizontalMessages()) {
            horizontal.addObject().put("recipient", m.recipient()).put("data", Hex.toHex(m.data()));
        }
        node.put("processedDownwardMessages", r.processedDownwardMessages());
        node.put("hrmpWatermark", r.hrmpWatermark());
        return node;
    }

    static String summary(ValidationOutcome o) {
        if (o instanceof ValidationOutcome.Valid v) {
            ValidationResult r = v.result();
            return "valid: head " + Hex.abbreviate(r.headData(), SUMMARY_HEAD_BYTES) + " (" + r.headData().length + " bytes)"
                    + ", new code: " + (r.newValidationCode() == null ? "none" : r.newValidationCode().length + " bytes")
                    + ", " + r.upwardMessages().size() + " upward and " + r.horizontalMessages().size() + " horizontal messages"
                    + ", " + r.processedDownwardMessages() + " downward messages processed"
                    + ", hrmp watermark " + r.hrmpWatermark();
        }
        return o.outcome() + ": " + ErrorInfo.of(o).text();
    }

    // ---- precheck

    static int exitCode(PrecheckOutcome o) {
        if (o instanceof PrecheckOutcome.Valid) {
            return PvfHostCli.EXIT_VALID;
        }
        return o instanceof PrecheckOutcome.Invalid ? PvfHostCli.EXIT_INVALID : PvfHostCli.EXIT_OTHER;
    }

    /** {@code {"outcome":"valid"|"invalid"|"failed","codeHash":"0x..","error":{...}}}, error absent when valid. */
    static ObjectNode json(PrecheckOutcome o, String codeHash) {
        ObjectNode node = JSON.createObjectNode();
        node.put("outcome", o.outcome());
        node.put("codeHash", codeHash);
        PrepareError error = prepareError(o);
        if (error != null) {
            node.set("error", ErrorInfo.of(error).json());
        }
        return node;
    }

    static String summary(PrecheckOutcome o, String codeHash) {
        PrepareError error = prepareError(o);
        String s = o.outcome() + ": code hash " + codeHash;
        return error == null ? s : s + ": " + ErrorInfo.of(error).text();
    }

    private static PrepareError prepareError(PrecheckOutcome o) {
        if (o instanceof PrecheckOutcome.Invalid i) {
            return i.error();
        }
        return o instanceof PrecheckOutcome.Failed f ? f.error() : null;
    }

    // ---- errors

    /** The {@code error} object: kind and detail. */
    record ErrorInfo(String kind, String detail) {
        static ErrorInfo of(ValidationOutcome o) {
            if (o instanceof ValidationOutcome.Invalid i) {
                return new ErrorInfo(i.kind().name(), i.detail());
            }
            if (o instanceof ValidationOutcome.PossiblyInvalid p) {
                return new ErrorInfo(p.kind().name(), p.detail());
            }
            if (o instanceof ValidationOutcome.PreparationFailed p) {
                return of(p.error());
            }
            if (o instanceof ValidationOutcome.InternalError i) {
                return new ErrorInfo("Internal", i.detail());
            }
            if (o instanceof ValidationOutcome.Deadline d) {
                return new ErrorInfo("Deadline", d.detail());
            }
            throw new IllegalArgumentException("not an error outcome: " + o);
        }

        static ErrorInfo of(PrepareError e) {
            return new ErrorInfo(e.kind().displayName(), e.detail());
        }

        ObjectNode json() {
            return JSON.createObjectNode().put("kind", kind).put("detail", detail == null ? "" : detail);
        }

        String text() {
            return detail == null || detail.isEmpty() ? kind : kind + ": " + detail;
        }
    }
}
