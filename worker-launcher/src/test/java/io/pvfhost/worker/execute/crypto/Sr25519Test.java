package io.pvfhost.worker.execute.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cafe.cryptography.curve25519.Constants;
import cafe.cryptography.curve25519.Scalar;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * sr25519 verification, version 2 ({@code verify_simple}) and version 1 ({@code verify_deprecated}).
 *
 * <p>Vectors: ink!'s {@code sr25519_verification} example (Alice's signature, made by schnorrkel);
 * signatures made by schnorrkel itself through {@code @polkadot/wasm-crypto} 7.5.4 (its
 * {@code sr25519Sign}; the key for seed 9d61b1... matches sp-core's {@code sr_test_vector_should_work},
 * the key for "12345678901234567890123456789012" its {@code seeded_pair_should_work}); and sp-core's
 * two schnorrkel 0.1.1 signatures ({@code verify_known_old_message_should_work},
 * {@code verify_from_old_wasm_works}), which only version 1 accepts.
 */
class Sr25519Test {
    private static final HexFormat HEX = HexFormat.of();
    private static final BigInteger L = BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));

    private static byte[] hex(String s) {
        return HEX.parseHex(s);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** The messages the wasm-crypto vectors signed. */
    static byte[] ramp(int len, int step) {
        byte[] m = new byte[len];
        for (int i = 0; i < len; i++) {
            m[i] = (byte) (i * step);
        }
        return m;
    }

    record Vector(String name, String pub, byte[] msg, String sig) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Vector[] current() {
        return new Vector[] {
            new Vector("ink! alice", "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d",
                    ascii("<Bytes>0x46fb7408d4f285228f4af516ea25851b</Bytes>"),
                    "0a7da2b631704cdcfe93c740e41217b9ac667a0c8755d8da1a8232db527f487c87e780d2edc1896aeb6b1bef0bc7c38d9df2135b633eab8bfb1777e82fad3a8f"),
            new Vector("wasm-crypto empty message", "44a996beb1eef7bdcab976ab6d2ca26104834164ecf28fb375600576fcc6eb0f", new byte[0],
                    "5c615859e83784eed75e54e94c2cc3764e241471748c5af0f01fd939c5a1126ccabc8afacda4ecb6b01ea881cc2caff3437bf2dcdd6e9c33fc55bc14b499ee84"),
            new Vector("wasm-crypto one byte", "741c08a06f41c596608f6774259bd9043304adfa5d3eea62760bd9be97634d63", hex("61"),
                    "aaff06c40c91425f2328fdb4c668f9012c781505bd4df5526a47f1ea4bc2d112a62633e00d16c3faf9ccdfe2339b304cea40acc2d26eef23c9b9ce8d7bd09381"),
            new Vector("wasm-crypto SUBSTRATE", "def12e42f3e487e9b14095aa8d5cc16a33491f1b50dadcf8811d1480f3fa8627", ascii("SUBSTRATE"),
                    "b448021b01f2f6e4af546cf606c422f11e3797acfc9bc9b2994f13519da3e16319445a1b13b0eee62e6d7ba8d1c0af86025b163adb9902d2e5fe27a7cf722580"),
            new Vector("wasm-crypto 200 bytes", "46ebddef8cd9bb167dc30878d7113b7e168e6f0646beffd77d69d39bad76b47a", ramp(200, 1),
                    "0607594d7053b60f1c75c70a0626adc88a3cda07a1939051280942ec5fcd36795881e9331e005bf64506756bda50ace41b37b1cd107df90cadeb8974c3c9e580"),
            new Vector("wasm-crypto 1000 bytes", "44a996beb1eef7bdcab976ab6d2ca26104834164ecf28fb375600576fcc6eb0f", ramp(1000, 7),
                    "160065e352b838388d7e4d42964bc8c04d161f7b4d875b15048c03098c0f2f01f8c805c3b0bf067cb0ae5f6f12399f9b9e763039b7816b151a99192478740b8a"),
        };
    }

    static Vector[] old() {
        return new Vector[] {
            new Vector("sp-core verify_known_old_message_should_work", "b4bfa1f7a5166695eb75299fd1c4c03ea212871c342f2c5dfea0902b2c246918",
                    ascii("Verifying that I am the owner of 5G9hQLdsKQswNPgB499DeA5PkFBbgkLPJWkkS6FAM6xGQ8xD. Hash: 221455a3\n"),
                    "5a9755f069939f45d96aaf125cf5ce7ba1db998686f87f2fb3cbdea922078741a73891ba265f70c31436e18a9acd14d189d73c12317ab6c313285cd938453202"),
            new Vector("sp-core verify_from_old_wasm_works", "def12e42f3e487e9b14095aa8d5cc16a33491f1b50dadcf8811d1480f3fa8627",
                    ascii("SUBSTRATE"),
                    "28a854d54903e056f89581c691c1f7d2ff39f8f896c9e9c22475e60902cc2b3547199e0e91fa32902028f2ca2355e8cdd16cfe19ba5e8b658c94aa80f3b81a00"),
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("current")
    void shouldAcceptSchnorrkelSignaturesInBothVersions(Vector v) {
        assertTrue(Sr25519.verify(hex(v.sig()), v.msg(), hex(v.pub())), "v2");
        assertTrue(Sr25519.verifyDeprecated(hex(v.sig()), v.msg(), hex(v.pub())), "v1");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("old")
    void shouldAcceptOldSignaturesOnlyInVersion1(Vector v) {
        assertFalse(Sr25519.verify(hex(v.sig()), v.msg(), hex(v.pub())), "v2");
        assertTrue(Sr25519.verifyDeprecated(hex(v.sig()), v.msg(), hex(v.pub())), "v1");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("old")
    void shouldNotFallBackToTheOldTranscriptWhenTheSignatureIsMarked(Vector v) {
        byte[] marked = hex(v.sig());
        marked[63] |= (byte) 0x80;
        assertFalse(Sr25519.verifyDeprecated(marked, v.msg(), hex(v.pub())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("old")
    void shouldRejectAlteredOldSignatures(Vector v) {
        byte[] msg = v.msg().clone();
        msg[0] ^= 1;
        assertFalse(Sr25519.verifyDeprecated(hex(v.sig()), msg, hex(v.pub())), "message");
        byte[] sig = hex(v.sig());
        sig[5] ^= 0x10;
        assertFalse(Sr25519.verifyDeprecated(sig, v.msg(), hex(v.pub())), "R");
        byte[] pub = hex(v.pub());
        pub[3] ^= 2;
        assertFalse(Sr25519.verifyDeprecated(hex(v.sig()), v.msg(), pub), "key");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("current")
    void shouldRejectAFlippedBitAnywhere(Vector v) {
        byte[] msg = v.msg().length == 0 ? new byte[] {0} : v.msg().clone();
        if (v.msg().length > 0) {
            msg[msg.length - 1] ^= 1;
        }
        assertFalse(Sr25519.verify(hex(v.sig()), msg, hex(v.pub())), "message");
        assertFalse(Sr25519.verifyDeprecated(hex(v.sig()), msg, hex(v.pub())), "message v1");
        for (int bit : new int[] {0, 77, 255, 256, 400, 510}) {
            byte[] sig = hex(v.sig());
            sig[bit / 8] ^= (byte) (1 << (bit % 8));
            assertFalse(Sr25519.verify(sig, v.msg(), hex(v.pub())), "signature bit " + bit);
            assertFalse(Sr25519.verifyDeprecated(sig, v.msg(), hex(v.pub())), "signature bit v1 " + bit);
        }
        for (int bit : new int[] {1, 100, 250}) {
            byte[] pub = hex(v.pub());
            pub[bit / 8] ^= (byte) (1 << (bit % 8));
            assertFalse(Sr25519.verify(hex(v.sig()), v.msg(), pub), "key bit " + bit);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("current")
    void shouldRejectAMissingMarkerInVersion2(Vector v) {
        byte[] sig = hex(v.sig());
        sig[63] &= 0x7F;
        assertFalse(Sr25519.verify(sig, v.msg(), hex(v.pub())));
        // version 1 reads it as an old signature, against the old transcript: no match
        assertFalse(Sr25519.verifyDeprecated(sig, v.msg(), hex(v.pub())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("current")
    void shouldRejectANonCanonicalScalar(Vector v) {
        byte[] sig = hex(v.sig());
        byte[] le = java.util.Arrays.copyOfRange(sig, 32, 64);
        le[31] &= 0x7F;
        byte[] sPlusL = leBytes(leInt(le).add(L)); // same scalar mod l, < 2^255
        System.arraycopy(sPlusL, 0, sig, 32, 32);
        sig[63] |= (byte) 0x80;
        assertFalse(Sr25519.verify(sig, v.msg(), hex(v.pub())));
        assertFalse(Sr25519.verifyDeprecated(sig, v.msg(), hex(v.pub())));
    }

    @Test
    void shouldRejectKeysThatAreNotCanonicalRistrettoEncodings() {
        Vector v = current()[0];
        // RFC 9496 section A.2: a non-canonical field element, and a negative one.
        for (String bad : new String[] {
            "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
            "0100000000000000000000000000000000000000000000000000000000000000",
            "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        }) {
            assertNull(Sr25519.decompress(hex(bad)), bad);
            assertFalse(Sr25519.verify(hex(v.sig()), v.msg(), hex(bad)));
            assertFalse(Sr25519.verifyDeprecated(hex(v.sig()), v.msg(), hex(bad)));
        }
        assertFalse(Sr25519.verify(hex(v.sig()), v.msg(), new byte[31]));
        assertFalse(Sr25519.verify(new byte[63], v.msg(), hex(v.pub())));
    }

    @Test
    void shouldEncodeTheRistrettoBasepointAsRfc9496() {
        assertEquals("e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76",
                HEX.formatHex(Constants.RISTRETTO_GENERATOR.compress().toByteArray()));
        byte[] two = new byte[32];
        two[0] = 2;
        assertEquals("6a493210f7499cd17fecb510ae0cea23a110e8d5b901f8acadd3095c73a3b919",
                HEX.formatHex(Constants.RISTRETTO_GENERATOR.multiply(Scalar.fromBits(two)).compress().toByteArray()));
    }

    @Test
    void shouldAcceptTheIdentityKeyLikeSchnorrkel() {
        // schnorrkel does not reject the identity as a public key: with A = 0, R = [s]B verifies
        // for any message (checked against schnorrkel through @polkadot/wasm-crypto).
        byte[] sig = new byte[64];
        System.arraycopy(Constants.RISTRETTO_GENERATOR.compress().toByteArray(), 0, sig, 0, 32);
        sig[32] = 1;
        sig[63] |= (byte) 0x80;
        assertTrue(Sr25519.verify(sig, ascii("anything"), new byte[32]));
    }

    private static BigInteger leInt(byte[] le) {
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) {
            be[i] = le[le.length - 1 - i];
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
