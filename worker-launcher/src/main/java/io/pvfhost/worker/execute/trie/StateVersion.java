package io.pvfhost.worker.execute.trie;

/**
 * Substrate's {@code StateVersion}: which trie layout a root is computed with. {@code V0} inlines
 * every value in its node; {@code V1} ({@code LayoutV1}) stores a value of
 * {@link #VALUE_NODE_THRESHOLD} bytes or more as its hash ("hashed value" leaf or branch).
 */
public enum StateVersion {
    V0,
    V1;

    /** {@code sp_core::storage::TRIE_VALUE_NODE_THRESHOLD}: values this long or longer are hashed in V1. */
    public static final int VALUE_NODE_THRESHOLD = 33;

    /** Whether this layout stores {@code value} as its hash rather than inline. */
    boolean hashesValue(byte[] value) {
        return this == V1 && value.length >= VALUE_NODE_THRESHOLD;
    }

    /**
     * {@code TryFrom<u8> for StateVersion}: 0 and 1, anything else is refused.
     *
     * @throws IllegalArgumentException for any other byte
     */
    public static StateVersion fromByte(int b) {
        return switch (b) {
            case 0 -> V0;
            case 1 -> V1;
            default -> throw new IllegalArgumentException("invalid state version " + b + ": expected 0 or 1");
        };
    }
}
