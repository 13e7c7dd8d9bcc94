package io.pvfhost.worker.execute.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class KeccakF1600Test {

    /** SHA3-256 (FIPS 202) as a sponge over our permutation: rate 136 bytes, pad 0x06 ... 0x80. */
    private static byte[] sha3_256(byte[] msg) {
        int rate = 136;
        byte[] state = new byte[200];
        int padded = (msg.length / rate + 1) * rate;
        byte[] buf = new byte[padded];
        System.arraycopy(msg, 0, buf, 0, msg.length);
        buf[msg.length] ^= 0x06;
        buf[padded - 1] ^= (byte) 0x80;
        for (int off = 0; off < padded; off += rate) {
            for (int i = 0; i < rate; i++) {
                state[i] ^= buf[off + i];
            }
            KeccakF1600.permute(state);
        }
        byte[] out = new byte[32];
        System.arraycopy(state, 0, out, 0, 32);
        return out;
    }

    @Test
    void shouldMatchTheJdkSha3ForMessagesOfManyLengths() throws Exception {
        for (int len = 0; len < 700; len += 7) {
            byte[] msg = new byte[len];
            for (int i = 0; i < len; i++) {
                msg[i] = (byte) (i * 31 + len);
            }
            byte[] expected = MessageDigest.getInstance("SHA3-256").digest(msg);
            assertArrayEquals(expected, sha3_256(msg), "length " + len);
        }
    }

    @Test
    void shouldPermuteTheZeroStateToTheKnownAnswer() {
        // Keccak team's KeccakF-1600 intermediate values: first lane after permuting zeros.
        long[] lanes = new long[25];
        KeccakF1600.permute(lanes);
        assertEquals(0xF1258F7940E1DDE7L, lanes[0]);
        byte[] bytes = new byte[200];
        KeccakF1600.permute(bytes);
        assertEquals("e7dde140798f25f1", HexFormat.of().formatHex(bytes, 0, 8));
    }
}
