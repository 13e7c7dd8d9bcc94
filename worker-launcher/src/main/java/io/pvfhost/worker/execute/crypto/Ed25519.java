package io.pvfhost.worker.execute.crypto;

import cafe.cryptography.curve25519.CompressedEdwardsY;
import cafe.cryptography.curve25519.EdwardsPoint;
import cafe.cryptography.curve25519.InvalidEncodingException;
import cafe.cryptography.curve25519.Scalar;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Ed25519 verification with the ZIP-215 rules, as ed25519-zebra implements them and as sp-core's
 * {@code ed25519::Pair::verify} uses them (the reference never registers {@code UseDalekExt} for
 * parachain validation):
 *
 * <ul>
 *   <li>A and R are decoded like curve25519-dalek's {@code CompressedEdwardsY::decompress}: the
 *       y coordinate is taken mod p (non-canonical y >= p accepted), and x = 0 with the sign bit
 *       set is accepted; an encoding whose y is not on the curve is rejected;
 *   <li>small-order A and R are accepted;
 *   <li>S must be canonical (S < l);
 *   <li>k = SHA-512(R_bytes || A_bytes || M) mod l, over the encodings as given;
 *   <li>the cofactored equation [8]([S]B - [k]A - R) = 0 must hold.
 * </ul>
 */
public final class Ed25519 {
    public static final int PUBLIC_KEY_LENGTH = 32;
    public static final int SIGNATURE_LENGTH = 64;

    private Ed25519() {}

    /** ed25519-zebra's {@code VerificationKey::try_from(bytes)?.verify(&sig, msg).is_ok()}. */
    public static boolean verify(byte[] signature, byte[] message, byte[] publicKey) {
        if (signature.length != SIGNATURE_LENGTH || publicKey.length != PUBLIC_KEY_LENGTH) {
            return false;
        }
        EdwardsPoint a = decompress(publicKey);
        if (a == null) {
            return false;
        }
        byte[] rBytes = Arrays.copyOfRange(signature, 0, 32);
        byte[] sBytes = Arrays.copyOfRange(signature, 32, 64);
        Scalar s = canonicalScalar(sBytes);
        if (s == null) {
            return false;
        }
        EdwardsPoint r = decompress(rBytes);
        if (r == null) {
            return false;
        }
        MessageDigest sha512 = sha512();
        sha512.update(rBytes);
        sha512.update(publicKey);
        sha512.update(message);
        Scalar k = Scalar.fromBytesModOrderWide(sha512.digest());
        // R' = [k](-A) + [s]B; valid when [8](R - R') is the identity.
        EdwardsPoint rPrime = EdwardsPoint.vartimeDoubleScalarMultiplyBasepoint(k, a.negate(), s);
        return r.subtract(rPrime).multiplyByCofactor().isIdentity();
    }

    /** dalek's decompression; null when y does not belong to a curve point. */
    static EdwardsPoint decompress(byte[] encoding) {
        try {
            return new CompressedEdwardsY(encoding).decompress();
        } catch (InvalidEncodingException e) {
            return null;
        }
    }

    /** The scalar when it is canonical (below the group order l), else null. */
    static Scalar canonicalScalar(byte[] bytes) {
        try {
            return Scalar.fromCanonicalBytes(bytes);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static MessageDigest sha512() {
        try {
            return MessageDigest.getInstance("SHA-512");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-512 is required of every JVM", e);
        }
    }
}
