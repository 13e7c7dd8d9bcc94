package io.pvfhost.worker.execute.trie;

import static io.pvfhost.worker.execute.trie.TrieRoot.BRANCH_WITHOUT_VALUE;
import static io.pvfhost.worker.execute.trie.TrieRoot.BRANCH_WITH_VALUE;
import static io.pvfhost.worker.execute.trie.TrieRoot.EMPTY_TRIE;
import static io.pvfhost.worker.execute.trie.TrieRoot.HASHED_VALUE_BRANCH;
import static io.pvfhost.worker.execute.trie.TrieRoot.HASHED_VALUE_LEAF;
import static io.pvfhost.worker.execute.trie.TrieRoot.LEAF;

import io.pvfhost.common.scale.ScaleException;
import io.pvfhost.common.scale.ScaleReader;
import io.pvfhost.common.scale.ScaleWriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * Verification of compact trie proofs: {@code sp_trie::verify_trie_proof}, that is trie-db's
 * {@code proof::verify_proof} (trie-db 0.31.0, {@code trie-db/src/proof/verify.rs}) over sp-trie's
 * {@code NodeCodec} ({@code node_codec.rs}, {@code node_header.rs}).
 *
 * <p>A compact proof (as {@code generate_proof} makes it) lists the nodes on the paths to the
 * proven keys, depth first, root first. The values of proven keys are omitted (an empty inline
 * value) and so is each reference to a child that follows in the proof (an empty inline child):
 * the verifier puts the given values in, rebuilds each node's encoding bottom-up and compares the
 * root hash. Anything a verifier could recompute but that is present anyway, a missing or extra
 * node, a hash reference on the proven path, a node that does not decode, fails.
 */
public final class TrieProof {

    /** Why a proof was refused: trie-db's {@code VerifyError} variants. */
    public enum Error {
        DUPLICATE_KEY,
        EXTRANEOUS_NODE,
        EXTRANEOUS_VALUE,
        EXTRANEOUS_HASH_REFERENCE,
        INVALID_CHILD_REFERENCE,
        VALUE_MISMATCH,
        INCOMPLETE_PROOF,
        ROOT_MISMATCH,
        DECODE_ERROR
    }

    /** A key with its expected value, or null for "absent from the trie". */
    public record Item(byte[] key, byte[] value) {
        public Item {
            Objects.requireNonNull(key, "key");
        }
    }

    private TrieProof() {}

    /**
     * {@code verify_trie_proof::<LayoutVx<H>>(root, proof, &[(key, Some(value))]).is_ok()}, what
     * {@code ext_trie_*_verify_proof} answer.
     */
    public static boolean verify(byte[] root, List<byte[]> proof, byte[] key, byte[] value, TrieHasher hasher,
            StateVersion version) {
        return verify(root, proof, List.of(new Item(key, value)), hasher, version) == null;
    }

    /** {@code verify_proof}: null when the proof holds, else the reason it does not. */
    public static Error verify(byte[] root, List<byte[]> proof, List<Item> items, TrieHasher hasher,
            StateVersion version) {
        try {
            new Verifier(hasher, version).run(root, proof, items);
            return null;
        } catch (Refused e) {
            return e.error;
        }
    }

    /** A verification failure, unwound to {@link #verify}; no stack trace, it is not a bug. */
    private static final class Refused extends Exception {
        final Error error;

        Refused(Error error) {
            super(error.name(), null, false, false);
            this.error = error;
        }
    }

    // --- Nodes (sp-trie's NodeCodec) ------------------------------------------------------------

    private static final int NIBBLE_LENGTH = 16;

    private enum Kind { EMPTY, LEAF, BRANCH }

    /**
     * trie-db's {@code Value}: inline bytes, or the hash of a value stored apart
     * ({@code Value::Node}, V1's hashed values).
     */
    private record Value(byte[] bytes, boolean hashed) {}

    /**
     * A child handle as decoded: {@code NodeHandle::Hash} when its byte string is exactly the hash
     * length, else {@code NodeHandle::Inline} (the encoded child itself; empty when omitted).
     */
    private record Handle(byte[] data, boolean hash) {}

