package io.pvfhost.worker.execute.crypto;

/**
 * Keccak-256 and Keccak-512 (the original padding, as Ethereum and sp-io use it, not SHA-3) over
 * our Keccak-f[1600]. The execute worker uses this rather than BouncyCastle's digest: it was
 * written when BouncyCastle's signed jar cost a fresh JVM 0.3-1.4 s of signature checks at its first
 * class (the workers now get an unsigned subset, docs/PREPARATION.md), and it keeps the adder-like
 * PVFs, which call keccak on every block, off BouncyCastle's classes altogether.
 */
public final class Keccak {
    private Keccak() {}

    public static byte[] keccak256(byte[] data) {
        return hash(data, 32);
    }

    public static byte[] keccak512(byte[] data) {
        return hash(data, 64);
    }

    static byte[] hash(byte[] data, int outBytes) {
        int rate = 200 - 2 * outBytes;
        long[] state = new long[25];
        int off = 0;
        while (data.length - off >= rate) {
            absorb(state, data, off, rate);
            KeccakF1600.permute(state);
            off += rate;
        }
        byte[] last = new byte[rate];
        System.arraycopy(data, off, last, 0, data.length - off);
        last[data.length - off] ^= 0x01;
        last[rate - 1] ^= (byte) 0x80;
        absorb(state, last, 0, rate);
        KeccakF1600.permute(state);
        byte[] out = new byte[outBytes];
        for (int i = 0; i < outBytes; i++) {
            out[i] = (byte) (state[i / 8] >>> (8 * (i % 8)));
        }
        return out;
    }

    private static void absorb(long[] state, byte[] b, int off, int rate) {
        for (int i = 0; i < rate / 8; i++) {
            long lane = 0;
            for (int j = 7; j >= 0; j--) {
                lane = (lane << 8) | (b[off + 8 * i + j] & 0xffL);
            }
            state[i] ^= lane;
        }
    }
}
