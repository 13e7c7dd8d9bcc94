package io.pvfhost.common.hash;

import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.Blake2bDigest;
import org.bouncycastle.crypto.digests.KeccakDigest;
import org.bouncycastle.crypto.digests.SHA256Digest;

/**
 * The hashes the host needs. Code hashes are blake2b-256 of the code as stored on chain; the
 * adder test parachain uses Keccak-256. Keccak here is the original Keccak (Ethereum's), not
 * SHA3-256, which pads differently. A fresh digest per call keeps these thread-safe.
 */
public final class Hashing {
    private Hashing() {}

    public static byte[] blake2b256(byte[] data) {
        return digest(new Blake2bDigest(256), data);
    }

    public static byte[] blake2b128(byte[] data) {
        return digest(new Blake2bDigest(128), data);
    }

    public static byte[] keccak256(byte[] data) {
        return digest(new KeccakDigest(256), data);
    }

    public static byte[] keccak512(byte[] data) {
        return digest(new KeccakDigest(512), data);
    }

    public static byte[] sha256(byte[] data) {
        return digest(new SHA256Digest(), data);
    }

    private static byte[] digest(Digest d, byte[] data) {
        d.update(data, 0, data.length);
        byte[] out = new byte[d.getDigestSize()];
        d.doFinal(out, 0);
        return out;
    }
}