    /**
     * A decoded node; sp-trie has no extension nodes and decodes every branch as a nibbled branch.
     * The partial key is {@code nibbles} nibbles of {@code partial}, the first one alone in the low
     * half of the first byte when the count is odd.
     */
    private record Node(Kind kind, byte[] partial, int nibbles, Value value, Handle[] children) {
        int partialAt(int i) {
            int n = i + (nibbles & 1);
            int b = partial[n >> 1] & 0xff;
            return (n & 1) == 0 ? b >>> 4 : b & 0x0f;
        }
    }

    /**
     * {@code NodeCodec::decode}: bytes after the node are not looked at, as in the reference (they
     * then make the rebuilt encoding differ, and the root with it).
     */
    static Node decode(byte[] data) throws Refused {
        try {
            return decodeOrThrow(data);
        } catch (ScaleException e) {
            throw new Refused(Error.DECODE_ERROR);
        }
    }

    private static Node decodeOrThrow(byte[] data) {
        ScaleReader r = new ScaleReader(data);
        int first = r.u8();
        if (first == EMPTY_TRIE) {
            return new Node(Kind.EMPTY, new byte[0], 0, null, null);
        }
        boolean branch;
        boolean hasValue;
        boolean hashedValue = false;
        long nibbles;
        switch (first & 0b11 << 6) {
            case LEAF -> {
                branch = false;
                hasValue = true;
                nibbles = decodeSize(first, r, 2);
            }
            case BRANCH_WITH_VALUE, BRANCH_WITHOUT_VALUE -> {
                branch = true;
                hasValue = (first & 0b11 << 6) == BRANCH_WITH_VALUE;
                nibbles = decodeSize(first, r, 2);
            }
            default -> {
                if ((first & 0b111 << 5) == HASHED_VALUE_LEAF) {
                    branch = false;
                    nibbles = decodeSize(first, r, 3);
                } else if ((first & 0b1111 << 4) == HASHED_VALUE_BRANCH) {
                    branch = true;
                    nibbles = decodeSize(first, r, 4);
                } else {
                    throw new ScaleException("unallowed node header " + first);
                }
                hasValue = true;
                hashedValue = true;
            }
        }
        if (r.remaining() < 1) {
            throw new ScaleException("node ends after its header");
        }
        // an odd count leaves the high half of the first partial byte as padding, which must be 0
        if ((nibbles & 1) == 1 && (data[r.position()] & 0xf0) != 0) {
            throw new ScaleException("non-zero partial key padding");
        }
        long partialBytes = (nibbles + 1) / 2;
        if (partialBytes > r.remaining()) {
            throw new ScaleException("partial key runs past the node");
        }
        byte[] partial = r.fixed((int) partialBytes);
        if (!branch) {
            return new Node(Kind.LEAF, partial, (int) nibbles, value(r, hashedValue), null);
        }
        int bitmap = r.u8() | r.u8() << 8;
        if (bitmap == 0) {
            throw new ScaleException("branch bitmap without a child");
        }
        Value value = hasValue ? value(r, hashedValue) : null;
        Handle[] children = new Handle[NIBBLE_LENGTH];
        for (int i = 0; i < NIBBLE_LENGTH; i++) {
            if ((bitmap & 1 << i) != 0) {
                byte[] child = take(r, r.compactU32());
                children[i] = new Handle(child, child.length == TrieHasher.HASH_LENGTH);
            }
        }
        return new Node(Kind.BRANCH, partial, (int) nibbles, value, children);
    }

    private static Value value(ScaleReader r, boolean hashed) {
        return hashed ? new Value(r.fixed(TrieHasher.HASH_LENGTH), true) : new Value(take(r, r.compactU32()), false);
    }

    private static byte[] take(ScaleReader r, long count) {
        if (count > r.remaining()) {
            throw new ScaleException("byte string of " + count + " bytes runs past the node");
        }
        return r.fixed((int) count);
    }

