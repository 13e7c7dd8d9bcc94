package io.pvfhost.worker;

import io.pvfhost.common.types.ValidationParams;
import io.pvfhost.worker.execute.crypto.Keccak;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The adder's genesis vector, built here so that neither the class cache training
 * ({@link ClassCacheTraining}) nor the bench needs the corpus for our own adder: parent = genesis
 * head, state 0, add 5, relay parent 7, zero storage root (the same bytes as the corpus's
 * adder_genesis.params.hex), and the 85-byte ValidationResult every adder build returns for it.
 */
public final class AdderVectors {
    private AdderVectors() {}

    // the workers' own Keccak (the one ext_hashing_keccak_256 uses), not BouncyCastle's (common Hashing)
    private static byte[] stateHash(long state) {
        return Keccak.keccak256(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(state).array());
    }

    private static byte[] head(long number, byte[] parentHash, byte[] postState) {
        return ByteBuffer.allocate(72).order(ByteOrder.LITTLE_ENDIAN).putLong(number).put(parentHash).put(postState).array();
    }

    public static byte[] genesisHead() {
        return head(0, new byte[32], stateHash(0));
    }

    public static byte[] genesisParams() {
        byte[] block = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(0).putLong(5).array();
        return new ValidationParams(genesisHead(), block, 7, new byte[32]).encode();
    }

    public static byte[] genesisExpected() {
        byte[] next = head(1, Keccak.keccak256(genesisHead()), stateHash(5));
        return ByteBuffer.allocate(85).order(ByteOrder.LITTLE_ENDIAN)
                .put((byte) 0x21).put((byte) 0x01).put(next)          // head data, compact length 72
                .put((byte) 0).put((byte) 0).put((byte) 0)            // no code, no upward, no horizontal
                .putInt(0).putInt(7)                                  // processed downward, hrmp watermark
                .array();
    }

    /** The MANIFEST's malformed params for Cumulus runtimes: 4-byte zero head, empty block data, relay parent 1. */
    public static byte[] malformedParams() {
        return new ValidationParams(new byte[4], new byte[0], 1, new byte[32]).encode();
    }
}
