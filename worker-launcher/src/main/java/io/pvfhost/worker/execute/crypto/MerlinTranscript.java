package io.pvfhost.worker.execute.crypto;

import java.nio.charset.StandardCharsets;

/**
 * A merlin transcript (merlin 1.x to 3.x, all protocol "Merlin v1.0"): STROBE-128 initialised with
 * that label, then {@code append_message(b"dom-sep", label)}. Messages go in as meta-AD(label),
 * meta-AD(u32 LE length) continued, AD(message); challenges as meta-AD(label), meta-AD(u32 LE
 * length) continued, PRF(length). Mutable, like the Rust type; {@link #copy()} forks it.
 */
public final class MerlinTranscript {
    private static final byte[] MERLIN_PROTOCOL_LABEL = ascii("Merlin v1.0");

    private final Strobe128 strobe;

    private MerlinTranscript(Strobe128 strobe) {
        this.strobe = strobe;
    }

    public static MerlinTranscript create(byte[] label) {
        MerlinTranscript t = new MerlinTranscript(Strobe128.create(MERLIN_PROTOCOL_LABEL));
        t.appendMessage(ascii("dom-sep"), label);
        return t;
    }

    public MerlinTranscript copy() {
        return new MerlinTranscript(strobe.copy());
    }

    public void appendMessage(byte[] label, byte[] message) {
        strobe.metaAd(label, false);
        strobe.metaAd(u32le(message.length), true);
        strobe.ad(message, false);
    }

    public byte[] challengeBytes(byte[] label, int length) {
        byte[] out = new byte[length];
        strobe.metaAd(label, false);
        strobe.metaAd(u32le(length), true);
        strobe.prf(out, false);
        return out;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] u32le(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }
}