    /**
     * {@code decode_size}: the nibble count in the header bits the prefix leaves free; when they
     * are all ones, following bytes add 255 each until one below 255 ends the count (no bound).
     */
    private static long decodeSize(int first, ScaleReader r, int prefixBits) {
        int maxValue = 0xff >>> prefixBits;
        long result = first & maxValue;
        if (result < maxValue) {
            return result;
        }
        result -= 1;
        while (true) {
            int n = r.u8();
            if (n < 255) {
                return result + n + 1;
            }
            result += 255;
        }
    }

    /** {@code leaf_node}: the header kind follows the value's kind. */
    private static byte[] encodeLeaf(Node node, Value value) {
        ScaleWriter out = new ScaleWriter();
        writePartial(out, node, value.hashed() ? HASHED_VALUE_LEAF : LEAF, value.hashed() ? 3 : 2);
        writeValue(out, value);
        return out.toByteArray();
    }

    /** {@code branch_node_nibbled}: children are references (a hash, or an inline node of at most 32 bytes). */
    private static byte[] encodeBranch(Node node, byte[][] children, Value value) {
        ScaleWriter out = new ScaleWriter();
        if (value == null) {
            writePartial(out, node, BRANCH_WITHOUT_VALUE, 2);
        } else if (value.hashed()) {
            writePartial(out, node, HASHED_VALUE_BRANCH, 4);
        } else {
            writePartial(out, node, BRANCH_WITH_VALUE, 2);
        }
        int bitmap = 0;
        for (int i = 0; i < NIBBLE_LENGTH; i++) {
            if (children[i] != null) {
                bitmap |= 1 << i;
            }
        }
        out.u8(bitmap & 0xff).u8(bitmap >>> 8);
        if (value != null) {
            writeValue(out, value);
        }
        for (byte[] child : children) {
            if (child != null) {
                out.bytes(child);
            }
        }
        return out.toByteArray();
    }

    /** Header and the partial key as decoded ({@code right_iter}: padding nibble cleared). */
    private static void writePartial(ScaleWriter out, Node node, int prefix, int prefixBits) {
        TrieRoot.writeHeader(out, node.nibbles(), prefix, prefixBits);
        byte[] p = node.partial();
        for (int i = 0; i < p.length; i++) {
            out.u8(i == 0 && (node.nibbles() & 1) == 1 ? p[0] & 0x0f : p[i] & 0xff);
        }
    }

    private static void writeValue(ScaleWriter out, Value value) {
        if (value.hashed()) {
            out.raw(value.bytes());
        } else {
            out.bytes(value.bytes());
        }
    }

    // --- Keys as nibbles (LeftNibbleSlice) ------------------------------------------------------

    /** The first {@code len} nibbles of {@code bytes}. */
    private record Nibbles(byte[] bytes, int len) {
        static Nibbles of(byte[] bytes) {
            return new Nibbles(bytes, bytes.length * 2);
        }

        /** The nibble at {@code i}, or -1 past the end ({@code at} returning None). */
        int at(int i) {
            if (i >= len) {
                return -1;
            }
            int b = bytes[i >> 1] & 0xff;
            return (i & 1) == 0 ? b >>> 4 : b & 0x0f;
        }

        Nibbles truncate(int n) {
            return new Nibbles(bytes, Math.min(n, len));
        }

        /** Byte-wise where it can (the reference compares slices): it runs at every node of a path. */
        boolean startsWith(Nibbles prefix) {
            if (len < prefix.len) {
                return false;
            }
            int whole = prefix.len >> 1;
            if (Arrays.mismatch(bytes, 0, whole, prefix.bytes, 0, whole) != -1) {
                return false;
            }
            return (prefix.len & 1) == 0 || at(prefix.len - 1) == prefix.at(prefix.len - 1);
        }

        /** Whether the node's partial key is found here from nibble {@code offset} on. */
        boolean contains(Node node, int offset) {
            for (int i = 0; i < node.nibbles(); i++) {
                if (at(offset + i) != node.partialAt(i)) {
                    return false;
                }
            }
            return true;
        }
    }

    // --- verify_proof ---------------------------------------------------------------------------

