package io.pvfhost.cli;

import io.pvfhost.common.hash.Hashing;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The adder test parachain as its collator sees it. Head data is 72 bytes {@code {number u64,
 * parent_hash [32], post_state [32]}}, block data 16 bytes {@code {state u64, add u64}}, all
 * little-endian; hashes are Keccak-256. A block is valid when keccak256(state) equals the parent's
 * post_state; its head is {@code {number + 1, keccak256(parent head), keccak256(state + add)}}.
 */
final class AdderChain {
    static final int HEAD_BYTES = 72;

    private AdderChain() {}

    /** The genesis head: number 0, parent hash zero, post_state = keccak256(state 0). */
    static byte[] genesisHead() {
        return head(0, new byte[32], stateHash(0));
    }

    static byte[] head(long number, byte[] parentHash, byte[] postState) {
        return ByteBuffer.allocate(HEAD_BYTES).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(number).put(parentHash).put(postState).array();
    }

    static long number(byte[] head) {
        if (head.length != HEAD_BYTES) {
            throw new IllegalArgumentException("adder head data is " + HEAD_BYTES + " bytes, not " + head.length);
        }
        return ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    }

    static byte[] blockData(long state, long add) {
        return ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(state).putLong(add).array();
    }

    /** keccak256 of the state as 8 little-endian bytes. */
    static byte[] stateHash(long state) {
        return Hashing.keccak256(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(state).array());
    }

    /** The block hash as the adder computes it (the next head's parent_hash). */
    static byte[] hash(byte[] head) {
        return Hashing.keccak256(head);
    }

    /** The head a valid block with this data builds on {@code parentHead} (state + add wraps, as in the adder). */
    static byte[] nextHead(byte[] parentHead, long state, long add) {
        return head(number(parentHead) + 1, hash(parentHead), stateHash(state + add));
    }
}
