package io.pvfhost.worker.execute.trie;

import io.pvfhost.common.scale.ScaleWriter;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Trie roots computed in closed form, byte-compatible with {@code sp_trie}'s
 * {@code TrieConfiguration::trie_root} / {@code ordered_trie_root} for both layouts (see the
 * package documentation for the format).
 *
 * <p>The tree is built depth-first with an explicit stack rather than recursion, so that keys
 * nested thousands of levels deep (each a prefix of the next) cannot exhaust the thread's stack.
 */
public final class TrieRoot {

    /** One input pair. Keys are raw bytes (not hashed). */
    public record Entry(byte[] key, byte[] value) {
        public Entry {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }
    }

    // sp-trie's node header prefixes (node_header.rs), shared with TrieProof's decoder
    static final int EMPTY_TRIE = 0x00;
    static final int LEAF = 0b01 << 6;
    static final int BRANCH_WITHOUT_VALUE = 0b10 << 6;
    static final int BRANCH_WITH_VALUE = 0b11 << 6;
    static final int HASHED_VALUE_LEAF = 0b001 << 5;
    static final int HASHED_VALUE_BRANCH = 0b0001 << 4;

    private TrieRoot() {}

    /** {@code LayoutVx::<H>::trie_root(input)}: the hash of the root node. */
    public static byte[] trieRoot(List<Entry> input, TrieHasher hasher, StateVersion version) {
        return hasher.hash(unhashedTrie(input, hasher, version));
    }

    /**
     * {@code LayoutVx::<H>::ordered_trie_root(values)}: item {@code i} is stored under the SCALE
     * encoding of {@code Compact(i as u32)}.
     */
    public static byte[] orderedTrieRoot(List<byte[]> values, TrieHasher hasher, StateVersion version) {
        Entry[] entries = new Entry[values.size()];
        for (int i = 0; i < entries.length; i++) {
            entries[i] = new Entry(new ScaleWriter(5).compact(i).toByteArray(), values.get(i));
        }
        return trieRoot(Arrays.asList(entries), hasher, version);
    }

    /** {@code LayoutVx::<H>::trie_root_unhashed(input)}: the root node's encoding, before hashing. */
    public static byte[] unhashedTrie(List<Entry> input, TrieHasher hasher, StateVersion version) {
        TreeMap<byte[], byte[]> sorted = sortedInput();
        for (Entry e : input) {
            sorted.put(e.key(), e.value());
        }
        return unhashedTrie(sorted, hasher, version);
    }

    /**
     * An empty map with the reference's BTreeMap order (unsigned bytes): put the input in it in
     * order, and the last value of a repeated key wins, as there. Filling it while decoding keeps
     * only distinct keys in memory, however many pairs the input repeats.
     */
    public static TreeMap<byte[], byte[]> sortedInput() {
        return new TreeMap<>(Arrays::compareUnsigned);
    }

    /** {@link #trieRoot} of input already in a {@link #sortedInput()} map. */
    public static byte[] trieRoot(TreeMap<byte[], byte[]> sorted, TrieHasher hasher, StateVersion version) {
        return hasher.hash(unhashedTrie(sorted, hasher, version));
    }

    private static byte[] unhashedTrie(TreeMap<byte[], byte[]> sorted, TrieHasher hasher, StateVersion version) {
        byte[][] keys = sorted.keySet().toArray(new byte[0][]);
        byte[][] values = sorted.values().toArray(new byte[0][]);
        return new Builder(keys, values, hasher, version).rootNode();
    }

    /** One pass of {@code trie_root::build_trie} over sorted, distinct keys. */
    private static final class Builder {
        private final byte[][] keys;
        private final byte[][] values;
        private final TrieHasher hasher;
        private final StateVersion version;

        Builder(byte[][] keys, byte[][] values, TrieHasher hasher, StateVersion version) {
            this.keys = keys;
            this.values = values;
            this.hasher = hasher;
            this.version = version;
        }

        /** A node under construction: the items {@code [from, to)} below nibble {@code cursor}. */
        private static final class Frame {
            final ScaleWriter out = new ScaleWriter();
            /** Items per child slot for a branch; null for a leaf or the empty trie. */
            int[] childCounts;
            int nextSlot;
            int nextItem;
            int childCursor;
        }

        byte[] rootNode() {
            Deque<Frame> stack = new ArrayDeque<>();
            stack.push(open(0, keys.length, 0));
            while (true) {
                Frame top = stack.peek();
                int slot = nextChild(top);
                if (slot < 0) {
                    stack.pop();
                    byte[] encoded = top.out.toByteArray();
                    if (stack.isEmpty()) {
                        return encoded;
                    }
                    appendChild(stack.peek().out, encoded);
                } else {
                    int from = top.nextItem;
                    top.nextItem += top.childCounts[slot];
                    stack.push(open(from, top.nextItem, top.childCursor));
                }
            }
        }