    /** {@code ValueMatch}: what a key is to a node on the stack. */
    private enum Match { MATCHES_LEAF, MATCHES_BRANCH, NOT_FOUND, NOT_OMITTED, IS_CHILD }

    private static final class Verifier {
        private final TrieHasher hasher;
        private final StateVersion version;

        Verifier(TrieHasher hasher, StateVersion version) {
            this.hasher = hasher;
            this.version = version;
        }

        /** {@code StackEntry}: a proof node being rebuilt. */
        private final class Entry {
            final Nibbles prefix;
            final Node node;
            final boolean isInline;
            Value value;
            /** Set instead of {@link #value} when a supplied value is stored as its hash. */
            byte[] nextValueHash;
            int childIndex;
            /** Rebuilt child references, each encoded as its byte string's content. */
            final byte[][] children = new byte[NIBBLE_LENGTH][];
            /** The child {@link #descend} returned, for {@link Match#IS_CHILD}. */
            Nibbles childPrefix;

            Entry(byte[] data, Nibbles prefix, boolean isInline) throws Refused {
                this.node = decode(data);
                this.prefix = prefix;
                this.isInline = isInline;
                this.value = node.value();
            }

            Value value() {
                return nextValueHash != null ? new Value(nextValueHash, true) : value;
            }

            byte[] encodeNode() throws Refused {
                completeChildren();
                return switch (node.kind()) {
                    case EMPTY -> new byte[] {EMPTY_TRIE};
                    case LEAF -> encodeLeaf(node, value());
                    case BRANCH -> encodeBranch(node, children, value());
                };
            }

            /** {@code advance_child_index}: copy the children before this one, then open it. */
            Entry advanceChildIndex(Nibbles childPrefix, Iterator<byte[]> proof) throws Refused {
                int target = childPrefix.at(childPrefix.len() - 1);
                while (childIndex < target) {
                    copyChild(childIndex);
                    childIndex++;
                }
                return makeChildEntry(proof, node.children()[childIndex], childPrefix);
            }

            /** {@code complete_children}: the remaining children are taken from the node as they are. */
            void completeChildren() throws Refused {
                if (node.kind() != Kind.BRANCH) {
                    return;
                }
                while (childIndex < NIBBLE_LENGTH) {
                    copyChild(childIndex);
                    childIndex++;
                }
            }

            /** {@code ChildReference::try_from(NodeHandle)}: an inline node over 32 bytes is invalid. */
            private void copyChild(int i) throws Refused {
                Handle child = node.children()[i];
                if (child != null) {
                    // a hash handle is exactly 32 bytes by construction; an inline one must not exceed it
                    if (!child.hash() && child.data().length > TrieHasher.HASH_LENGTH) {
                        throw new Refused(Error.INVALID_CHILD_REFERENCE);
                    }
                    children[i] = child.data();
                }
            }

            Entry makeChildEntry(Iterator<byte[]> proof, Handle child, Nibbles childPrefix) throws Refused {
                if (child.hash()) {
                    // a hash on the proven path: the child should have been in the proof, omitted here
                    throw new Refused(Error.EXTRANEOUS_HASH_REFERENCE);
                }
                if (child.data().length == 0) {
                    if (!proof.hasNext()) {
                        throw new Refused(Error.INCOMPLETE_PROOF);
                    }
                    return new Entry(proof.next(), childPrefix, false);
                }
                return new Entry(child.data(), childPrefix, true);
            }

            /** {@code set_value}: a value the layout stores by hash goes in as its hash. */
            void setValue(byte[] v) {
                if (version.hashesValue(v)) {
                    nextValueHash = hasher.hash(v);
                    value = null;
                } else {
                    value = new Value(v, false);
                }
            }

