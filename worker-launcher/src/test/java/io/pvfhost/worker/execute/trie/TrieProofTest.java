package io.pvfhost.worker.execute.trie;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pvfhost.worker.execute.trie.TrieProof.Error;
import io.pvfhost.worker.execute.trie.TrieProof.Item;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Compact proof verification. The proofs are written by hand or made by {@link CompactProofs};
 * either way a proof is only believed when it hashes up to the root {@link TrieRoot} computes for
 * the whole trie, so a true answer is never checked against this class's own encoding.
 */
class TrieProofTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final TrieHasher BLAKE = TrieHasher.BLAKE2_256;

    private static byte[] hex(String s) {
        return HEX.parseHex(s.replace(" ", ""));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] filled(int length, int b) {
        byte[] out = new byte[length];
        Arrays.fill(out, (byte) b);
        return out;
    }

    private static TreeMap<byte[], byte[]> trie(byte[]... keysAndValues) {
        TreeMap<byte[], byte[]> map = TrieRoot.sortedInput();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static byte[] root(TreeMap<byte[], byte[]> trie, StateVersion version) {
        return TrieRoot.trieRoot(trie, BLAKE, version);
    }

    private static Error check(byte[] root, List<byte[]> proof, byte[] key, byte[] value, StateVersion version) {
        return TrieProof.verify(root, proof, List.of(new Item(key, value)), BLAKE, version);
    }

    // --- Hand-written proofs ------------------------------------------------------------------

    /** sp-trie's single leaf {@code 42 aa 04bb}: the proof is the leaf with its value omitted. */
    @Test
    void shouldVerifyAOneKeyTrie() {
        byte[] key = hex("aa");
        byte[] value = hex("bb");
        byte[] root = root(trie(key, value), StateVersion.V0);
        List<byte[]> proof = List.of(hex("42aa 00"));
        for (StateVersion v : StateVersion.values()) {
            assertNull(check(root, proof, key, value, v));
            assertTrue(TrieProof.verify(root, proof, key, value, BLAKE, v));
        }
        assertEquals(Error.ROOT_MISMATCH, check(root, proof, key, hex("bc"), StateVersion.V0));
        assertEquals(Error.ROOT_MISMATCH, check(root, proof, key, new byte[0], StateVersion.V0));
        assertEquals(Error.ROOT_MISMATCH, check(hex("00".repeat(32)), proof, key, value, StateVersion.V0));
        assertEquals(Error.ROOT_MISMATCH, check(BLAKE.hash(hex("42aa00")), proof, key, value, StateVersion.V0));
        assertEquals(Error.VALUE_MISMATCH, check(root, proof, hex("ab"), value, StateVersion.V0), "another key");
        assertEquals(Error.VALUE_MISMATCH, check(root, proof, hex("aaaa"), value, StateVersion.V0), "a longer key");
        assertEquals(Error.EXTRANEOUS_VALUE, check(root, List.of(hex("42aa 04bb")), key, value, StateVersion.V0),
                "the value must be omitted");
        assertEquals(Error.EXTRANEOUS_NODE, check(root, List.of(hex("42aa00"), hex("00")), key, value,
                StateVersion.V0));
        assertEquals(Error.INCOMPLETE_PROOF, check(root, List.of(), key, value, StateVersion.V0));
        assertEquals(Error.DECODE_ERROR, check(root, List.of(utf8("this is not a trie node")), key, value,
                StateVersion.V0));
        assertFalse(TrieProof.verify(root, List.of(hex("42aa 04bb")), key, value, BLAKE, StateVersion.V0));
    }

    /**
     * sp-trie's two disjoint keys {@code 80 1200 14 430314 04ff 14 430819 04fe}: both leaves are
     * inline, so the one proven is kept inline with its value omitted, and the proof is one node.
     */
    @Test
    void shouldVerifyAKeyUnderAnInlineChild() {
        byte[] root = root(trie(hex("4819"), hex("fe"), hex("1314"), hex("ff")), StateVersion.V0);
        List<byte[]> proof = List.of(hex("80 1200 10 430314 00 14 430819 04fe"));
        assertNull(check(root, proof, hex("1314"), hex("ff"), StateVersion.V0));
        assertNull(check(root, proof, hex("1314"), hex("ff"), StateVersion.V1));
        assertEquals(Error.ROOT_MISMATCH, check(root, proof, hex("1314"), hex("fe"), StateVersion.V0));
        // the other key's leaf still has its value: a proof of 1314 does not prove 4819
        assertEquals(Error.EXTRANEOUS_VALUE, check(root, proof, hex("4819"), hex("fe"), StateVersion.V0));
        List<byte[]> both = List.of(hex("80 1200 10 430314 00 10 430819 00"));
        assertNull(TrieProof.verify(root, both, List.of(new Item(hex("4819"), hex("fe")),
                new Item(hex("1314"), hex("ff"))), BLAKE, StateVersion.V0));
        assertEquals(Error.DUPLICATE_KEY, TrieProof.verify(root, proof, List.of(new Item(hex("1314"), hex("ff")),
                new Item(hex("1314"), hex("ff"))), BLAKE, StateVersion.V0));
        // the child listed after its parent, as if it were hashed: an empty reference
        assertEquals(Error.ROOT_MISMATCH, check(root, List.of(hex("80 1200 00 14 430819 04fe"), hex("430314 00")),
                hex("1314"), hex("ff"), StateVersion.V0));
        // a 32-byte value cannot fit an inline node (trie-db's test_verify_invalid_child_reference)
        assertEquals(Error.INVALID_CHILD_REFERENCE, check(root, proof, hex("1314"), filled(32, 0), StateVersion.V0));
    }

    /** Leaves of 32 bytes or more are referenced by hash: the proven one follows its parent. */
    @Test
    void shouldVerifyAKeyUnderAHashedChild() {
        byte[] a = filled(40, 1);
        byte[] b = filled(40, 2);
        byte[] root = root(trie(hex("1314"), a, hex("4819"), b), StateVersion.V0);
        // leaf 0x43 0314 + compact(40) = 0xa0 + 40 bytes
        byte[] otherLeaf = hex("430819 a0" + "02".repeat(40));
        String otherRef = "80" + HEX.formatHex(BLAKE.hash(otherLeaf));
        List<byte[]> proof = List.of(hex("80 1200 00" + otherRef), hex("430314 00"));
        assertNull(check(root, proof, hex("1314"), a, StateVersion.V0));
        assertEquals(Error.ROOT_MISMATCH, check(root, proof, hex("1314"), b, StateVersion.V0));
        assertEquals(Error.INCOMPLETE_PROOF, check(root, proof.subList(0, 1), hex("1314"), a, StateVersion.V0));
        assertEquals(Error.EXTRANEOUS_NODE, check(root, List.of(proof.get(0), proof.get(1), otherLeaf), hex("1314"), a,
                StateVersion.V0));
        // the path's child given by hash rather than omitted
        byte[] provenLeaf = hex("430314 a0" + "01".repeat(40));
        String provenRef = "80" + HEX.formatHex(BLAKE.hash(provenLeaf));
        assertEquals(Error.EXTRANEOUS_HASH_REFERENCE, check(root, List.of(hex("80 1200" + provenRef + otherRef)),
                hex("1314"), a, StateVersion.V0));
        // in V1 the same values are hashed: the leaves change and so does the root
        assertEquals(Error.ROOT_MISMATCH, check(root, proof, hex("1314"), a, StateVersion.V1));
    }

    /**
     * V1 stores a value of 33 bytes or more as its hash ({@code 0b001} leaf kind); the proof omits
     * it like any value, as an empty inline value, and the verifier puts its hash back.
     */
    @Test
    void shouldPutTheHashOfALargeValueBackInV1() {
        byte[] key = hex("aa");
        byte[] value = filled(33, 7);
        byte[] rootV1 = root(trie(key, value), StateVersion.V1);
        assertArrayEquals(BLAKE.hash(hex("22aa" + HEX.formatHex(BLAKE.hash(value)))), rootV1);
        List<byte[]> proof = List.of(hex("42aa 00"));
        assertNull(check(rootV1, proof, key, value, StateVersion.V1));
        assertEquals(Error.ROOT_MISMATCH, check(rootV1, proof, key, value, StateVersion.V0));
        assertNull(check(root(trie(key, value), StateVersion.V0), proof, key, value, StateVersion.V0));
        // the hashed leaf as it is stored: its value is not omitted
        assertEquals(Error.EXTRANEOUS_VALUE, check(rootV1, List.of(hex("22aa" + HEX.formatHex(BLAKE.hash(value)))),
                key, value, StateVersion.V1));
        // 32 bytes stay inline in V1
        byte[] small = filled(32, 7);
        assertNull(check(root(trie(key, small), StateVersion.V1), proof, key, small, StateVersion.V1));
    }

    /**
     * "do" is a branch with partial key 646f and a value, "dog" its child at nibble 6 (leaf with
     * the one nibble 7). Proving "do" drops the branch's value and so makes it a branch without one.
     */
    @Test
    void shouldVerifyAValueOfANibbledBranch() {
        byte[] root = root(trie(utf8("do"), utf8("verb"), utf8("dog"), utf8("puppy")), StateVersion.V0);
        String dogLeaf = "41 07 14" + HEX.formatHex(utf8("puppy"));
        List<byte[]> proof = List.of(hex("84 646f 4000 20" + dogLeaf));
        assertNull(check(root, proof, utf8("do"), utf8("verb"), StateVersion.V0));
        assertEquals(Error.ROOT_MISMATCH, check(root, proof, utf8("do"), utf8("verbs"), StateVersion.V0));
        assertEquals(Error.EXTRANEOUS_VALUE, check(root, List.of(hex("c4 646f 4000 10" + HEX.formatHex(utf8("verb"))
                + "20" + dogLeaf)), utf8("do"), utf8("verb"), StateVersion.V0), "the branch value not omitted");
        // "dog": the branch keeps its value, the leaf inline loses its own
        List<byte[]> dogProof = List.of(hex("c4 646f 4000 10" + HEX.formatHex(utf8("verb")) + "0c 41 07 00"));
        assertNull(check(root, dogProof, utf8("dog"), utf8("puppy"), StateVersion.V0));
        assertEquals(Error.VALUE_MISMATCH, check(root, dogProof, utf8("dot"), utf8("puppy"), StateVersion.V0));
        assertEquals(Error.VALUE_MISMATCH, check(root, dogProof, utf8("d"), utf8("puppy"), StateVersion.V0));
    }

    /** {@code NodeCodec::decode} reads a node's fields and ignores what follows, so the reference does too. */
    @Test
    void shouldIgnoreBytesAfterANodeAsTheReferenceDecoderDoes() {
        byte[] root = root(trie(hex("aa"), hex("bb")), StateVersion.V0);
        assertNull(check(root, List.of(hex("42aa 00 ffff")), hex("aa"), hex("bb"), StateVersion.V0));
    }

    @Test
    void shouldRefuseMalformedNodes() {
        byte[] key = hex("aa");
        byte[] value = hex("bb");
        byte[] root = root(trie(key, value), StateVersion.V0);
        String[] malformed = {
            "", // no header
            "42aa", // leaf without its value
            "41aa00", // odd nibble count with a non-zero padding nibble
            "0f", // 0b0000xxxx is not a node kind
            "80 0000", // branch bitmap without a child
            "42aa 0100", // non-canonical compact length
            "42aa 08bb", // value length past the node
            "7f", // continued nibble count, truncated
            "22aa 00", // hashed value of fewer than 32 bytes
        };
        for (String m : malformed) {
            assertEquals(Error.DECODE_ERROR, check(root, List.of(hex(m)), key, value, StateVersion.V0), m);
        }
    }

    @Test
    void shouldAcceptNoItemsOnlyWithAnEmptyProof() {
        byte[] root = new byte[32];
        assertNull(TrieProof.verify(root, List.of(), List.of(), BLAKE, StateVersion.V0));
        assertEquals(Error.EXTRANEOUS_NODE, TrieProof.verify(root, List.of(hex("00")), List.of(), BLAKE,
                StateVersion.V0));
    }

    /** The empty trie proves only absence. */
    @Test
    void shouldProveAbsenceInTheEmptyTrie() {
        byte[] root = TrieRoot.trieRoot(List.of(), BLAKE, StateVersion.V0);
        assertNull(TrieProof.verify(root, List.of(hex("00")), List.of(new Item(hex("aa"), null)), BLAKE,
                StateVersion.V0));
        assertEquals(Error.VALUE_MISMATCH, check(root, List.of(hex("00")), hex("aa"), hex("bb"), StateVersion.V0));
    }

    // --- Generated proofs ---------------------------------------------------------------------

    /** The generator's full encoding is TrieRoot's, so its proofs are of the same trie. */
    private static CompactProofs.Proof proof(TreeMap<byte[], byte[]> trie, List<byte[]> keys, TrieHasher h,
            StateVersion v) {
        CompactProofs.Proof p = CompactProofs.generate(trie, keys, h, v);
        assertArrayEquals(TrieRoot.trieRoot(trie, h, v), h.hash(p.fullRoot()));
        assertArrayEquals(p.root(), h.hash(p.fullRoot()));
        return p;
    }

    @Test
    void shouldVerifyGeneratedProofsOfEveryKeyOfRandomTries() {
        Random random = new Random(5);
        int proofs = 0;
        int multiNode = 0;
        for (int round = 0; round < 100; round++) {
            TreeMap<byte[], byte[]> trie = randomTrie(random, 1 + random.nextInt(40));
            TrieHasher h = random.nextBoolean() ? TrieHasher.BLAKE2_256 : TrieHasher.KECCAK_256;
            StateVersion v = random.nextBoolean() ? StateVersion.V0 : StateVersion.V1;
            for (var e : trie.entrySet()) {
                byte[] key = e.getKey();
                byte[] value = e.getValue();
                CompactProofs.Proof p = proof(trie, List.of(key), h, v);
                proofs++;
                multiNode += p.nodes().size() > 1 ? 1 : 0;
                assertTrue(TrieProof.verify(p.root(), p.nodes(), key, value, h, v));
                byte[] wrong = Arrays.copyOf(value, value.length + 1);
                assertFalse(TrieProof.verify(p.root(), p.nodes(), key, wrong, h, v));
                assertFalse(TrieProof.verify(TrieRoot.trieRoot(List.of(), h, v), p.nodes(), key, value, h, v));
                if (p.nodes().size() > 1) {
                    List<byte[]> missing = new ArrayList<>(p.nodes());
                    missing.remove(missing.size() - 1);
                    assertEquals(Error.INCOMPLETE_PROOF, TrieProof.verify(p.root(), missing,
                            List.of(new Item(key, value)), h, v));
                }
                List<byte[]> extra = new ArrayList<>(p.nodes());
                extra.add(p.fullRoot());
                assertEquals(Error.EXTRANEOUS_NODE, TrieProof.verify(p.root(), extra, List.of(new Item(key, value)),
                        h, v));
                // one changed byte anywhere in the proof
                List<byte[]> flipped = new ArrayList<>(p.nodes());
                int n = random.nextInt(flipped.size());
                byte[] node = flipped.get(n).clone();
                node[random.nextInt(node.length)] ^= (byte) (1 << random.nextInt(8));
                flipped.set(n, node);
                assertFalse(TrieProof.verify(p.root(), flipped, key, value, h, v), () -> "flipped node " + n);
            }
        }
        assertTrue(multiNode > proofs / 4, multiNode + " of " + proofs + " proofs have more than one node");
    }

    /** Several keys in one proof, as trie-db's tests use them (the host functions prove one). */
    @Test
    void shouldVerifyGeneratedProofsOfSeveralKeys() {
        Random random = new Random(9);
        for (int round = 0; round < 200; round++) {
            TreeMap<byte[], byte[]> trie = randomTrie(random, 2 + random.nextInt(40));
            StateVersion v = random.nextBoolean() ? StateVersion.V0 : StateVersion.V1;
            List<byte[]> keys = new ArrayList<>(trie.keySet());
            Collections.shuffle(keys, random);
            List<byte[]> proven = keys.subList(0, 1 + random.nextInt(keys.size()));
            CompactProofs.Proof p = proof(trie, proven, BLAKE, v);
            List<Item> items = new ArrayList<>();
            for (byte[] k : proven) {
                items.add(new Item(k, trie.get(k)));
            }
            assertNull(TrieProof.verify(p.root(), p.nodes(), items, BLAKE, v));
            if (proven.size() > 1 && items.stream().skip(1).allMatch(i -> i.value().length > 0)) {
                // a proof of more keys than asked about: the others' nodes lack their values, or are
                // left over (an empty value is indistinguishable from an omitted one in a leaf)
                assertNotNull(TrieProof.verify(p.root(), p.nodes(), items.subList(0, 1), BLAKE, v));
            }
        }
    }

    /** Keys over a small alphabet, so that they nest and share prefixes; values across the 32/33-byte limits. */
    private static TreeMap<byte[], byte[]> randomTrie(Random random, int count) {
        int[] valueLengths = {0, 1, 5, 31, 32, 33, 34, 70};
        TreeMap<byte[], byte[]> trie = TrieRoot.sortedInput();
        while (trie.size() < count) {
            byte[] key = new byte[random.nextInt(5)];
            for (int i = 0; i < key.length; i++) {
                key[i] = (byte) new int[] {0x00, 0x01, 0x10, 0x11, 0xff}[random.nextInt(5)];
            }
            byte[] value = new byte[valueLengths[random.nextInt(valueLengths.length)]];
            random.nextBytes(value);
            trie.put(key, value);
        }
        return trie;
    }
}
