package io.pvfhost.common.wire;

import io.pvfhost.common.error.PrepareError;
import io.pvfhost.common.params.ExecutorParams;
import io.pvfhost.common.scale.ScaleException;
import io.pvfhost.common.scale.ScaleReader;
import io.pvfhost.common.scale.ScaleWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The host-worker protocol: every frame holds one message, a tag byte and SCALE fields. Decoding is
 * strict (bounded lengths, no trailing bytes): frames from a worker are untrusted input.
 *
 * <p>Promises: the worker sends {@link Hello} once, right after it connects; then each request gets
 * exactly one response before the next request is sent.
 */
public sealed interface Message {
    int MAX_STRING = 64 * 1024;
    int MAX_BLOB = 64 * 1024 * 1024;

    /** Worker to host, first frame: its version and process id. */
    record Hello(String version, long pid) implements Message {}

    /** Host to prepare worker. */
    record PrepareRequest(
            byte[] code, long maxCodeSize, long codeBombLimit, ExecutorParams executorParams, String artifactPath,
            long timeoutMillis)
            implements Message {}

    /** Prepare worker to host: the artifact is written at the requested path. */
    record Prepared(byte[] checksum, long artifactSize, long cpuMillis, int interpretedFunctions, long peakMemoryBytes)
            implements Message {}

    /** Prepare worker to host: preparation failed; an error artifact may have been written. */
    record PrepareFailed(PrepareError error) implements Message {}

    /** Host to execute worker. */
    record ExecuteRequest(
            String artifactPath, byte[] checksum, byte[] params, ExecutorParams executorParams, long timeoutMillis,
            long povBombLimit) implements Message {}

    /** Execute worker to host; {@code status} says how the job ended. */
    record ExecuteResponse(Status status, byte[] resultBytes, String detail, long cpuMillis) implements Message {
        public ExecuteResponse {
            resultBytes = resultBytes == null ? new byte[0] : resultBytes;
            detail = detail == null ? "" : detail;
        }
    }

    enum Status {
        OK,
        INVALID,
        TIMED_OUT,
        POV_DECOMPRESSION_FAILURE,
        RUNTIME_CONSTRUCTION,
        CORRUPTED_ARTIFACT,
        JOB_ERROR
    }

    static byte[] encode(Message m) {
        ScaleWriter w = new ScaleWriter();
        if (m instanceof Hello h) {
            w.u8(1);
            string(w, h.version());
            w.u64(h.pid());
        } else if (m instanceof PrepareRequest p) {
            w.u8(2);
            w.bytes(p.code());
            w.u64(p.maxCodeSize());
            w.u64(p.codeBombLimit());
            w.raw(p.executorParams().encode());
            string(w, p.artifactPath());
            w.u64(p.timeoutMillis());
        } else if (m instanceof Prepared p) {
            w.u8(3);
            w.bytes(p.checksum());
            w.u64(p.artifactSize());
            w.u64(p.cpuMillis());
            w.u32(p.interpretedFunctions());
            w.u64(p.peakMemoryBytes());
        } else if (m instanceof PrepareFailed f) {
            w.u8(4);
            w.u8(f.error().kind().ordinal());
            string(w, f.error().detail());
        } else if (m instanceof ExecuteRequest e) {
            w.u8(5);
            string(w, e.artifactPath());
            w.bytes(e.checksum());
            w.bytes(e.params());
            w.raw(e.executorParams().encode());
            w.u64(e.timeoutMillis());
            w.u64(e.povBombLimit());
        } else if (m instanceof ExecuteResponse r) {
            w.u8(6);
            w.u8(r.status().ordinal());
            w.bytes(r.resultBytes());
            string(w, r.detail());
            w.u64(r.cpuMillis());
        }
        return w.toByteArray();
    }

    /** Decodes a frame payload; {@link WireException} on anything malformed. */
    static Message decode(byte[] frame) {
        try {
            ScaleReader r = new ScaleReader(frame);
            Message m = switch (r.u8()) {
                case 1 -> new Hello(string(r), r.u64());
                case 2 -> new PrepareRequest(r.bytes(MAX_BLOB), r.u64(), r.u64(), ExecutorParams.decode(r), string(r), r.u64());
                case 3 -> new Prepared(r.bytes(64), r.u64(), r.u64(), nonNegativeInt(r.u32()), r.u64());
                case 4 -> new PrepareFailed(new PrepareError(enumAt(PrepareError.Kind.values(), r.u8()), string(r)));
                case 5 -> new ExecuteRequest(string(r), r.bytes(64), r.bytes(MAX_BLOB), ExecutorParams.decode(r), r.u64(), r.u64());
                case 6 -> new ExecuteResponse(enumAt(Status.values(), r.u8()), r.bytes(MAX_BLOB), string(r), r.u64());
                default -> throw new WireException("unknown message tag");
            };
            r.expectEnd();
            return m;
        } catch (ScaleException e) {
            throw new WireException("malformed message: " + e.getMessage(), e);
        }
    }

    /** A u32 that must fit a Java int: a cast would turn 2^31 and above into a negative count. */
    private static int nonNegativeInt(long u32) {
        if (u32 > Integer.MAX_VALUE) {
            throw new WireException("count " + u32 + " out of range");
        }
        return (int) u32;
    }

    private static <E> E enumAt(E[] values, int i) {
        if (i < 0 || i >= values.length) {
            throw new WireException("unknown variant " + i);
        }
        return values[i];
    }

    private static void string(ScaleWriter w, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        w.bytes(b.length > MAX_STRING ? Arrays.copyOf(b, MAX_STRING) : b);
    }

    private static String string(ScaleReader r) {
        return new String(r.bytes(MAX_STRING), StandardCharsets.UTF_8);
    }
}
