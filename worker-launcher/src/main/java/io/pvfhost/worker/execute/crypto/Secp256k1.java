package io.pvfhost.worker.execute.crypto;

import io.pvfhost.common.hash.Hashing;
import java.math.BigInteger;
import java.util.Arrays;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECAlgorithms;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECPoint;

/**
 * secp256k1 ECDSA public-key recovery as the two Rust libraries behind sp-io do it, on
 * BouncyCastle's curve arithmetic. A signature is r (32 bytes, big-endian), s (32 bytes), v.
 *
 * <p>Both libraries recover the same way (libsecp256k1's {@code secp256k1_ecdsa_sig_recover}):
 * r = 0 or s = 0 fails; x = r, or r + n when bit 1 of the recovery id is set (which fails unless
 * r < p - n); R is the point with that x and the parity of bit 0 (fails when x is not on the
 * curve); Q = r^-1 (s R - e G), failing at infinity; e is the 32-byte message taken mod n. High s
 * is accepted by both. They differ in parsing only:
 *
 * <ul>
 *   <li>{@link Parsing#OVERFLOWING}: paritytech's {@code libsecp256k1}
 *       ({@code Signature::parse_overflowing_slice}): r and s are reduced mod n, never an error;
 *   <li>{@link Parsing#STRICT}: the {@code secp256k1} crate ({@code from_compact}): r >= n or
 *       s >= n is an error (BadRS in sp-io).
 * </ul>
 */
public final class Secp256k1 {
    private static final X9ECParameters PARAMS = CustomNamedCurves.getByName("secp256k1");
    private static final ECCurve CURVE = PARAMS.getCurve();
    private static final ECPoint G = PARAMS.getG();
    /** The group order n. */
    static final BigInteger N = PARAMS.getN();
    /** The field prime p. */
    static final BigInteger P = CURVE.getField().getCharacteristic();
    private static final BigInteger P_MINUS_N = P.subtract(N);

    private Secp256k1() {}

    /** How r and s are read from the 64-byte compact signature. */
    public enum Parsing {
        /** libsecp256k1 {@code parse_overflowing_slice}: reduce r and s mod n. */
        OVERFLOWING,
        /** secp256k1 {@code RecoverableSignature::from_compact}: r and s must be below n. */
        STRICT
    }

    /** sp-io's {@code EcdsaVerifyError}, in declaration order (its SCALE index is the ordinal). */
    public enum EcdsaVerifyError {
        BAD_RS,
        BAD_V,
        BAD_SIGNATURE
    }

    /** A recovered public key, or why there is none. */
    public record Recovery(ECPoint publicKey, EcdsaVerifyError error) {
        static Recovery ok(ECPoint q) {
            return new Recovery(q, null);
        }

        static Recovery failed(EcdsaVerifyError e) {
            return new Recovery(null, e);
        }

        public boolean isOk() {
            return publicKey != null;
        }

        /** x || y, 64 bytes: the uncompressed SEC1 encoding without its 0x04 tag. */
        public byte[] uncompressed64() {
            byte[] full = publicKey.getEncoded(false);
            return Arrays.copyOfRange(full, 1, 65);
        }

        /** The 33-byte compressed SEC1 encoding (0x02 or 0x03, then x). */
        public byte[] compressed33() {
            return publicKey.getEncoded(true);
        }
    }

    /**
     * sp-io's {@code secp256k1_ecdsa_recover*}: v is normalised (v - 27 when v > 26), must then
     * be 0..3 (else BadV); the compact signature is parsed as {@code parsing} says (STRICT can
     * give BadRS); any recovery failure is BadSignature.
     */
    public static Recovery recoverSpIo(byte[] signature65, byte[] message32, Parsing parsing) {
        int v = signature65[64] & 0xFF;
        int recid = v > 26 ? v - 27 : v;
        if (recid > 3) {
            return Recovery.failed(EcdsaVerifyError.BAD_V);
        }
        return recover(signature65, recid, message32, parsing);
    }

    /**
     * Recovery with the recovery id taken as is (sp-core's {@code ecdsa} verification: no 27/28
     * normalisation): null unless the id is 0..3 and the signature parses and recovers.
     */
    public static ECPoint recoverRawId(byte[] signature65, byte[] message32, Parsing parsing) {
        int recid = signature65[64] & 0xFF;
        if (recid > 3) {
            return null;
        }
        return recover(signature65, recid, message32, parsing).publicKey();
    }

    /**
     * sp-core's {@code ecdsa::Pair::verify} (v2, STRICT) or {@code verify_deprecated} (v1,
     * OVERFLOWING): recover from blake2-256(message) and compare the compressed key.
     */
    public static boolean verify(byte[] signature65, byte[] message, byte[] publicKey33, Parsing parsing) {
        return verifyPrehashed(signature65, Hashing.blake2b256(message), publicKey33, parsing);
    }

    /**
     * Recover from a 32-byte digest and compare the compressed key; sp-core's
     * {@code ecdsa::Pair::verify_prehashed} is this with STRICT.
     */
    public static boolean verifyPrehashed(byte[] signature65, byte[] message32, byte[] publicKey33, Parsing parsing) {
        ECPoint q = recoverRawId(signature65, message32, parsing);
        return q != null && Arrays.equals(q.getEncoded(true), publicKey33);
    }

    private static Recovery recover(byte[] signature65, int recid, byte[] message32, Parsing parsing) {
        BigInteger r = new BigInteger(1, Arrays.copyOfRange(signature65, 0, 32));
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature65, 32, 64));
        if (parsing == Parsing.STRICT) {
            if (r.compareTo(N) >= 0 || s.compareTo(N) >= 0) {
                return Recovery.failed(EcdsaVerifyError.BAD_RS);
            }
        } else {
            r = r.mod(N);
            s = s.mod(N);
        }
        ECPoint q = recoverPoint(r, s, recid, new BigInteger(1, message32).mod(N));
        return q == null ? Recovery.failed(EcdsaVerifyError.BAD_SIGNATURE) : Recovery.ok(q);
    }

    /** {@code secp256k1_ecdsa_sig_recover}: r, s, e already reduced mod n; null on failure. */
    static ECPoint recoverPoint(BigInteger r, BigInteger s, int recid, BigInteger e) {
        if (r.signum() == 0 || s.signum() == 0) {
            return null;
        }
        BigInteger x = r;
        if ((recid & 2) != 0) {
            if (r.compareTo(P_MINUS_N) >= 0) {
                return null;
            }
            x = r.add(N);
        }
        ECPoint bigR = liftX(x, (recid & 1) != 0);
        if (bigR == null) {
            return null;
        }
        BigInteger rInv = r.modInverse(N);
        BigInteger u1 = e.multiply(rInv).negate().mod(N);
        BigInteger u2 = s.multiply(rInv).mod(N);
        ECPoint q = ECAlgorithms.sumOfTwoMultiplies(G, u1, bigR, u2).normalize();
        return q.isInfinity() ? null : q;
    }

    /** The curve point with this x (< p) and y of the given parity, or null when there is none. */
    private static ECPoint liftX(BigInteger x, boolean odd) {
        byte[] enc = new byte[33];
        enc[0] = (byte) (odd ? 0x03 : 0x02);
        byte[] xb = x.toByteArray();
        int len = Math.min(xb.length, 32);
        System.arraycopy(xb, xb.length - len, enc, 33 - len, len);
        try {
            return CURVE.decodePoint(enc);
        } catch (IllegalArgumentException notOnCurve) {
            return null;
        }
    }
}