        /** The next occupied child slot of a branch, or -1 when the node is complete. */
        private static int nextChild(Frame f) {
            if (f.childCounts == null) {
                return -1;
            }
            while (f.nextSlot < 16 && f.childCounts[f.nextSlot] == 0) {
                f.nextSlot++;
            }
            return f.nextSlot < 16 ? f.nextSlot++ : -1;
        }

        /** Writes the node's own part (everything but its children) and plans its children. */
        private Frame open(int from, int to, int cursor) {
            Frame f = new Frame();
            int count = to - from;
            if (count == 0) {
                f.out.u8(EMPTY_TRIE);
                return f;
            }
            byte[] key = keys[from];
            if (count == 1) {
                byte[] value = values[from];
                boolean hashed = version.hashesValue(value);
                writePartial(f.out, key, cursor, nibbleCount(key), hashed ? HASHED_VALUE_LEAF : LEAF, hashed ? 3 : 2);
                writeValue(f.out, value, hashed);
                return f;
            }
            // For sorted keys the prefix shared by all equals the one shared by the first and the last.
            int shared = sharedNibbles(key, keys[to - 1], cursor);
            int partialStart = cursor;
            if (shared > cursor) {
                cursor = shared;
            }
            boolean hasValue = cursor == nibbleCount(key);
            int begin = hasValue ? from + 1 : from;
            int[] counts = new int[16];
            int bitmap = 0;
            for (int slot = 0, i = begin; slot < 16; slot++) {
                int start = i;
                while (i < to && nibble(keys[i], cursor) == slot) {
                    i++;
                }
                counts[slot] = i - start;
                if (counts[slot] > 0) {
                    bitmap |= 1 << slot;
                }
            }
            byte[] value = hasValue ? values[from] : null;
            boolean hashed = value != null && version.hashesValue(value);
            int kind = value == null ? BRANCH_WITHOUT_VALUE : hashed ? HASHED_VALUE_BRANCH : BRANCH_WITH_VALUE;
            writePartial(f.out, key, partialStart, cursor, kind, hashed ? 4 : 2);
            f.out.u8(bitmap & 0xff).u8(bitmap >>> 8);
            if (value != null) {
                writeValue(f.out, value, hashed);
            }
            f.childCounts = counts;
            f.nextItem = begin;
            f.childCursor = cursor + 1;
            return f;
        }

        private void writeValue(ScaleWriter out, byte[] value, boolean hashed) {
            if (hashed) {
                out.raw(hasher.hash(value));
            } else {
                out.bytes(value);
            }
        }

        /** {@code TrieStream::append_substream}: inline below 32 bytes, else by hash. */
        private void appendChild(ScaleWriter parent, byte[] child) {
            parent.bytes(child.length < TrieHasher.HASH_LENGTH ? child : hasher.hash(child));
        }
    }

    /** Number of nibbles in a key. */
    static int nibbleCount(byte[] key) {
        return key.length * 2;
    }

    /** Nibble {@code i} of a key, the high half of each byte first. */
    static int nibble(byte[] key, int i) {
        int b = key[i >> 1] & 0xff;
        return (i & 1) == 0 ? b >>> 4 : b & 0x0f;
    }

    /**
     * Length in nibbles of the common prefix of {@code a} and {@code b}, given that they share at
     * least {@code known} nibbles.
     */
    static int sharedNibbles(byte[] a, byte[] b, int known) {
        int limit = Math.min(a.length, b.length);
        int i = known >> 1;
        while (i < limit && a[i] == b[i]) {
            i++;
        }
        if (i == limit) {
            return 2 * limit;
        }
        return ((a[i] ^ b[i]) & 0xf0) != 0 ? 2 * i : 2 * i + 1;
    }

    /**
     * A node header and the nibbles {@code [start, end)} of {@code key}: {@code fuse_nibbles_node}.
     * An odd count puts the first nibble alone in the low half of a byte.
     */
    static void writePartial(ScaleWriter out, byte[] key, int start, int end, int prefix, int prefixBits) {
        int size = end - start;
        writeHeader(out, size, prefix, prefixBits);
        int i = start;
        if ((size & 1) == 1) {
            out.u8(nibble(key, i));
            i++;
        }
        for (; i < end; i += 2) {
            out.u8(nibble(key, i) << 4 | nibble(key, i + 1));
        }
    }

    /**
     * {@code size_and_prefix_iterator}: the prefix plus the nibble count in the bits the prefix
     * leaves free; a count that does not fit continues in following bytes of 255 each, the last
     * one holding the remainder minus one.
     */
    static void writeHeader(ScaleWriter out, int size, int prefix, int prefixBits) {
        int maxValue = 0xff >>> prefixBits;
        int l1 = Math.min(maxValue - 1, size);
        if (size == l1) {
            out.u8(prefix + l1);
            return;
        }
        out.u8(prefix + maxValue);
        int rem = size - l1;
        while (rem > 0) {
            if (rem < 256) {
                out.u8(rem - 1);
                rem = 0;
            } else {
                out.u8(255);
                rem -= 255;
            }
        }
    }
}
