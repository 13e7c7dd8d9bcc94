package io.pvfhost.worker.execute.crypto;

import static io.pvfhost.worker.execute.crypto.MerlinTranscript.ascii;

import cafe.cryptography.curve25519.CompressedRistretto;
import cafe.cryptography.curve25519.Constants;
import cafe.cryptography.curve25519.InvalidEncodingException;
import cafe.cryptography.curve25519.RistrettoElement;
import cafe.cryptography.curve25519.Scalar;
import java.util.Arrays;

/**
 * sr25519 verification: schnorrkel's Schnorr signatures over ristretto255 with merlin transcripts,
 * signing context {@code b"substrate"} (sp-core's {@code SIGNING_CTX}).
 *
 * <p>A signature is R (32 bytes, compressed ristretto) then s (32 bytes, little-endian) with the
 * top bit of byte 63 set as the "schnorrkel marker". {@link #verify} is schnorrkel's
 * {@code verify_simple} ({@code sr25519_verify} version 2); {@link #verifyDeprecated} is
 * {@code verify_simple_preaudit_deprecated} ({@code sr25519_verify} version 1), which falls back to
 * the transcript of schnorrkel 0.1.1 when the signature does not parse as a marked one.
 */
public final class Sr25519 {
    public static final int PUBLIC_KEY_LENGTH = 32;
    public static final int SIGNATURE_LENGTH = 64;
    /** sp-core's signing context for sr25519. */
    public static final byte[] SUBSTRATE_CONTEXT = ascii("substrate");

    private static final byte[] SIGNING_CONTEXT = ascii("SigningContext");
    private static final byte[] EMPTY = new byte[0];
    private static final byte[] SIGN_BYTES = ascii("sign-bytes");
    private static final byte[] PROTO_NAME = ascii("proto-name");
    private static final byte[] SCHNORR_SIG = ascii("Schnorr-sig");

    private Sr25519() {}

    /** {@code sr25519::Pair::verify}: both parse, then {@code verify_simple(b"substrate", msg, sig)}. */
    public static boolean verify(byte[] signature, byte[] message, byte[] publicKey) {
        Signature sig = Signature.parse(signature);
        if (sig == null) {
            return false;
        }
        RistrettoElement a = decompress(publicKey);
        if (a == null) {
            return false;
        }
        return verifyCurrent(a, publicKey, sig, SUBSTRATE_CONTEXT, message);
    }

    /**
     * {@code sr25519::Pair::verify_deprecated}: the key must parse; then a signature that parses as
     * a marked one is checked as in {@link #verify} (and only so); any other is re-read with the
     * marker forced on and checked against the schnorrkel 0.1.1 transcript.
     */
    public static boolean verifyDeprecated(byte[] signature, byte[] message, byte[] publicKey) {
        RistrettoElement a = decompress(publicKey);
        if (a == null) {
            return false;
        }
        Signature marked = Signature.parse(signature);
        if (marked != null) {
            return verifyCurrent(a, publicKey, marked, SUBSTRATE_CONTEXT, message);
        }
        if (signature.length != SIGNATURE_LENGTH) {
            return false;
        }
        byte[] forced = signature.clone();
        forced[63] |= (byte) 0x80;
        Signature old = Signature.parse(forced);
        if (old == null) {
            return false;
        }
        MerlinTranscript t = MerlinTranscript.create(SUBSTRATE_CONTEXT);
        t.appendMessage(SIGN_BYTES, message);
        t.appendMessage(PROTO_NAME, SCHNORR_SIG);
        t.appendMessage(ascii("pk"), publicKey);
        t.appendMessage(ascii("no"), old.r());
        Scalar k = Scalar.fromBytesModOrderWide(t.challengeBytes(EMPTY, 64));
        return equationHolds(a, old, k);
    }

    /** schnorrkel's {@code SigningContext::new(ctx).bytes(msg)}. */
    static MerlinTranscript signingTranscript(byte[] context, byte[] message) {
        MerlinTranscript t = MerlinTranscript.create(SIGNING_CONTEXT);
        t.appendMessage(EMPTY, context);
        t.appendMessage(SIGN_BYTES, message);
        return t;
    }

    /** schnorrkel's {@code PublicKey::verify} on the signing transcript. */
    private static boolean verifyCurrent(
            RistrettoElement a, byte[] publicKey, Signature sig, byte[] context, byte[] message) {
        MerlinTranscript t = signingTranscript(context, message);
        t.appendMessage(PROTO_NAME, SCHNORR_SIG);
        t.appendMessage(ascii("sign:pk"), publicKey);
        t.appendMessage(ascii("sign:R"), sig.r());
        Scalar k = Scalar.fromBytesModOrderWide(t.challengeBytes(ascii("sign:c"), 64));
        return equationHolds(a, sig, k);
    }

    /** R == compress([k](-A) + [s]B), comparing encodings as schnorrkel does. */
    private static boolean equationHolds(RistrettoElement a, Signature sig, Scalar k) {
        RistrettoElement rPrime = a.negate().multiply(k).add(Constants.RISTRETTO_GENERATOR_TABLE.multiply(sig.s()));
        return Arrays.equals(rPrime.compress().toByteArray(), sig.r());
    }

    /** schnorrkel's {@code PublicKey::from_bytes}: a canonical ristretto encoding, else null. */
    static RistrettoElement decompress(byte[] publicKey) {
        if (publicKey.length != PUBLIC_KEY_LENGTH) {
            return null;
        }
        try {
            return new CompressedRistretto(publicKey).decompress();
        } catch (InvalidEncodingException e) {
            return null;
        }
    }

    /** A parsed signature: R as its 32 bytes (never decompressed), s canonical. */
    record Signature(byte[] r, Scalar s) {
        /**
         * schnorrkel's {@code Signature::from_bytes}: 64 bytes, marker bit set (else
         * NotMarkedSchnorrkel), then s with the marker cleared must be below l (else
         * ScalarFormatError). Null on any error.
         */
        static Signature parse(byte[] bytes) {
            if (bytes.length != SIGNATURE_LENGTH || (bytes[63] & 0x80) == 0) {
                return null;
            }
            byte[] upper = Arrays.copyOfRange(bytes, 32, 64);
            upper[31] &= 0x7F;
            Scalar s = Ed25519.canonicalScalar(upper);
            if (s == null) {
                return null;
            }
            return new Signature(Arrays.copyOfRange(bytes, 0, 32), s);
        }
    }
}
