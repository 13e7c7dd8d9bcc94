package io.pvfhost.common.types;

import io.pvfhost.common.Hex;
import io.pvfhost.common.scale.ScaleException;
import io.pvfhost.common.scale.ScaleReader;
import io.pvfhost.common.scale.ScaleWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What {@code validate_block} returns, SCALE-encoded as the reference's {@code ValidationResult}:
 * head data (bytes), new validation code ({@code Option<bytes>}), upward messages (vector of
 * bytes), horizontal messages (vector of {recipient u32, data bytes}), processed downward messages
 * (u32), hrmp watermark (u32).
 *
 * <p>The bytes come out of untrusted code, so decoding is strict. The bounds below stop absurd
 * input early; the relay chain's own, tighter acceptance checks (head size, message sizes and
 * counts from its configuration) are applied later by the caller of the host, not here. Arrays are
 * not copied: treat them as immutable.
 */
public record ValidationResult(
        byte[] headData,
        byte[] newValidationCode,
        List<byte[]> upwardMessages,
        List<OutboundHrmpMessage> horizontalMessages,
        long processedDownwardMessages,
        long hrmpWatermark) {

    /** Max head data (section 4 of the reference facts). */
    public static final int MAX_HEAD_DATA = 1024 * 1024;
    /**
     * New code may be compressed; max code size is 3 MiB, and 30 MiB is the decompression bomb
     * limit the reference's tests use, so nothing legitimate is larger.
     */
    public static final int MAX_NEW_CODE = 30 * 1024 * 1024;
    /** The reference's {@code MAX_UPWARD_MESSAGE_NUM}; its {@code BoundedVec} rejects more. */
    public static final int MAX_UPWARD_MESSAGES = 16_384;
    /** The reference's {@code MAX_HORIZONTAL_MESSAGE_NUM}. */
    public static final int MAX_HORIZONTAL_MESSAGES = 16_384;
    /**
     * Per message; the reference's type has no bound, and the relay chain's configured ones are
     * far lower (upward messages at most 128 KiB, {@code MAX_UPWARD_MESSAGE_SIZE_BOUND}).
     */
    public static final int MAX_MESSAGE_SIZE = 1024 * 1024;

    public ValidationResult {
        Objects.requireNonNull(headData, "headData");
        upwardMessages = List.copyOf(upwardMessages);
        horizontalMessages = List.copyOf(horizontalMessages);
        requireU32("processedDownwardMessages", processedDownwardMessages);
        requireU32("hrmpWatermark", hrmpWatermark);
    }

    public byte[] encode() {
        ScaleWriter w = new ScaleWriter(headData.length + 64);
        w.bytes(headData);
        if (newValidationCode == null) {
            w.u8(0);
        } else {
            w.u8(1).bytes(newValidationCode);
        }
        w.compact(upwardMessages.size());
        upwardMessages.forEach(w::bytes);
        w.compact(horizontalMessages.size());
        for (OutboundHrmpMessage m : horizontalMessages) {
            w.u32(m.recipient()).bytes(m.data());
        }
        return w.u32(processedDownwardMessages).u32(hrmpWatermark).toByteArray();
    }

    /** Strict decode: bounded lengths and counts, Option tag 0 or 1, no trailing bytes. */
    public static ValidationResult decode(byte[] encoded) {
        return decode(encoded, true);
    }

    /**
     * The reference's decode of what {@code validate_block} returned ({@code Decode::decode}, not
     * {@code decode_all}): a result followed by more bytes is that result; the rest is ignored.
     */
    public static ValidationResult decodePrefix(byte[] encoded) {
        return decode(encoded, false);
    }

    private static ValidationResult decode(byte[] encoded, boolean strict) {
        ScaleReader r = new ScaleReader(encoded);
        byte[] head = r.bytes(MAX_HEAD_DATA);
        int at = r.position();
        byte[] code = switch (r.u8()) {
            case 0 -> null;
            case 1 -> r.bytes(MAX_NEW_CODE);
            default -> throw new ScaleException("invalid Option tag at offset " + at + " (new validation code)");
        };
        int nUp = r.count(MAX_UPWARD_MESSAGES, 1); // each is at least its 1-byte length prefix
        List<byte[]> up = new ArrayList<>(nUp);
        for (int i = 0; i < nUp; i++) {
            up.add(r.bytes(MAX_MESSAGE_SIZE));
        }
        int nHorizontal = r.count(MAX_HORIZONTAL_MESSAGES, 5); // u32 recipient and a length prefix
        List<OutboundHrmpMessage> horizontal = new ArrayList<>(nHorizontal);
        for (int i = 0; i < nHorizontal; i++) {
            horizontal.add(new OutboundHrmpMessage(r.u32(), r.bytes(MAX_MESSAGE_SIZE)));
        }
        ValidationResult result = new ValidationResult(head, code, up, horizontal, r.u32(), r.u32());
        if (strict) {
            r.expectEnd();
        }
        return result;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ValidationResult v
                && processedDownwardMessages == v.processedDownwardMessages
                && hrmpWatermark == v.hrmpWatermark
                && Arrays.equals(headData, v.headData)
                && Arrays.equals(newValidationCode, v.newValidationCode)
                && horizontalMessages.equals(v.horizontalMessages)
                && sameMessages(upwardMessages, v.upwardMessages);
    }

    @Override
    public int hashCode() {
        int h = Arrays.hashCode(headData);
        h = 31 * h + Arrays.hashCode(newValidationCode);
        for (byte[] m : upwardMessages) {
            h = 31 * h + Arrays.hashCode(m);
        }
        h = 31 * h + horizontalMessages.hashCode();
        h = 31 * h + Long.hashCode(processedDownwardMessages);
        return 31 * h + Long.hashCode(hrmpWatermark);
    }

    @Override
    public String toString() {
        return "ValidationResult[headData=" + Hex.abbreviate(headData, 128)
                + ", newValidationCode=" + (newValidationCode == null ? "none" : Hex.abbreviate(newValidationCode, 16))
                + ", upwardMessages=" + upwardMessages.stream().map(m -> Hex.abbreviate(m, 32)).toList()
                + ", horizontalMessages=" + horizontalMessages
                + ", processedDownwardMessages=" + processedDownwardMessages
                + ", hrmpWatermark=" + hrmpWatermark + "]";
    }

    private static boolean sameMessages(List<byte[]> a, List<byte[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static void requireU32(String name, long v) {
        if (v < 0 || v > 0xffff_ffffL) {
            throw new IllegalArgumentException(name + " is not a u32: " + v);
        }
    }
}
