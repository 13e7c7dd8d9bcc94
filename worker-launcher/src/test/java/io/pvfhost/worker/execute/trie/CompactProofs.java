package io.pvfhost.worker.execute.trie;

import io.pvfhost.common.scale.ScaleWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Test-only compact proofs of present keys, what trie-db's {@code generate_proof} (0.31.0,
 * {@code proof/generate.rs}) outputs for them: the nodes on the paths to the proven keys, root
 * first, depth first; a proven key's value omitted (a leaf keeps an empty inline value, a branch
 * drops its value and so its kind); a hash-referenced child on a path replaced by an empty inline
 * reference and listed after its parent; an inline child on a path kept inline, with its own
 * omissions. Built like {@link TrieRoot} but recursively and without sharing its code, and checked
 * against it: the hash of {@link Proof#fullRoot} must be {@link TrieRoot#trieRoot}.
 */
final class CompactProofs {
    private static final int LEAF = 0b01 << 6;
    private static final int BRANCH_WITHOUT_VALUE = 0b10 << 6;
    private static final int BRANCH_WITH_VALUE = 0b11 << 6;
    private static final int HASHED_VALUE_LEAF = 0b001 << 5;
    private static final int HASHED_VALUE_BRANCH = 0b0001 << 4;

    record Proof(byte[] root, byte[] fullRoot, List<byte[]> nodes) {}

    private record Built(byte[] full, byte[] compact, List<byte[]> below, boolean onPath) {}

    private final byte[][] keys;
    private final byte[][] values;
    private final TreeSet<byte[]> proven = new TreeSet<>(Arrays::compareUnsigned);
    private final TrieHasher hasher;
    private final StateVersion version;

    private CompactProofs(TreeMap<byte[], byte[]> entries, List<byte[]> provenKeys, TrieHasher hasher,
            StateVersion version) {
        this.keys = entries.keySet().toArray(new byte[0][]);
        this.values = entries.values().toArray(new byte[0][]);
        this.proven.addAll(provenKeys);
        this.hasher = hasher;
        this.version = version;
    }

    /** A proof that each of {@code provenKeys} (all present in the non-empty {@code entries}) has its value. */
    static Proof generate(TreeMap<byte[], byte[]> entries, List<byte[]> provenKeys, TrieHasher hasher,
            StateVersion version) {
        for (byte[] k : provenKeys) {
            if (!entries.containsKey(k)) {
                throw new IllegalArgumentException("only present keys are supported");
            }
        }
        CompactProofs g = new CompactProofs(entries, provenKeys, hasher, version);
        Built root = g.node(0, g.keys.length, 0);
        List<byte[]> nodes = new ArrayList<>();
        nodes.add(root.compact());
        nodes.addAll(root.below());
        return new Proof(hasher.hash(root.full()), root.full(), nodes);
    }

    private Built node(int from, int to, int cursor) {
        if (to - from == 1) {
            byte[] key = keys[from];
            byte[] value = values[from];
            boolean hashed = version.hashesValue(value);
            ScaleWriter full = new ScaleWriter();
            partial(full, key, cursor, key.length * 2, hashed ? HASHED_VALUE_LEAF : LEAF, hashed ? 3 : 2);
            if (hashed) {
                full.raw(hasher.hash(value));
            } else {
                full.bytes(value);
            }
            boolean onPath = proven.contains(key);
            byte[] compact = full.toByteArray();
            if (onPath) {
                ScaleWriter c = new ScaleWriter();
                partial(c, key, cursor, key.length * 2, LEAF, 2);
                compact = c.bytes(new byte[0]).toByteArray();
            }
            return new Built(full.toByteArray(), compact, List.of(), onPath);
        }
        byte[] first = keys[from];
        int shared = cursor;
        while (shared < first.length * 2 && allShare(from, to, shared)) {
            shared++;
        }
        boolean hasValue = shared == first.length * 2;
        int begin = hasValue ? from + 1 : from;
        byte[] value = hasValue ? values[from] : null;
        boolean valueProven = hasValue && proven.contains(first);
        List<Built> children = new ArrayList<>();
        int bitmap = 0;
        for (int i = begin; i < to; ) {
            int nibble = nibble(keys[i], shared);
            int j = i;
            while (j < to && nibble(keys[j], shared) == nibble) {
                j++;
            }
            bitmap |= 1 << nibble;
            children.add(node(i, j, shared + 1));
            i = j;
        }
        boolean hashed = value != null && version.hashesValue(value);
        ScaleWriter full = new ScaleWriter();
        partial(full, first, cursor, shared,
                value == null ? BRANCH_WITHOUT_VALUE : hashed ? HASHED_VALUE_BRANCH : BRANCH_WITH_VALUE, hashed ? 4 : 2);
        full.u8(bitmap & 0xff).u8(bitmap >>> 8);
        if (value != null) {
            if (hashed) {
                full.raw(hasher.hash(value));
            } else {
                full.bytes(value);
            }
        }
        ScaleWriter compact = new ScaleWriter();
        partial(compact, first, cursor, shared, value == null || valueProven ? BRANCH_WITHOUT_VALUE
                : hashed ? HASHED_VALUE_BRANCH : BRANCH_WITH_VALUE, value != null && !valueProven && hashed ? 4 : 2);
        compact.u8(bitmap & 0xff).u8(bitmap >>> 8);
        if (value != null && !valueProven) {
            if (hashed) {
                compact.raw(hasher.hash(value));
            } else {
                compact.bytes(value);
            }
        }
        List<byte[]> below = new ArrayList<>();
        boolean onPath = valueProven;
        for (Built child : children) {
            boolean inline = child.full().length < TrieHasher.HASH_LENGTH;
            full.bytes(inline ? child.full() : hasher.hash(child.full()));
            if (child.onPath()) {
                onPath = true;
                if (inline) {
                    compact.bytes(child.compact());
                } else {
                    compact.bytes(new byte[0]);
                    below.add(child.compact());
                }
                below.addAll(child.below());
            } else {
                compact.bytes(inline ? child.full() : hasher.hash(child.full()));
            }
        }
        return new Built(full.toByteArray(), compact.toByteArray(), below, onPath);
    }

    private boolean allShare(int from, int to, int at) {
        byte[] first = keys[from];
        for (int i = from + 1; i < to; i++) {
            if (keys[i].length * 2 <= at || nibble(keys[i], at) != nibble(first, at)) {
                return false;
            }
        }
        return true;
    }

    private static int nibble(byte[] key, int i) {
        int b = key[i >> 1] & 0xff;
        return (i & 1) == 0 ? b >>> 4 : b & 0x0f;
    }

    /** Header and nibbles {@code [start, end)} of {@code key}, an odd count's first nibble alone. */
    private static void partial(ScaleWriter out, byte[] key, int start, int end, int prefix, int prefixBits) {
        int size = end - start;
        int max = 0xff >>> prefixBits;
        if (size < max) {
            out.u8(prefix + size);
        } else {
            out.u8(prefix + max);
            int rem = size - (max - 1);
            while (rem >= 256) {
                out.u8(255);
                rem -= 255;
            }
            out.u8(rem - 1);
        }
        int i = start;
        if ((size & 1) == 1) {
            out.u8(nibble(key, i++));
        }
        for (; i < end; i += 2) {
            out.u8(nibble(key, i) << 4 | nibble(key, i + 1));
        }
    }
}
