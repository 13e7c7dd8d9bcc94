package io.pvfhost.worker.execute.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The part of STROBE v1.0.2 at the 128-bit security level that merlin uses: meta-AD, AD, PRF and
 * KEY, without the transport (T) flag. A line-by-line port of merlin's {@code strobe.rs}, which is
 * what schnorrkel's transcripts run on; byte compatibility with it is the whole point.
 */
final class Strobe128 {
    /** Rate in bytes for security level 128: 200 - 2 * 128 / 8 - 2. */
    private static final int R = 166;

    private static final int FLAG_I = 1;
    private static final int FLAG_A = 1 << 1;
    private static final int FLAG_C = 1 << 2;
    private static final int FLAG_T = 1 << 3;
    private static final int FLAG_M = 1 << 4;
    private static final int FLAG_K = 1 << 5;

    private final byte[] state;
    private int pos;
    private int posBegin;
    private int curFlags;

    private Strobe128(byte[] state, int pos, int posBegin, int curFlags) {
        this.state = state;
        this.pos = pos;
        this.posBegin = posBegin;
        this.curFlags = curFlags;
    }

    static Strobe128 create(byte[] protocolLabel) {
        byte[] st = new byte[200];
        byte[] init = {1, (byte) (R + 2), 1, 0, 1, 96};
        System.arraycopy(init, 0, st, 0, init.length);
        byte[] version = "STROBEv1.0.2".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(version, 0, st, 6, version.length);
        KeccakF1600.permute(st);
        Strobe128 s = new Strobe128(st, 0, 0, 0);
        s.metaAd(protocolLabel, false);
        return s;
    }

    Strobe128 copy() {
        return new Strobe128(Arrays.copyOf(state, state.length), pos, posBegin, curFlags);
    }

    void metaAd(byte[] data, boolean more) {
        beginOp(FLAG_M | FLAG_A, more);
        absorb(data);
    }

    void ad(byte[] data, boolean more) {
        beginOp(FLAG_A, more);
        absorb(data);
    }

    void prf(byte[] out, boolean more) {
        beginOp(FLAG_I | FLAG_A | FLAG_C, more);
        squeeze(out);
    }

    void key(byte[] data, boolean more) {
        beginOp(FLAG_A | FLAG_C, more);
        overwrite(data);
    }

    private void runF() {
        state[pos] ^= (byte) posBegin;
        state[pos + 1] ^= 0x04;
        state[R + 1] ^= (byte) 0x80;
        KeccakF1600.permute(state);
        pos = 0;
        posBegin = 0;
    }

    private void absorb(byte[] data) {
        for (byte b : data) {
            state[pos] ^= b;
            pos++;
            if (pos == R) {
                runF();
            }
        }
    }

    private void overwrite(byte[] data) {
        for (byte b : data) {
            state[pos] = b;
            pos++;
            if (pos == R) {
                runF();
            }
        }
    }

    private void squeeze(byte[] out) {
        for (int i = 0; i < out.length; i++) {
            out[i] = state[pos];
            state[pos] = 0;
            pos++;
            if (pos == R) {
                runF();
            }
        }
    }

    private void beginOp(int flags, boolean more) {
        if (more) {
            if (curFlags != flags) {
                throw new IllegalStateException("continued STROBE op " + curFlags + " with flags " + flags);
            }
            return;
        }
        if ((flags & FLAG_T) != 0) {
            throw new IllegalArgumentException("the T flag is not supported");
        }
        int oldBegin = posBegin;
        posBegin = pos + 1;
        curFlags = flags;
        absorb(new byte[] {(byte) oldBegin, (byte) flags});
        boolean forceF = (flags & (FLAG_C | FLAG_K)) != 0;
        if (forceF && pos != 0) {
            runF();
        }
    }
}
