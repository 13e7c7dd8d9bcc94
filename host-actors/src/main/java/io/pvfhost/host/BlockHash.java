package io.pvfhost.host;

import io.pvfhost.common.Hex;
import java.util.Arrays;

/** The hash of a relay-chain block, compared by content (a relay parent, an active leaf, an ancestor). */
public record BlockHash(byte[] bytes) {

    public BlockHash {
        if (bytes == null || bytes.length == 0) {
            throw new IllegalArgumentException("a block hash needs bytes");
        }
        bytes = bytes.clone();
    }

    public static BlockHash of(byte[] bytes) {
        return new BlockHash(bytes);
    }

    public static BlockHash ofHex(String hex) {
        return new BlockHash(Hex.decode(hex));
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BlockHash b && Arrays.equals(bytes, b.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return Hex.toHex(bytes);
    }
}