            /**
             * {@code advance_item}: puts in the values of the items at this node, and stops at the
             * first item below one of its children (true: descend to {@link #childPrefix}) or
             * outside it (false: this node is complete).
             */
            boolean advanceItem(List<Item> items, int[] next) throws Refused {
                while (next[0] < items.size()) {
                    Item item = items.get(next[0]);
                    Nibbles key = Nibbles.of(item.key());
                    if (!key.startsWith(prefix)) {
                        return false;
                    }
                    switch (matchKey(key)) {
                        case MATCHES_LEAF -> {
                            if (item.value() == null) {
                                throw new Refused(Error.VALUE_MISMATCH);
                            }
                            setValue(item.value());
                        }
                        case MATCHES_BRANCH -> {
                            if (item.value() != null) {
                                setValue(item.value());
                            } else {
                                value = null;
                            }
                        }
                        case NOT_FOUND -> {
                            if (item.value() != null) {
                                throw new Refused(Error.VALUE_MISMATCH);
                            }
                        }
                        case NOT_OMITTED -> throw new Refused(Error.EXTRANEOUS_VALUE);
                        case IS_CHILD -> {
                            return true;
                        }
                    }
                    next[0]++;
                }
                return false;
            }

            /** {@code match_key_to_node}, on the node as decoded; sets {@link #childPrefix} for IS_CHILD. */
            private Match matchKey(Nibbles key) {
                int prefixLen = prefix.len();
                switch (node.kind()) {
                    case EMPTY:
                        return Match.NOT_FOUND;
                    case LEAF:
                        if (key.contains(node, prefixLen) && key.len() == prefixLen + node.nibbles()) {
                            Value v = node.value();
                            return !v.hashed() && v.bytes().length == 0 ? Match.MATCHES_LEAF : Match.NOT_OMITTED;
                        }
                        return Match.NOT_FOUND;
                    default:
                        if (!key.contains(node, prefixLen)) {
                            return Match.NOT_FOUND;
                        }
                        int end = prefixLen + node.nibbles();
                        if (key.len() == end) {
                            return node.value() == null ? Match.MATCHES_BRANCH : Match.NOT_OMITTED;
                        }
                        if (node.children()[key.at(end)] == null) {
                            return Match.NOT_FOUND;
                        }
                        childPrefix = key.truncate(end + 1);
                        return Match.IS_CHILD;
                }
            }
        }

        void run(byte[] root, List<byte[]> proof, List<Item> input) throws Refused {
            List<Item> items = new ArrayList<>(input);
            items.sort(Comparator.comparing(Item::key, Arrays::compareUnsigned));
            if (items.isEmpty()) {
                if (!proof.isEmpty()) {
                    throw new Refused(Error.EXTRANEOUS_NODE);
                }
                return;
            }
            for (int i = 1; i < items.size(); i++) {
                if (Arrays.equals(items.get(i).key(), items.get(i - 1).key())) {
                    throw new Refused(Error.DUPLICATE_KEY);
                }
            }
            Iterator<byte[]> proofIter = proof.iterator();
            int[] nextItem = {0};
            Deque<Entry> stack = new ArrayDeque<>();
            if (!proofIter.hasNext()) {
                throw new Refused(Error.INCOMPLETE_PROOF);
            }
            Entry last = new Entry(proofIter.next(), new Nibbles(new byte[0], 0), false);
            while (true) {
                if (last.advanceItem(items, nextItem)) {
                    Entry child = last.advanceChildIndex(last.childPrefix, proofIter);
                    stack.push(last);
                    last = child;
                    continue;
                }
                boolean isInline = last.isInline;
                byte[] nodeData = last.encodeNode();
                byte[] childRef;
                if (isInline) {
                    if (nodeData.length > TrieHasher.HASH_LENGTH) {
                        throw new Refused(Error.INVALID_CHILD_REFERENCE);
                    }
                    childRef = nodeData;
                } else {
                    childRef = hasher.hash(nodeData);
                }
                Entry parent = stack.poll();
                if (parent == null) {
                    if (proofIter.hasNext()) {
                        throw new Refused(Error.EXTRANEOUS_NODE);
                    }
                    if (!Arrays.equals(childRef, root)) {
                        throw new Refused(Error.ROOT_MISMATCH);
                    }
                    return;
                }
                last = parent;
                last.children[last.childIndex] = childRef;
                last.childIndex++;
            }
        }
    }
}
