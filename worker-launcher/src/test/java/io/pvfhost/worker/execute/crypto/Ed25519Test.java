package io.pvfhost.worker.execute.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ZIP-215 Ed25519 verification (ed25519-zebra, the reference's backend).
 *
 * <p>Vectors: RFC 8032 section 7.1 tests 1-3; the 196 ZIP-215 small-order vectors (every pair of
 * the 8 canonical and 6 non-canonical encodings of low-order points as A and R, s = 0, message
 * "Zcash", all valid under ZIP-215: ed25519-zebra's {@code tests/small_order.rs}); a selection of
 * C2SP/CCTV {@code ed25519vectors.json} (by number; ZIP-215 accepts all except {@code reencoded_k}
 * vectors whose A is not low order). During development all 914 CCTV vectors were checked too.
 */
class Ed25519Test {
    private static final HexFormat HEX = HexFormat.of();
    private static final BigInteger L = BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));

    private static byte[] hex(String s) {
        return HEX.parseHex(s);
    }

    static String[][] rfc8032() {
        return new String[][] {
            {"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
                "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
                ""},
            {"3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
                "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
                "72"},
            {"fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
                "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
                "af82"},
        };
    }

    @ParameterizedTest
    @MethodSource("rfc8032")
    void shouldAcceptRfc8032Vectors(String pub, String sig, String msg) {
        assertTrue(Ed25519.verify(hex(sig), hex(msg), hex(pub)));
    }

    @ParameterizedTest
    @MethodSource("rfc8032")
    void shouldRejectRfc8032VectorsWithAFlippedBit(String pub, String sig, String msg) {
        byte[] m = hex(msg + "00"); // one more byte
        assertFalse(Ed25519.verify(hex(sig), m, hex(pub)), "message changed");
        for (int bit : new int[] {0, 100, 255, 256, 300, 500}) {
            byte[] s = hex(sig);
            s[bit / 8] ^= (byte) (1 << (bit % 8));
            assertFalse(Ed25519.verify(s, hex(msg), hex(pub)), "signature bit " + bit);
        }
        byte[] p = hex(pub);
        p[0] ^= 1;
        assertFalse(Ed25519.verify(hex(sig), hex(msg), p), "key changed");
    }

    @Test
    void shouldRejectNonCanonicalS() {
        String[] v = rfc8032()[0];
        byte[] sig = hex(v[1]);
        // s + l encodes the same scalar mod l but is not canonical: ZIP-215 requires s < l.
        byte[] sPlusL = leBytes(leInt(sig, 32).add(L));
        System.arraycopy(sPlusL, 0, sig, 32, 32);
        assertFalse(Ed25519.verify(sig, hex(v[2]), hex(v[0])));
        // s = l itself
        byte[] sig2 = hex(v[1]);
        System.arraycopy(leBytes(L), 0, sig2, 32, 32);
        assertFalse(Ed25519.verify(sig2, hex(v[2]), hex(v[0])));
    }

    @Test
    void shouldRejectEncodingsThatAreNotCurvePoints() {
        byte[] y2 = new byte[32];
        y2[0] = 2; // y = 2 has no x on edwards25519
        assertNull(Ed25519.decompress(y2));
        byte[] y2NonCanonical = hex("efffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"); // p + 2
        assertNull(Ed25519.decompress(y2NonCanonical));
        byte[] sig = new byte[64];
        sig[0] = 1; // R = identity, s = 0
        byte[] msg = "Zcash".getBytes(StandardCharsets.US_ASCII);
        assertFalse(Ed25519.verify(sig, msg, y2), "A not on the curve");
        byte[] badR = sig.clone();
        System.arraycopy(y2, 0, badR, 0, 32);
        assertFalse(Ed25519.verify(badR, msg, hex("0100000000000000000000000000000000000000000000000000000000000000")),
                "R not on the curve");
    }

    /** The 8 canonical encodings of the 8-torsion points, then the 6 non-canonical low-order ones. */
    static final String[] LOW_ORDER_ENCODINGS = {
        "0100000000000000000000000000000000000000000000000000000000000000",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
        "0000000000000000000000000000000000000000000000000000000000000080",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
        "0000000000000000000000000000000000000000000000000000000000000000",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
        // non-canonical: x = -0, y > p, or both
        "0100000000000000000000000000000000000000000000000000000000000080",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    };

    @Test
    void shouldAcceptAllZip215SmallOrderVectors() {
        byte[] msg = "Zcash".getBytes(StandardCharsets.US_ASCII);
        List<String> rejected = new ArrayList<>();
        int count = 0;
        for (String a : LOW_ORDER_ENCODINGS) {
            assertNotNull(Ed25519.decompress(hex(a)), a);
            assertTrue(Ed25519.decompress(hex(a)).isSmallOrder(), a);
            for (String r : LOW_ORDER_ENCODINGS) {
                byte[] sig = new byte[64];
                System.arraycopy(hex(r), 0, sig, 0, 32); // s = 0
                count++;
                if (!Ed25519.verify(sig, msg, hex(a))) {
                    rejected.add("A=" + a + " R=" + r);
                }
            }
        }
        assertEquals(196, count);
        assertEquals(List.of(), rejected);
    }

    static String[][] cctv() {
        return new String[][] {
            {"0", "0000000000000000000000000000000000000000000000000000000000000000",
                "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
                "ed25519vectors 3", "accept"},
            {"6", "10eb7c3acfb2bed3e0d6ab89bf5a3d6afddd1176ce4812e38d9fd485058fdb1f",
                "36684ea91032ba5b1dbab2d02f4debc74c3327f2b3802e2e4d371aa42b12b56bc02e2b9e63e385c058bf62b14b3a2b29ccefe8e38ddb536bc3f9865320a3d801",
                "ed25519vectors 10", "accept"},
            {"12", "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
                "36684ea91032ba5b1dbab2d02f4debc74c3327f2b3802e2e4d371aa42b12b56b05ba9a796274d80437afa36f1236563f2f3b0aa84cecddc3d20914615ba4fe02",
                "ed25519vectors 7", "accept"},
            {"16", "10eb7c3acfb2bed3e0d6ab89bf5a3d6afddd1176ce4812e38d9fd485058fdb1f",
                "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f1cb421dfbd92aa6c30d550bff53c81cf650ace6deb96a8ec22d2fef84dbbe20b",
                "ed25519vectors 6", "accept"},
            {"18", "10eb7c3acfb2bed3e0d6ab89bf5a3d6afddd1176ce4812e38d9fd485058fdb1f",
                "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f5e176f12cfb0d4e6eb6929b19ae4c998ef05c1c2cf628a9b1fa1c21312627108",
                "ed25519vectors 7", "reject"},
            {"19", "10eb7c3acfb2bed3e0d6ab89bf5a3d6afddd1176ce4812e38d9fd485058fdb1f",
                "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f9472a69cd9a701a50d130ed52189e2455b23767db52cacb8716fb896ffeeac09",
                "ed25519vectors 3", "reject"},
            {"20", "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
                "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f0000000000000000000000000000000000000000000000000000000000000000",
                "ed25519vectors 2", "accept"},
            {"51", "10eb7c3acfb2bed3e0d6ab89bf5a3d6afddd1176ce4812e38d9fd485058fdb1f",
                "b62cf890de42c413b11b1411c9f01f1c4d77aa87ef182258d1251f69af2a3506030b03796b78f7afeadfccaedc9d09ce6d487d1ece1f16b1ae2b59b7e5c40603",
                "ed25519vectors 3", "accept"},
            {"61", "10eb7c3acfb2bed3e0d6ab89bf5a3d6afddd1176ce4812e38d9fd485058fdb1f",
                "01000000000000000000000000000000000000000000000000000000000000804b18627cef9707137b02358c8b73769381269bf7cac9c473483c83c46a615d09",
                "ed25519vectors 29", "accept"},
            {"62", "10eb7c3acfb2bed3e0d6ab89bf5a3d6afddd1176ce4812e38d9fd485058fdb1f",
                "0100000000000000000000000000000000000000000000000000000000000080edfd6f478b59eab2545cf8f3d48c6574d2b4e8abd948148da5c62479113b8d0f",
                "ed25519vectors 13", "reject"},
            {"267", "ef75b20e7540e3dff77404193652ba2bd13df99c1508eee1515e27ae25f28076",
                "36684ea91032ba5b1dbab2d02f4debc74c3327f2b3802e2e4d371aa42b12b56b2d471882773a677af1e3824e757a33f8ddf7bbeaf3d28a09595eb8daa0d74a03",
                "ed25519vectors 3", "accept"},
            {"279", "ef75b20e7540e3dff77404193652ba2bd13df99c1508eee1515e27ae25f28076",
                "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7fef1195f0610612912016b3ee33054829bcea20ae4de1e9343b1c4e2e15649003",
                "ed25519vectors", "reject"},
            {"305", "ef75b20e7540e3dff77404193652ba2bd13df99c1508eee1515e27ae25f28076",
                "b62cf890de42c413b11b1411c9f01f1c4d77aa87ef182258d1251f69af2a350640657f1cb030f12543549bbabd848dc6403d354e7c99c4d0dcee9f63c9033b00",
                "ed25519vectors 5", "accept"},
            {"316", "ef75b20e7540e3dff77404193652ba2bd13df99c1508eee1515e27ae25f28076",
                "01000000000000000000000000000000000000000000000000000000000000802d32f9eeccaa31dba2ff4ab4e196b61e2ee1648073bbb5f599dcff4f7ea02900",
                "ed25519vectors 5", "accept"},
            {"317", "ef75b20e7540e3dff77404193652ba2bd13df99c1508eee1515e27ae25f28076",
                "0100000000000000000000000000000000000000000000000000000000000080330b30d6c1f07511e2208d233b6a34d4ed7109da2dea615bcd97daee3a842704",
                "ed25519vectors 7", "reject"},
        };
    }

    @ParameterizedTest(name = "CCTV #{0} {4}")
    @MethodSource("cctv")
    void shouldFollowZip215OnCctvEdgeCases(String number, String key, String sig, String msg, String expected) {
        boolean ok = Ed25519.verify(hex(sig), msg.getBytes(StandardCharsets.US_ASCII), hex(key));
        assertEquals(expected.equals("accept"), ok);
    }

    @Test
    void shouldRejectWrongLengths() {
        String[] v = rfc8032()[0];
        assertFalse(Ed25519.verify(new byte[63], hex(v[2]), hex(v[0])));
        assertFalse(Ed25519.verify(hex(v[1]), hex(v[2]), new byte[31]));
    }

    private static BigInteger leInt(byte[] b, int off) {
        byte[] be = new byte[32];
        for (int i = 0; i < 32; i++) {
            be[i] = b[off + 31 - i];
        }
        return new BigInteger(1, be);
    }

    private static byte[] leBytes(BigInteger v) {
        byte[] out = new byte[32];
        for (int i = 0; i < 32; i++) {
            out[i] = v.shiftRight(8 * i).byteValue();
        }
        return out;
    }
}
