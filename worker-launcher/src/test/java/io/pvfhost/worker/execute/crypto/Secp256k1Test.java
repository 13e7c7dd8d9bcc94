package io.pvfhost.worker.execute.crypto;

import static io.pvfhost.worker.execute.crypto.Secp256k1.EcdsaVerifyError.BAD_RS;
import static io.pvfhost.worker.execute.crypto.Secp256k1.EcdsaVerifyError.BAD_SIGNATURE;
import static io.pvfhost.worker.execute.crypto.Secp256k1.EcdsaVerifyError.BAD_V;
import static io.pvfhost.worker.execute.crypto.Secp256k1.Parsing.OVERFLOWING;
import static io.pvfhost.worker.execute.crypto.Secp256k1.Parsing.STRICT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pvfhost.common.hash.Hashing;
import io.pvfhost.worker.execute.crypto.Secp256k1.EcdsaVerifyError;
import io.pvfhost.worker.execute.crypto.Secp256k1.Parsing;
import io.pvfhost.worker.execute.crypto.Secp256k1.Recovery;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * secp256k1 recovery and verification as sp-io/sp-core do them (v1: libsecp256k1, overflowing
 * r and s; v2: the secp256k1 crate, r and s below n).
 *
 * <p>Vectors: sp-core's {@code ecdsa::test_vector_should_work} (seed 9d61b1..., signature of
 * blake2-256 of the empty message); RFC 6979 signatures made with {@code @noble/curves} 2.4.0
 * (deterministic, so identical to libsecp256k1's; the recovered keys agree with
 * {@code @polkadot/wasm-crypto}'s {@code secp256k1Recover}); and recoveries of synthetic (r, s)
 * with small r, so that r + n fits in 32 bytes and recovery ids 2 and 3 are reachable, checked
 * against noble's {@code recoverPublicKey}.
 */
class Secp256k1Test {
    private static final HexFormat HEX = HexFormat.of();
    private static final BigInteger N = Secp256k1.N;

    private static byte[] hex(String s) {
        return HEX.parseHex(s);
    }

    record Vector(String digest, String sig, String pubU, String pubC) {}

    static Vector[] noble() {
        return new Vector[] {
            new Vector("71333068f1de78f6af1d7cc78bfe81957a4ea6ca147db4a628b577c5ad4d615e",
                    "33813b2845b10960ae93544bde8986d800e22df5d2f4f90a425159414ed1c1af3a793e37be0688630659a4d093a46e31820d2978304a43cf300f1be8e42f5a3801",
                    "e688d76a719983a39f7ffcb9c5e3d7e4591c51c38a85641fe54f09e2924e60796ae13df88b51421ae1b91667669404cd6e90108506467877b79db935d2775bdb",
                    "03e688d76a719983a39f7ffcb9c5e3d7e4591c51c38a85641fe54f09e2924e6079"),
            new Vector("54fda7c61cdd280f82a76d55cc7aa77f48cebd77e9613d067c28fb8480c7ff57",
                    "e27966a1e820a7109e4aab7c24f9ebfef5bf0b5b95af9e2cf18359dd266c2b9b499939d5e59de05a46f8d36169cc0e3ab867544fcedbdfbbf6baa1ce5cb7dff300",
                    "b951bd977817e7ce07569c294bb3964ed3052c8acc6799ded2f3c3cd20366f48bf90cfabe661b97b228d6d830a0e5264a29e56892c5f400adfee589fc5146691",
                    "03b951bd977817e7ce07569c294bb3964ed3052c8acc6799ded2f3c3cd20366f48"),
            new Vector("3bacb896b1968f68f42f7c67c996163d9a3eeb30aa7431cab646e9d4328623f5",
                    "6a05b69ed3dde1b11c6976efae8562450e2a3725f193f9ee3270ee82cad3d76d075a80424f4b0f4dcb470a8ef2d575694b60b266af903b387e49057b55be741801",
                    "02ec29d4c9344adb6bfdb9a4c3398839b3ebea81fa99607cdaaa31b9e25554105269e83bcf18dfece6ea6e48b3495ea3e9ff62b56e0ccfea682573235117ccf3",
                    "0302ec29d4c9344adb6bfdb9a4c3398839b3ebea81fa99607cdaaa31b9e2555410"),
            new Vector("2f32f8f8b3b84b469b92d96f3c3babea419d94117de534a1d7c0ad665703a4ae",
                    "d2eed89e9d0d3ab091c2e05cacb431d1670cd1c9ef2662205a74454a8bad8da04f38666f4e2c7bfb100a5b67e1d8a9723f0e8b1528e13f0d8681c7e5396a04ef01",
                    "c50a2af8ccae1301184e0e48c18c3ad0bba7c8862ce427249165310c56e5ab00e23e7ecfc801a6ce4e7d4bace6871280a98bb123364c249890d359549a63a5b9",
                    "03c50a2af8ccae1301184e0e48c18c3ad0bba7c8862ce427249165310c56e5ab00"),
            // sp-core ecdsa::test_vector_should_work: key of seed 9d61b1..., message b"".
            new Vector(HEX.formatHex(Hashing.blake2b256(new byte[0])),
                    "3dde91174bd9359027be59a428b8146513df80a2a3c7eda2194f64de04a69ab97b753169e94db6ffd50921a2668a48b94ca11e3d32c1ff19cfe88890aa7e8f3c00",
                    "8db55b05db86c0b1786ca49f095d76344c9e6056b2f02701a7e7f3c20aabfd913ebbe148dd17c56551a52952371071a6c604b3f3abe8f2c8fa742158ea6dd7d4",
                    "028db55b05db86c0b1786ca49f095d76344c9e6056b2f02701a7e7f3c20aabfd91"),
        };
    }

    private static void assertRecovers(String pubU, String pubC, byte[] sig, byte[] digest, Parsing parsing) {
        Recovery r = Secp256k1.recoverSpIo(sig, digest, parsing);
        assertTrue(r.isOk(), () -> "failed with " + r.error());
        assertEquals(pubU, HEX.formatHex(r.uncompressed64()));
        assertEquals(pubC, HEX.formatHex(r.compressed33()));
    }

    private static void assertFails(EcdsaVerifyError expected, byte[] sig, byte[] digest, Parsing parsing) {
        Recovery r = Secp256k1.recoverSpIo(sig, digest, parsing);
        assertEquals(expected, r.error(), () -> r.isOk() ? "recovered " + HEX.formatHex(r.uncompressed64()) : "");
    }

    @ParameterizedTest
    @MethodSource("noble")
    void shouldRecoverKnownKeysInBothVersions(Vector v) {
        for (Parsing p : Parsing.values()) {
            assertRecovers(v.pubU(), v.pubC(), hex(v.sig()), hex(v.digest()), p);
        }
    }

    @ParameterizedTest
    @MethodSource("noble")
    void shouldNormaliseEthereumStyleV(Vector v) {
        byte[] sig = hex(v.sig());
        sig[64] += 27;
        for (Parsing p : Parsing.values()) {
            assertRecovers(v.pubU(), v.pubC(), sig, hex(v.digest()), p);
        }
    }

    @ParameterizedTest
    @MethodSource("noble")
    void shouldAcceptHighSInBothVersions(Vector v) {
        byte[] sig = withS(hex(v.sig()), N.subtract(s(hex(v.sig()))));
        sig[64] ^= 1; // negating s flips the parity of R's y
        for (Parsing p : Parsing.values()) {
            assertRecovers(v.pubU(), v.pubC(), sig, hex(v.digest()), p);
        }
    }

    @ParameterizedTest
    @MethodSource("noble")
    void shouldRecoverAnotherKeyForAnotherDigest(Vector v) {
        byte[] digest = hex(v.digest());
        digest[31] ^= 1;
        Recovery r = Secp256k1.recoverSpIo(hex(v.sig()), digest, STRICT);
        assertTrue(r.isOk());
        assertFalse(HEX.formatHex(r.uncompressed64()).equals(v.pubU()));
    }

    @ParameterizedTest
    @EnumSource(Parsing.class)
    void shouldRejectRecoveryIdsOutOfRangeWithBadV(Parsing parsing) {
        Vector v = noble()[0];
        for (int bad : new int[] {4, 5, 26, 31, 32, 127, 128, 255}) {
            byte[] sig = hex(v.sig());
            sig[64] = (byte) bad;
            assertFails(BAD_V, sig, hex(v.digest()), parsing);
        }
        byte[] both = withR(hex(v.sig()), N); // BadV is checked before r and s
        both[64] = 4;
        assertFails(BAD_V, both, hex(v.digest()), parsing);
    }

    /** Synthetic (r, s) = (4, 0x48d159e242af37bc) on one digest, per recovery id (noble). */
    static final String SYNTHETIC_DIGEST = "3f2a31677a2f7390b346c60fe8989e1fea932c04cf56d99c46e45de7fc0bda5d";
    static final String[] SYNTHETIC_KEYS = {
        "f32095160cc48e24d159455b9584f5c8f36dcb042884237cbe1de5beb56f52af0f82503301cc369a0577577e10efd7c5f9de23f488a08ac2078a19a4c0c8795a",
        "72bdb0f620fc49733abbb2da2e09014e4e8028dd578856590b31005c5c5849342e23b11feb5ac8161f432387673e84d49ab93435ccce1000bbb7b4bd26cb80cd",
        "ea6393fc410cabd18be4f0af2109bacff6381feb77aac1d3f7326476b51508ffe1d14e8ddb6d3563d8eae9bba5bc48b26a50150f0d69cfa52786c6b7e8d8a6ca",
        "94e925f5eb11dea2c2c9fc92e9adf23268ff6d15b9abe1cd8ba80173f5243ef1651e08e70fbe70756a299b92d6b3ac70bec9ee59c314a07ccaae33edc7e5e82a",
    };

    private static byte[] synthetic(BigInteger r, BigInteger s, int v) {
        byte[] sig = withS(withR(new byte[65], r), s);
        sig[64] = (byte) v;
        return sig;
    }

    @Test
    void shouldRecoverWithEveryRecoveryIdIncludingTheOverflowedX() {
        BigInteger s = new BigInteger("48d159e242af37bc", 16);
        for (int recid = 0; recid < 4; recid++) {
            for (Parsing p : Parsing.values()) {
                Recovery r = Secp256k1.recoverSpIo(synthetic(BigInteger.valueOf(4), s, recid), hex(SYNTHETIC_DIGEST), p);
                assertEquals(SYNTHETIC_KEYS[recid], HEX.formatHex(r.uncompressed64()), "recid " + recid);
                // v = 29 and 30 are recovery ids 2 and 3
                Recovery r27 = Secp256k1.recoverSpIo(synthetic(BigInteger.valueOf(4), s, recid + 27), hex(SYNTHETIC_DIGEST), p);
                assertEquals(SYNTHETIC_KEYS[recid], HEX.formatHex(r27.uncompressed64()), "v " + (recid + 27));
            }
        }
    }

    @Test
    void shouldReduceOverflowingRAndSOnlyInVersion1() {
        BigInteger s = new BigInteger("48d159e242af37bc", 16);
        byte[] rOverflow = synthetic(BigInteger.valueOf(4).add(N), s, 1);
        assertEquals(SYNTHETIC_KEYS[1], HEX.formatHex(Secp256k1.recoverSpIo(rOverflow, hex(SYNTHETIC_DIGEST), OVERFLOWING).uncompressed64()));
        assertFails(BAD_RS, rOverflow, hex(SYNTHETIC_DIGEST), STRICT);

        byte[] sOverflow = synthetic(BigInteger.valueOf(4), s.add(N), 2);
        assertEquals(SYNTHETIC_KEYS[2], HEX.formatHex(Secp256k1.recoverSpIo(sOverflow, hex(SYNTHETIC_DIGEST), OVERFLOWING).uncompressed64()));
        assertFails(BAD_RS, sOverflow, hex(SYNTHETIC_DIGEST), STRICT);
    }

    @Test
    void shouldFailWithBadSignatureOnZeroOrUnliftableValues() {
        byte[] digest = hex(SYNTHETIC_DIGEST);
        BigInteger s = new BigInteger("48d159e242af37bc", 16);
        for (Parsing p : Parsing.values()) {
            assertFails(BAD_SIGNATURE, synthetic(BigInteger.ZERO, s, 0), digest, p);
            assertFails(BAD_SIGNATURE, synthetic(BigInteger.valueOf(4), BigInteger.ZERO, 0), digest, p);
            // x = 5 is not the x of a curve point
            assertFails(BAD_SIGNATURE, synthetic(BigInteger.valueOf(5), s, 0), digest, p);
            // x = 1 + n is not either (noble agrees)
            assertFails(BAD_SIGNATURE, synthetic(BigInteger.ONE, s, 2), digest, p);
            // recovery id 2 needs r < p - n
            byte[] bigR = hex(noble()[0].sig());
            bigR[64] = 2;
            assertFails(BAD_SIGNATURE, bigR, hex(noble()[0].digest()), p);
        }
        // r = n and s = n: version 1 reduces them to zero, version 2 refuses to parse them
        assertFails(BAD_SIGNATURE, synthetic(N, s, 0), digest, OVERFLOWING);
        assertFails(BAD_RS, synthetic(N, s, 0), digest, STRICT);
        assertFails(BAD_SIGNATURE, synthetic(BigInteger.valueOf(4), N, 0), digest, OVERFLOWING);
        assertFails(BAD_RS, synthetic(BigInteger.valueOf(4), N, 0), digest, STRICT);
    }

    @Test
    void shouldTakeTheDigestModN() {
        // A digest >= n is reduced by both libraries: digest and digest - n recover the same key.
        Vector v = noble()[0];
        BigInteger small = new BigInteger("0123", 16);
        byte[] big = be32(small.add(N));
        for (Parsing p : Parsing.values()) {
            assertEquals(HEX.formatHex(Secp256k1.recoverSpIo(hex(v.sig()), be32(small), p).uncompressed64()),
                    HEX.formatHex(Secp256k1.recoverSpIo(hex(v.sig()), big, p).uncompressed64()));
        }
    }

    record VerifyVector(String msg, String sig, String pubC) {}

    /** Signatures of blake2-256(message) with v raw (0 or 1), made with noble. */
    static VerifyVector[] verifyVectors() {
        return new VerifyVector[] {
            new VerifyVector("", "adaceb52a8fae02f6e89fcb894ff2357312a13bd022e38dee628e07b2e45fe7f5c23bd0d21a2d04a2a906e0b07160113681ea536587193d7a84dbd9e15951ee700",
                    "02d0884694848d06bf3ae9b8a5350e00d5ec0af9944dc7cdaa44da9eebb46a553c"),
            new VerifyVector("68656c6c6f", "fd0bcaba28b969eadfb4b3010868ab080833efa109a150555898fbe3dbd6701276816a995242947e6ed465ff84f9797b6beba9908a1224d6477cb75d78a475b900",
                    "02b3615aee43f5a2578abc0b61bf9e2395a5fe05953e38072cce0aa47e967dd622"),
            new VerifyVector("536f6d657468696e6720696d706f7274616e74", "020db152c16c7505c086292104d8c407b803e28b92e459baa841dc461a962ce22e1033749e4175937663e815b399afb6be10385e689181cfab933d20ed7790e800",
                    "0305eb6b269f2eeb1523e1530a8cec20b6f8b883885e7c33d33e010d0e84629780"),
            // sp-core ecdsa::test_vector_should_work
            new VerifyVector("", "3dde91174bd9359027be59a428b8146513df80a2a3c7eda2194f64de04a69ab97b753169e94db6ffd50921a2668a48b94ca11e3d32c1ff19cfe88890aa7e8f3c00",
                    "028db55b05db86c0b1786ca49f095d76344c9e6056b2f02701a7e7f3c20aabfd91"),
        };
    }

    @ParameterizedTest
    @MethodSource("verifyVectors")
    void shouldVerifyInBothVersions(VerifyVector v) {
        for (Parsing p : Parsing.values()) {
            assertTrue(Secp256k1.verify(hex(v.sig()), hex(v.msg()), hex(v.pubC()), p));
            assertTrue(Secp256k1.verifyPrehashed(hex(v.sig()), Hashing.blake2b256(hex(v.msg())), hex(v.pubC()), p));
        }
    }

    @ParameterizedTest
    @MethodSource("verifyVectors")
    void shouldRejectWrongMessageKeyOrEthereumV(VerifyVector v) {
        for (Parsing p : Parsing.values()) {
            assertFalse(Secp256k1.verify(hex(v.sig()), "other".getBytes(StandardCharsets.US_ASCII), hex(v.pubC()), p));
            byte[] pub = hex(v.pubC());
            pub[0] ^= 1; // the other y parity
            assertFalse(Secp256k1.verify(hex(v.sig()), hex(v.msg()), pub, p));
            // sp-core's verify takes the recovery id as is: 27/28 are not normalised there
            byte[] eth = hex(v.sig());
            eth[64] += 27;
            assertFalse(Secp256k1.verify(eth, hex(v.msg()), hex(v.pubC()), p));
            // an uncompressed or wrong-length key never matches
            assertFalse(Secp256k1.verify(hex(v.sig()), hex(v.msg()), new byte[33], p));
        }
    }

    @ParameterizedTest
    @MethodSource("verifyVectors")
    void shouldVerifyHighSInBothVersions(VerifyVector v) {
        byte[] sig = withS(hex(v.sig()), N.subtract(s(hex(v.sig()))));
        sig[64] ^= 1;
        for (Parsing p : Parsing.values()) {
            assertTrue(Secp256k1.verify(sig, hex(v.msg()), hex(v.pubC()), p));
        }
    }

    @ParameterizedTest
    @MethodSource("verifyVectors")
    void shouldVerifyOverflowingSOnlyInVersion1(VerifyVector v) {
        BigInteger s = s(hex(v.sig()));
        if (s.add(N).bitLength() > 256) {
            return; // cannot be written in 32 bytes
        }
        byte[] sig = withS(hex(v.sig()), s.add(N));
        assertTrue(Secp256k1.verify(sig, hex(v.msg()), hex(v.pubC()), OVERFLOWING));
        assertFalse(Secp256k1.verify(sig, hex(v.msg()), hex(v.pubC()), STRICT));
    }

    private static BigInteger s(byte[] sig) {
        return new BigInteger(1, java.util.Arrays.copyOfRange(sig, 32, 64));
    }

    private static byte[] withR(byte[] sig, BigInteger r) {
        System.arraycopy(be32(r), 0, sig, 0, 32);
        return sig;
    }

    private static byte[] withS(byte[] sig, BigInteger s) {
        System.arraycopy(be32(s), 0, sig, 32, 32);
        return sig;
    }

    private static byte[] be32(BigInteger v) {
        byte[] out = new byte[32];
        byte[] b = v.toByteArray();
        int len = Math.min(b.length, 32);
        System.arraycopy(b, b.length - len, out, 32 - len, len);
        return out;
    }
}
