package io.pvfhost.worker.execute.trie;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.pvfhost.common.scale.ScaleWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class TrieRootTest {
    private static final HexFormat HEX = HexFormat.of();

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static TrieRoot.Entry kv(String key, String value) {
        return new TrieRoot.Entry(utf8(key), utf8(value));
    }

    private static TrieRoot.Entry kv(byte[] key, byte[] value) {
        return new TrieRoot.Entry(key, value);
    }

    private static String root(List<TrieRoot.Entry> input, StateVersion version) {
        return HEX.formatHex(TrieRoot.trieRoot(input, TrieHasher.BLAKE2_256, version));
    }

    // --- Known answers ---------------------------------------------------------------------

    /**
     * The empty trie is the node {@code 0x00}: blake2-256 gives the extrinsics root of an empty
     * block in frame-executive's tests; keccak-256 of 0x00 is Ethereum's well-known value.
     */
    @Test
    void shouldHashTheEmptyNodeForAnEmptyTrie() {
        for (StateVersion v : StateVersion.values()) {
            assertArrayEquals(new byte[] {0}, TrieRoot.unhashedTrie(List.of(), TrieHasher.BLAKE2_256, v));
            assertEquals("03170a2e7597b7b7e3d84c05391d139a62b157e78786d8c082f29dcf4c111314", root(List.of(), v));
            assertEquals("bc36789e7a1e281436464229828f817d6612f7b477d66591ff96a9e064bcc98a",
                    HEX.formatHex(TrieRoot.trieRoot(List.of(), TrieHasher.KECCAK_256, v)));
            assertEquals("03170a2e7597b7b7e3d84c05391d139a62b157e78786d8c082f29dcf4c111314",
                    HEX.formatHex(TrieRoot.orderedTrieRoot(List.of(), TrieHasher.BLAKE2_256, v)));
        }
    }

    /** sp-trie's {@code codec_trie_single_tuple}. */
    @Test
    void shouldEncodeASingleLeafLikeSpTrie() {
        byte[] node = TrieRoot.unhashedTrie(List.of(kv(new byte[] {(byte) 0xaa}, new byte[] {(byte) 0xbb})),
                TrieHasher.BLAKE2_256, StateVersion.V1);
        assertEquals("42aa04bb", HEX.formatHex(node));
    }

    /** sp-trie's {@code codec_trie_two_tuples_disjoint_keys}. */
    @Test
    void shouldEncodeABranchWithInlineChildrenLikeSpTrie() {
        byte[] node = TrieRoot.unhashedTrie(List.of(
                        kv(new byte[] {0x48, 0x19}, new byte[] {(byte) 0xfe}),
                        kv(new byte[] {0x13, 0x14}, new byte[] {(byte) 0xff})),
                TrieHasher.BLAKE2_256, StateVersion.V1);
        assertEquals("80" + "1200" + "14" + "430314" + "04ff" + "14" + "430819" + "04fe", HEX.formatHex(node));
    }

    /**
     * W3F Polkadot conformance tests (w3f/polkadot-tests, fixtures/host-api): outputs of
     * {@code ext_trie_blake2_256_root_version_1} for three pairs built from the inputs
     * {@code key_value_1}, {@code key_value_2}, {@code key_value_3} row by row. The third key
     * repeats the first, so the rows also pin "the last value of a repeated key wins".
     */
    private static final String[][] W3F_ROOTS = {
        {"static", "Inverse", "even-keeled", "Future-proofed", "static", "even-keeled",
            "1192e3ed48d28fba2eeae885fa367c535eca6a149eafad982265586902783d4f"},
        {"function", "Horizontal", "Face to face", "Expanded", "function", "Face to face",
            "92aafcf31cc2012d7467fa96b47caa389762ef02e97c27c30484a7ffd4b3780e"},
        {"Integrated", "portal", "budgetary management", "pricing structure", "Integrated", "budgetary management",
            "cbb9ff2393a9c8ce46f3592532f4c181339eedf979836e5d45b318633030a79e"},
        {"non-based", "Monitored", "non-volatile", "emulation", "non-based", "non-volatile",
            "0ef6df228337099e666d402089c65e4c1d793ae0076dee4730baeb58404b0e16"},
        {"productivity", "secondary", "Total", "Visionary", "productivity", "Total",
            "7ab4224ead96acf2282852d7bdfa71aac9c135ecb718024ff7fe15b19d4ab227"},
        {"Exclusive", "next generation", "concept", "approach", "Exclusive", "concept",
            "ad2c33c6536d547f60a5947588e9bc953804a29b219a5692b7ed0e921d34c588"},
        {"disintermediate", "Grass-roots", "policy", "function", "disintermediate", "policy",
            "c1029b1ceb237b33f1d1e99c82e8d00c687342ae373474d3d7f0ed0f3f278cd6"},
        {"contingency", "value-added", "context-sensitive", "Configurable", "contingency", "context-sensitive",
            "cff475bc0c4aa0344ce0e0966415123ac4ef541122b1365be0884a3713c020cd"},
        {"human-resource", "Reactive", "hardware", "Automated", "human-resource", "hardware",
            "b21b406c9f9c96bb84e2d890ec6d0212e5422f9098777f090cd9a90e510cf92c"},
        {"Optional", "secondary", "object-oriented", "toolset", "Optional", "object-oriented",
            "f81f2b3e8d50e95b706066afa4a9b07dfddeb89d1c3e8c4eb054d33a3de3b9bf"},
    };

    /**
     * Same fixtures, {@code ext_trie_blake2_256_ordered_root_version_1} of three values taken row
     * by row from {@code value_1}, {@code value_2}, {@code value_3}.
     */
    private static final String[][] W3F_ORDERED_ROOTS = {
        {"static", "even-keeled", "Future-proofed",
            "d847b86d0219a384d11458e829e9f4f4cce7e3cc2e6dcd0e8a6ad6f12c64a737"},
        {"Inverse", "Face to face", "Expanded",
            "ea32273c604a609a83979acc5dc5c19d91112967c5690d660684118fac03d087"},
        {"even-keeled", "budgetary management", "pricing structure",
            "72b6aa1f07895b3276e215b192335b982268922f4e2973b3bab13102766a597c"},
        {"Future-proofed", "non-volatile", "emulation",
            "40f7e12565410189f5026d2d2c187fd60aa47cf943ae935cbda49e3b03fc1893"},
        {"function", "Total", "Visionary",
            "f0b164f7a50de01338d0f0a8dae9e3806b72359e1b3bc9b38b1140172d1952a0"},
        {"Horizontal", "concept", "approach",
            "922c3f9be4104e40daf22e249014ee0acd3e78870644cc131ce3107f6785e6c8"},
        {"Face to face", "policy", "function",
            "652a6f8ecb5cf7f8ba6ba9390ba2bc2978d173c537954af52fcf6a1c72989cbf"},
        {"Expanded", "context-sensitive", "Configurable",
            "319fc284ac8e2d626ddec7b2e05948177ee2d8b3bb43820608e3faeab7c6e2b2"},
        {"Integrated", "hardware", "Automated",
            "aebac639ed629d66bdaae654454518b85274cf613e6100d1aa5c86996763ca11"},
        {"portal", "object-oriented", "toolset",
            "fd61ef3767be4899488dc3331726f3b9abaae1fc08532327631ece6198686e25"},
    };

    static List<TrieRoot.Entry> w3fPairs(String[] row) {
        return List.of(kv(row[0], row[1]), kv(row[2], row[3]), kv(row[4], row[5]));
    }

    static List<byte[]> w3fValues(String[] row) {
        return List.of(utf8(row[0]), utf8(row[1]), utf8(row[2]));
    }

    @Test
    void shouldMatchTheW3fTrieRootVectors() {
        for (String[] row : W3F_ROOTS) {
            assertEquals(row[6], root(w3fPairs(row), StateVersion.V0), row[0]);
        }
    }

    @Test
    void shouldMatchTheW3fOrderedTrieRootVectors() {
        for (String[] row : W3F_ORDERED_ROOTS) {
            assertEquals(row[3], HEX.formatHex(TrieRoot.orderedTrieRoot(w3fValues(row), TrieHasher.BLAKE2_256,
                    StateVersion.V0)), row[0]);
        }
    }

    /**
     * Gossamer's {@code Test_Version_Root} (lib/trie/version_test.go): a 39-byte value makes the
     * layouts differ.
     */
    @Test
    void shouldMatchGossamersV0AndV1RootsWithALargeValue() {
        List<TrieRoot.Entry> input = List.of(kv("key1", "value1"), kv("key2", "value2"),
                kv("key3", "verylargevaluewithmorethan32byteslength"));
        assertEquals("71052d48704658a8435fb9cbc7ef69c75dad2f64001cb30bfa010f7d609e2657", root(input, StateVersion.V0));
        assertEquals("6a4a732757263bf2bc4e03a341e3f8ea635f78996ec06a6a965d5097a2911c29", root(input, StateVersion.V1));
    }

    // --- Layout V1 -------------------------------------------------------------------------

    @Test
    void shouldHashValuesOfThirtyThreeBytesOrMoreOnlyInV1() {
        byte[] key = {(byte) 0xaa};
        byte[] v32 = new byte[32];
        Arrays.fill(v32, (byte) 7);
        byte[] v33 = Arrays.copyOf(v32, 33);
        v33[32] = 7;

        List<TrieRoot.Entry> small = List.of(kv(key, v32));
        assertEquals(root(small, StateVersion.V0), root(small, StateVersion.V1));

        List<TrieRoot.Entry> large = List.of(kv(key, v33));
        assertNotEquals(root(large, StateVersion.V0), root(large, StateVersion.V1));
        // V0: leaf 0x40 + 2 nibbles, the key, Compact(33) = 0x84, the value.
        assertEquals("42aa84" + HEX.formatHex(v33),
                HEX.formatHex(TrieRoot.unhashedTrie(large, TrieHasher.BLAKE2_256, StateVersion.V0)));
        // V1: hashed-value leaf 0b001 prefix + 2 nibbles, the key, the value's hash with no length.
        assertEquals("22aa" + HEX.formatHex(TrieHasher.BLAKE2_256.hash(v33)),
                HEX.formatHex(TrieRoot.unhashedTrie(large, TrieHasher.BLAKE2_256, StateVersion.V1)));
    }

    @Test
    void shouldUseTheHashedValueBranchKindForALargeBranchValueInV1() {
        byte[] big = new byte[40];
        Arrays.fill(big, (byte) 1);
        List<TrieRoot.Entry> input = List.of(kv(new byte[] {0x12}, big), kv(new byte[] {0x12, 0x34}, new byte[] {5}));
        byte[] v1 = TrieRoot.unhashedTrie(input, TrieHasher.BLAKE2_256, StateVersion.V1);
        // 0b0001 prefix + 2 nibbles, partial 0x12, bitmap (child 3), value hash, child leaf inline.
        String child = "41" + "04" + "0405"; // leaf, 1 nibble (4), value 0x05
        assertEquals("12" + "12" + "0800" + HEX.formatHex(TrieHasher.BLAKE2_256.hash(big)) + "10" + child,
                HEX.formatHex(v1));
        byte[] v0 = TrieRoot.unhashedTrie(input, TrieHasher.BLAKE2_256, StateVersion.V0);
        assertEquals("c2" + "12" + "0800" + "a0" + HEX.formatHex(big) + "10" + child, HEX.formatHex(v0));
    }

    @Test
    void shouldGiveTheSameRootInBothLayoutsWhenEveryValueIsSmall() {
        Random random = new Random(7);
        for (int round = 0; round < 50; round++) {
            List<TrieRoot.Entry> input = randomInput(random, 40, 6, 32);
            assertEquals(root(input, StateVersion.V0), root(input, StateVersion.V1));
        }
    }

    // --- Structure -------------------------------------------------------------------------

    @Test
    void shouldKeepTheLastValueOfARepeatedKey() {
        List<TrieRoot.Entry> twice = List.of(kv("k", "first"), kv("other", "x"), kv("k", "second"));
        List<TrieRoot.Entry> once = List.of(kv("other", "x"), kv("k", "second"));
        assertEquals(root(once, StateVersion.V0), root(twice, StateVersion.V0));
        assertNotEquals(root(List.of(kv("other", "x"), kv("k", "first")), StateVersion.V0), root(twice, StateVersion.V0));
    }

    @Test
    void shouldNotDependOnTheInputOrder() {
        TreeMap<byte[], TrieRoot.Entry> distinct = new TreeMap<>(Arrays::compareUnsigned);
        randomInput(new Random(1), 200, 5, 50).forEach(e -> distinct.put(e.key(), e));
        List<TrieRoot.Entry> input = new ArrayList<>(distinct.values());
        String expected = root(input, StateVersion.V1);
        Collections.shuffle(input, new Random(2));
        assertEquals(expected, root(input, StateVersion.V1));
    }

    @Test
    void shouldKeyOrderedItemsByTheirCompactIndex() {
        List<byte[]> values = new ArrayList<>();
        List<TrieRoot.Entry> pairs = new ArrayList<>();
        for (int i = 0; i < 300; i++) { // indices past 63 take the two-byte compact mode
            byte[] v = utf8("item " + i);
            values.add(v);
            pairs.add(new TrieRoot.Entry(new ScaleWriter().compact(i).toByteArray(), v));
        }
        for (StateVersion version : StateVersion.values()) {
            assertArrayEquals(TrieRoot.trieRoot(pairs, TrieHasher.KECCAK_256, version),
                    TrieRoot.orderedTrieRoot(values, TrieHasher.KECCAK_256, version));
        }
    }

    @Test
    void shouldHandleKeysNestedThousandsOfLevelsDeep() {
        // Each key is a prefix of the next: a branch with a value at every level.
        List<TrieRoot.Entry> input = new ArrayList<>();
        byte[] key = new byte[0];
        for (int i = 0; i < 3000; i++) {
            key = Arrays.copyOf(key, key.length + 1);
            key[key.length - 1] = (byte) 0x11;
            input.add(kv(key, new byte[] {(byte) i}));
        }
        String first = root(input, StateVersion.V1);
        assertEquals(64, first.length());
        assertEquals(first, root(new ArrayList<>(input), StateVersion.V1));
    }

    @Test
    void shouldEncodeNibbleCountsPastTheHeaderByteInContinuationBytes() {
        int[][] cases = { // size, prefix, prefix bits, expected bytes...
            {0, 0x40, 2, 0x40},
            {62, 0x40, 2, 0x7e},
            {63, 0x40, 2, 0x7f, 0x00},
            {64, 0x40, 2, 0x7f, 0x01},
            {317, 0x40, 2, 0x7f, 0xfe},
            {318, 0x40, 2, 0x7f, 0xff, 0x00},
            {572, 0x40, 2, 0x7f, 0xff, 0xfe},
            {573, 0x40, 2, 0x7f, 0xff, 0xff, 0x00},
            {30, 0x20, 3, 0x3e},
            {31, 0x20, 3, 0x3f, 0x00},
            {14, 0x10, 4, 0x1e},
            {15, 0x10, 4, 0x1f, 0x00},
            {300, 0x10, 4, 0x1f, 0xff, 0x1e},
        };
        for (int[] c : cases) {
            ScaleWriter w = new ScaleWriter();
            TrieRoot.writeHeader(w, c[0], c[1], c[2]);
            byte[] expected = new byte[c.length - 3];
            for (int i = 3; i < c.length; i++) {
                expected[i - 3] = (byte) c[i];
            }
            assertArrayEquals(expected, w.toByteArray(), "size " + c[0] + " prefix bits " + c[2]);
            assertEquals(c[0], decodeSize(expected, c[2]), "sp-trie's decode_size reads it back");
        }
    }

    /** sp-trie's {@code node_header::decode_size}. */
    private static int decodeSize(byte[] header, int prefixBits) {
        int maxValue = 0xff >>> prefixBits;
        int result = header[0] & maxValue;
        if (result < maxValue) {
            return result;
        }
        result -= 1;
        for (int i = 1; ; i++) {
            int n = header[i] & 0xff;
            if (n < 255) {
                return result + n + 1;
            }
            result += 255;
        }
    }

    @Test
    void shouldEncodeAnOddPartialKeyWithTheFirstNibbleAlone() {
        // Keys 0x12 0x34 and 0x12 0x35: branch with partial 1,2,3 (3 nibbles), children 4 and 5.
        byte[] node = TrieRoot.unhashedTrie(List.of(kv(new byte[] {0x12, 0x34}, new byte[] {1}),
                kv(new byte[] {0x12, 0x35}, new byte[] {2})), TrieHasher.BLAKE2_256, StateVersion.V0);
        assertEquals("83" + "0123" + "3000" + "0c" + "400401" + "0c" + "400402", HEX.formatHex(node));
    }

    @Test
    void shouldReferenceChildrenOfThirtyTwoBytesOrMoreByHash() {
        byte[] value = new byte[29]; // leaf: header, 1 nibble byte, compact(29), 29 bytes = 32 bytes
        List<TrieRoot.Entry> input = List.of(kv(new byte[] {0x10}, value), kv(new byte[] {0x20}, new byte[] {1}));
        byte[] node = TrieRoot.unhashedTrie(input, TrieHasher.BLAKE2_256, StateVersion.V0);
        byte[] leaf = HEX.parseHex("4100" + "74" + HEX.formatHex(value));
        assertEquals(32, leaf.length);
        assertEquals("80" + "0600" + "80" + HEX.formatHex(TrieHasher.BLAKE2_256.hash(leaf)) + "10" + "41000401",
                HEX.formatHex(node));
    }

    // --- Differential: against a literal port of trie_root::build_trie -------------------------

    @Test
    void shouldAgreeWithALiteralPortOfTheReferenceOnRandomTries() {
        Random random = new Random(42);
        for (int round = 0; round < 300; round++) {
            int size = random.nextInt(60);
            List<TrieRoot.Entry> input = randomInput(random, size, 1 + random.nextInt(6), 1 + random.nextInt(70));
            for (StateVersion v : StateVersion.values()) {
                for (TrieHasher h : TrieHasher.values()) {
                    assertArrayEquals(Literal.unhashed(input, h, v), TrieRoot.unhashedTrie(input, h, v),
                            "round " + round + " " + v + " " + h);
                }
            }
        }
    }

    /** Random keys over a small alphabet (so that they share prefixes) and values of 0..maxValue bytes. */
    private static List<TrieRoot.Entry> randomInput(Random random, int count, int maxKey, int maxValue) {
        byte[] alphabet = {0x00, 0x01, 0x10, 0x11, (byte) 0xff, (byte) 0xf0};
        List<TrieRoot.Entry> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] key = new byte[random.nextInt(maxKey + 1)];
            for (int j = 0; j < key.length; j++) {
                key[j] = alphabet[random.nextInt(alphabet.length)];
            }
            byte[] value = new byte[random.nextInt(maxValue + 1)];
            random.nextBytes(value);
            out.add(new TrieRoot.Entry(key, value));
        }
        return out;
    }

    /**
     * {@code trie_root::unhashed_trie_no_extension} with {@code sp_trie::TrieStream}, ported line
     * by line (recursive, nibble arrays, the shared-prefix fold over every key) to check the
     * optimised builder against.
     */
    private static final class Literal {
        static byte[] unhashed(List<TrieRoot.Entry> input, TrieHasher h, StateVersion v) {
            TreeMap<byte[], byte[]> map = new TreeMap<>(Arrays::compareUnsigned);
            input.forEach(e -> map.put(e.key(), e.value()));
            List<byte[][]> items = new ArrayList<>(); // {nibbles, value}
            for (Map.Entry<byte[], byte[]> e : map.entrySet()) {
                byte[] nibbles = new byte[e.getKey().length * 2];
                for (int i = 0; i < e.getKey().length; i++) {
                    nibbles[2 * i] = (byte) ((e.getKey()[i] & 0xff) >>> 4);
                    nibbles[2 * i + 1] = (byte) (e.getKey()[i] & 0x0f);
                }
                items.add(new byte[][] {nibbles, e.getValue()});
            }
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            build(items, 0, stream, h, v);
            return stream.toByteArray();
        }

        private static void build(List<byte[][]> input, int cursor, ByteArrayOutputStream stream, TrieHasher h,
                StateVersion v) {
            if (input.isEmpty()) {
                stream.write(0);
                return;
            }
            if (input.size() == 1) {
                byte[] key = input.get(0)[0];
                appendLeaf(stream, Arrays.copyOfRange(key, cursor, key.length), input.get(0)[1], h, v);
                return;
            }
            byte[] key = input.get(0)[0];
            int shared = key.length;
            for (byte[][] item : input.subList(1, input.size())) {
                shared = Math.min(sharedPrefix(key, item[0]), shared);
            }
            byte[] partial;
            if (shared > cursor) {
                partial = Arrays.copyOfRange(key, cursor, shared);
                cursor = shared;
            } else {
                partial = new byte[0];
            }
            byte[] value = cursor == key.length ? input.get(0)[1] : null;
            int[] counts = new int[16];
            int begin = value == null ? 0 : 1;
            for (int i = 0; i < 16; i++) {
                int n = 0;
                while (begin + n < input.size() && input.get(begin + n)[0][cursor] == i) {
                    n++;
                }
                counts[i] = n;
                begin += n;
            }
            boolean hashed = value != null && v == StateVersion.V1 && value.length >= 33;
            int kind = value == null ? 0x80 : hashed ? 0x10 : 0xc0;
            fuse(stream, partial, kind, hashed ? 4 : 2);
            int bitmap = 0;
            for (int i = 0; i < 16; i++) {
                if (counts[i] > 0) {
                    bitmap |= 1 << i;
                }
            }
            stream.write(bitmap % 256);
            stream.write(bitmap / 256);
            if (value != null) {
                writeValue(stream, value, hashed, h);
            }
            begin = value == null ? 0 : 1;
            for (int count : counts) {
                if (count > 0) {
                    ByteArrayOutputStream sub = new ByteArrayOutputStream();
                    build(input.subList(begin, begin + count), cursor + 1, sub, h, v);
                    byte[] data = sub.toByteArray();
                    byte[] ref = data.length <= 31 ? data : h.hash(data);
                    stream.writeBytes(new ScaleWriter().bytes(ref).toByteArray());
                    begin += count;
                }
            }
        }

        private static void appendLeaf(ByteArrayOutputStream s, byte[] partial, byte[] value, TrieHasher h,
                StateVersion v) {
            boolean hashed = v == StateVersion.V1 && value.length >= 33;
            fuse(s, partial, hashed ? 0x20 : 0x40, hashed ? 3 : 2);
            writeValue(s, value, hashed, h);
        }

        private static void writeValue(ByteArrayOutputStream s, byte[] value, boolean hashed, TrieHasher h) {
            s.writeBytes(hashed ? h.hash(value) : new ScaleWriter().bytes(value).toByteArray());
        }

        private static void fuse(ByteArrayOutputStream s, byte[] nibbles, int prefix, int prefixBits) {
            ScaleWriter header = new ScaleWriter();
            TrieRoot.writeHeader(header, nibbles.length, prefix, prefixBits);
            s.writeBytes(header.toByteArray());
            if (nibbles.length % 2 == 1) {
                s.write(nibbles[0]);
            }
            for (int i = nibbles.length % 2; i < nibbles.length; i += 2) {
                s.write(nibbles[i] << 4 | nibbles[i + 1]);
            }
        }

        private static int sharedPrefix(byte[] a, byte[] b) {
            int n = Math.min(a.length, b.length);
            for (int i = 0; i < n; i++) {
                if (a[i] != b[i]) {
                    return i;
                }
            }
            return n;
        }
    }

    @Test
    void shouldTellTheLayoutsApartOnlyByTheThreshold() {
        assertEquals(33, StateVersion.VALUE_NODE_THRESHOLD);
        assertFalse(StateVersion.V0.hashesValue(new byte[1000]));
        assertFalse(StateVersion.V1.hashesValue(new byte[32]));
        assertEquals(true, StateVersion.V1.hashesValue(new byte[33]));
    }
}
