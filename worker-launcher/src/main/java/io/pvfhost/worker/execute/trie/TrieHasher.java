package io.pvfhost.worker.execute.trie;

import io.pvfhost.common.hash.Hashing;
import java.util.function.UnaryOperator;

/** The hashers sp-io builds tries with: {@code Blake2Hasher} and {@code KeccakHasher}, both 32 bytes. */
public enum TrieHasher {
    // lambdas so that building the enum does not link Hashing (see HashingFunctions)
    BLAKE2_256(d -> Hashing.blake2b256(d)),
    KECCAK_256(d -> io.pvfhost.worker.execute.crypto.Keccak.keccak256(d));

    /** Length of every hash, and the size from which a child node is referenced by its hash. */
    public static final int HASH_LENGTH = 32;

    private final UnaryOperator<byte[]> hash;

    TrieHasher(UnaryOperator<byte[]> hash) {
        this.hash = hash;
    }

    public byte[] hash(byte[] data) {
        return hash.apply(data);
    }
}
