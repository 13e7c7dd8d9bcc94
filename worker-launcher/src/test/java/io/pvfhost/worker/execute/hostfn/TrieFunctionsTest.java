package io.pvfhost.worker.execute.hostfn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import io.pvfhost.common.scale.ScaleWriter;
import io.pvfhost.worker.execute.HostEnvFixture;
import io.pvfhost.worker.execute.HostTrap;
import io.pvfhost.worker.execute.trie.StateVersion;
import io.pvfhost.worker.execute.trie.TrieHasher;
import io.pvfhost.worker.execute.trie.TrieRoot;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrieFunctionsTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String BLAKE_ROOT_V1 = "ext_trie_blake2_256_root_version_1";
    private static final String BLAKE_ROOT_V2 = "ext_trie_blake2_256_root_version_2";
    private static final String BLAKE_ORDERED_V1 = "ext_trie_blake2_256_ordered_root_version_1";
    private static final String BLAKE_ORDERED_V2 = "ext_trie_blake2_256_ordered_root_version_2";
    private static final String KECCAK_ROOT_V1 = "ext_trie_keccak_256_root_version_1";
    private static final String KECCAK_ROOT_V2 = "ext_trie_keccak_256_root_version_2";
    private static final String KECCAK_ORDERED_V1 = "ext_trie_keccak_256_ordered_root_version_1";
    private static final String KECCAK_ORDERED_V2 = "ext_trie_keccak_256_ordered_root_version_2";
    private static final String BLAKE_VERIFY_V1 = "ext_trie_blake2_256_verify_proof_version_1";
    private static final String BLAKE_VERIFY_V2 = "ext_trie_blake2_256_verify_proof_version_2";
    private static final String KECCAK_VERIFY_V1 = "ext_trie_keccak_256_verify_proof_version_1";
    private static final String KECCAK_VERIFY_V2 = "ext_trie_keccak_256_verify_proof_version_2";

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** SCALE {@code Vec<(Vec<u8>, Vec<u8>)>}. */
    private static byte[] pairs(byte[]... keysAndValues) {
        ScaleWriter w = new ScaleWriter().compact(keysAndValues.length / 2);
        for (byte[] b : keysAndValues) {
            w.bytes(b);
        }
        return w.toByteArray();
    }

    /** SCALE {@code Vec<Vec<u8>>}. */
    private static byte[] values(byte[]... items) {
        ScaleWriter w = new ScaleWriter().compact(items.length);
        for (byte[] b : items) {
            w.bytes(b);
        }
        return w.toByteArray();
    }

    private static final byte[] W3F_PAIRS = pairs(utf8("static"), utf8("Inverse"), utf8("even-keeled"),
            utf8("Future-proofed"), utf8("static"), utf8("even-keeled"));
    private static final byte[] W3F_VALUES = values(utf8("static"), utf8("even-keeled"), utf8("Future-proofed"));
    private static final byte[] LARGE_VALUE_PAIRS = pairs(utf8("key1"), utf8("value1"), utf8("key2"), utf8("value2"),
            utf8("key3"), utf8("verylargevaluewithmorethan32byteslength"));

    private final HostCall host = new HostCall(TrieFunctions.functions());

    private String call(String name, long... args) {
        return HEX.formatHex(host.callForPointer(name, 32, args));
    }

    /** W3F host-api fixtures (first rows), as a runtime would call the functions. */
    @Test
    void shouldMatchTheW3fVectorsThroughWasmMemory() {
        assertEquals("1192e3ed48d28fba2eeae885fa367c535eca6a149eafad982265586902783d4f",
                call(BLAKE_ROOT_V1, host.span(W3F_PAIRS)));
        assertEquals("d847b86d0219a384d11458e829e9f4f4cce7e3cc2e6dcd0e8a6ad6f12c64a737",
                call(BLAKE_ORDERED_V1, host.span(W3F_VALUES)));
    }

    @Test
    void shouldReturnAPointerTo32BytesFromTheAllocator() {
        long[] result = host.call(BLAKE_ROOT_V1, host.span(W3F_PAIRS));
        assertEquals(1, result.length);
        int ptr = (int) result[0];
        assertTrue(ptr >= HostEnvFixture.HEAP_BASE);
        // The next allocation comes right after a 32-byte block and its 8-byte header.
        int next = host.env.allocate(host.memory, 1);
        assertEquals(ptr + 32 + 8, next);
    }

    @Test
    void shouldUseLayoutV0InVersion1AndTheGivenLayoutInVersion2() {
        long span = host.span(LARGE_VALUE_PAIRS);
        String v0 = "71052d48704658a8435fb9cbc7ef69c75dad2f64001cb30bfa010f7d609e2657"; // Gossamer's Test_Version_Root
        String v1 = "6a4a732757263bf2bc4e03a341e3f8ea635f78996ec06a6a965d5097a2911c29";
        assertEquals(v0, call(BLAKE_ROOT_V1, span));
        assertEquals(v0, call(BLAKE_ROOT_V2, span, 0));
        assertEquals(v1, call(BLAKE_ROOT_V2, span, 1));
    }

    @Test
    void shouldComputeKeccakRootsWithTheSameLayouts() {
        long span = host.span(LARGE_VALUE_PAIRS);
        List<TrieRoot.Entry> entries = List.of(
                new TrieRoot.Entry(utf8("key1"), utf8("value1")),
                new TrieRoot.Entry(utf8("key2"), utf8("value2")),
                new TrieRoot.Entry(utf8("key3"), utf8("verylargevaluewithmorethan32byteslength")));
        String v0 = HEX.formatHex(TrieRoot.trieRoot(entries, TrieHasher.KECCAK_256, StateVersion.V0));
        String v1 = HEX.formatHex(TrieRoot.trieRoot(entries, TrieHasher.KECCAK_256, StateVersion.V1));
        assertFalse(v0.equals(v1));
        assertEquals(v0, call(KECCAK_ROOT_V1, span));
        assertEquals(v0, call(KECCAK_ROOT_V2, span, 0));
        assertEquals(v1, call(KECCAK_ROOT_V2, span, 1));
        assertFalse(v0.equals(call(BLAKE_ROOT_V1, span)));
    }

    @Test
    void shouldComputeOrderedRootsInBothLayoutsAndHashers() {
        byte[] big = new byte[33];
        Arrays.fill(big, (byte) 9);
        byte[] input = values(utf8("a"), big, new byte[0]);
        long span = host.span(input);
        List<byte[]> items = List.of(utf8("a"), big, new byte[0]);
        for (TrieHasher h : TrieHasher.values()) {
            String v1Name = h == TrieHasher.BLAKE2_256 ? BLAKE_ORDERED_V1 : KECCAK_ORDERED_V1;
            String v2Name = h == TrieHasher.BLAKE2_256 ? BLAKE_ORDERED_V2 : KECCAK_ORDERED_V2;
            String v0 = HEX.formatHex(TrieRoot.orderedTrieRoot(items, h, StateVersion.V0));
            String v1 = HEX.formatHex(TrieRoot.orderedTrieRoot(items, h, StateVersion.V1));
            assertFalse(v0.equals(v1));
            assertEquals(v0, call(v1Name, span));
            assertEquals(v0, call(v2Name, span, 0));
            assertEquals(v1, call(v2Name, span, 1));
        }
    }

    /** {@code PassAs<StateVersion, u8>}: the i32 is cut to its low byte ({@code as u8}) before the check. */
    @Test
    void shouldReadTheVersionFromTheLowByteOnly() {
        long span = host.span(LARGE_VALUE_PAIRS);
        assertEquals(call(BLAKE_ROOT_V2, span, 0), call(BLAKE_ROOT_V2, span, 0x100));
        assertEquals(call(BLAKE_ROOT_V2, span, 1), call(BLAKE_ROOT_V2, span, 0x7fff_ff01));
    }

    @Test
    void shouldTrapOnAnUnknownStateVersion() {
        long span = host.span(W3F_PAIRS);
        for (long version : new long[] {2, 0xff, -1, 0x1_0000_0002L}) {
            assertThrows(HostTrap.class, () -> host.call(BLAKE_ROOT_V2, span, version), "version " + version);
            assertThrows(HostTrap.class, () -> host.call(KECCAK_ORDERED_V2, span, version), "version " + version);
        }
    }

    /** {@code Decode::decode}, not {@code decode_all}: what follows the value is ignored. */
    @Test
    void shouldIgnoreBytesAfterTheEncodedInput() {
        byte[] withTrailing = Arrays.copyOf(W3F_PAIRS, W3F_PAIRS.length + 3);
        assertEquals(call(BLAKE_ROOT_V1, host.span(W3F_PAIRS)), call(BLAKE_ROOT_V1, host.span(withTrailing)));
        byte[] valuesTrailing = Arrays.copyOf(W3F_VALUES, W3F_VALUES.length + 1);
        valuesTrailing[W3F_VALUES.length] = (byte) 0xff;
        assertEquals(call(BLAKE_ORDERED_V1, host.span(W3F_VALUES)), call(BLAKE_ORDERED_V1, host.span(valuesTrailing)));
    }

    @Test
    void shouldTrapOnMalformedInput() {
        byte[][] malformed = {
            new byte[0], // no length
            Arrays.copyOf(W3F_PAIRS, W3F_PAIRS.length - 1), // truncated value
            {0x08, 0x04, 0x01}, // two pairs announced, one key only
            {0x01, 0x00}, // non-canonical compact length (0 in the two-byte mode)
            {0x03, 0x00, 0x00, 0x00, 0x00}, // non-canonical compact length (0 in big-integer mode)
            {(byte) 0xfc, (byte) 0xff, (byte) 0xff, (byte) 0xff}, // far more items than bytes
        };
        for (byte[] input : malformed) {
            long span = host.span(input);
            assertThrows(HostTrap.class, () -> host.call(BLAKE_ROOT_V1, span), HEX.formatHex(input));
            assertThrows(HostTrap.class, () -> host.call(KECCAK_ROOT_V2, span, 1), HEX.formatHex(input));
        }
        assertThrows(HostTrap.class, () -> host.call(BLAKE_ORDERED_V1, host.span(new byte[] {0x08, 0x00})));
        assertThrows(HostTrap.class, () -> host.call(BLAKE_ORDERED_V2, host.span(new byte[] {0x04, 0x08, 0x01}), 0));
    }

    @Test
    void shouldTrapOnASpanOutsideMemory() {
        assertThrows(HostTrap.class, () -> host.call(BLAKE_ROOT_V1, host.outOfBounds(4)));
        assertThrows(HostTrap.class, () -> host.call(BLAKE_ORDERED_V2, host.outOfBounds(4), 0));
    }

    @Test
    void shouldAcceptAnEmptyList() {
        long span = host.span(new byte[] {0});
        String emptyRoot = "03170a2e7597b7b7e3d84c05391d139a62b157e78786d8c082f29dcf4c111314";
        assertEquals(emptyRoot, call(BLAKE_ROOT_V1, span));
        assertEquals(emptyRoot, call(BLAKE_ORDERED_V2, span, 1));
    }

    @Test
    void shouldHaveTheReferenceSignatures() {
        FunctionType v1 = FunctionType.of(List.of(ValType.I64), List.of(ValType.I32));
        FunctionType v2 = FunctionType.of(List.of(ValType.I64, ValType.I32), List.of(ValType.I32));
        for (String name : List.of(BLAKE_ROOT_V1, BLAKE_ORDERED_V1, KECCAK_ROOT_V1, KECCAK_ORDERED_V1)) {
            assertEquals(v1, TrieFunctions.functions().get(name).type(), name);
        }
        for (String name : List.of(BLAKE_ROOT_V2, BLAKE_ORDERED_V2, KECCAK_ROOT_V2, KECCAK_ORDERED_V2)) {
            assertEquals(v2, TrieFunctions.functions().get(name).type(), name);
        }
        FunctionType verifyV1 = FunctionType.of(List.of(ValType.I32, ValType.I64, ValType.I64, ValType.I64),
                List.of(ValType.I32));
        FunctionType verifyV2 = FunctionType.of(List.of(ValType.I32, ValType.I64, ValType.I64, ValType.I64, ValType.I32),
                List.of(ValType.I32));
        for (String name : List.of(BLAKE_VERIFY_V1, KECCAK_VERIFY_V1)) {
            assertEquals(verifyV1, TrieFunctions.functions().get(name).type(), name);
        }
        for (String name : List.of(BLAKE_VERIFY_V2, KECCAK_VERIFY_V2)) {
            assertEquals(verifyV2, TrieFunctions.functions().get(name).type(), name);
        }
        assertEquals(12, TrieFunctions.functions().size());
    }

    @Test
    void shouldDecodeThePairsSortedWithTheLastValueOfARepeatedKey() {
        var decoded = TrieFunctions.decodePairs(pairs(utf8("k"), new byte[0], new byte[0], utf8("v"), utf8("k"), utf8("w")));
        assertEquals(2, decoded.size());
        var first = decoded.firstEntry();
        assertArrayEquals(new byte[0], first.getKey());
        assertArrayEquals(utf8("v"), first.getValue());
        var last = decoded.lastEntry();
        assertArrayEquals(utf8("k"), last.getKey());
        assertArrayEquals(utf8("w"), last.getValue(), "the last value of a repeated key, as a BTreeMap built in order");
    }

    /** Millions of repeated (empty) pairs keep one entry in memory and decode in seconds at most. */
    @Test
    void shouldDecodeMillionsOfRepeatedPairsIntoOneEntry() {
        int n = 5_000_000;
        byte[] data = new byte[5 + 2 * n]; // compact n (4-byte mode), then n pairs of two empty byte strings
        long c = ((long) n << 2) | 2;
        for (int i = 0; i < 4; i++) {
            data[i] = (byte) (c >>> (8 * i));
        }
        var decoded = TrieFunctions.decodePairs(data);
        assertEquals(1, decoded.size());
        assertArrayEquals(TrieRoot.trieRoot(List.of(new TrieRoot.Entry(new byte[0], new byte[0])), TrieHasher.BLAKE2_256,
                StateVersion.V0), TrieRoot.trieRoot(decoded, TrieHasher.BLAKE2_256, StateVersion.V0));
    }

    // --- verify_proof ---------------------------------------------------------------------------

    /** Key aa holds a 33-byte value: inline in V0, hashed in V1; the compact proof is the same leaf. */
    private static final byte[] KEY = {(byte) 0xaa};
    private static final byte[] BIG_VALUE = new byte[33];
    private static final byte[] PROOF = values(HEX.parseHex("42aa00"));

    private static byte[] rootOf(TrieHasher h, StateVersion v) {
        return TrieRoot.trieRoot(List.of(new TrieRoot.Entry(KEY, BIG_VALUE)), h, v);
    }

    private long verify(String name, byte[] root, byte[] proof, byte[] key, byte[] value, long... version) {
        long[] args = new long[4 + version.length];
        args[0] = host.env.allocateAndWrite(host.memory, root);
        args[1] = host.span(proof);
        args[2] = host.span(key);
        args[3] = host.span(value);
        System.arraycopy(version, 0, args, 4, version.length);
        long[] result = host.call(name, args);
        assertEquals(1, result.length);
        return result[0];
    }

    @Test
    void shouldVerifyAProofInLayoutV0InVersion1AndTheGivenLayoutInVersion2() {
        byte[] v0 = rootOf(TrieHasher.BLAKE2_256, StateVersion.V0);
        byte[] v1 = rootOf(TrieHasher.BLAKE2_256, StateVersion.V1);
        assertFalse(Arrays.equals(v0, v1));
        assertEquals(1, verify(BLAKE_VERIFY_V1, v0, PROOF, KEY, BIG_VALUE));
        assertEquals(0, verify(BLAKE_VERIFY_V1, v1, PROOF, KEY, BIG_VALUE));
        assertEquals(1, verify(BLAKE_VERIFY_V2, v0, PROOF, KEY, BIG_VALUE, 0));
        assertEquals(0, verify(BLAKE_VERIFY_V2, v1, PROOF, KEY, BIG_VALUE, 0));
        assertEquals(1, verify(BLAKE_VERIFY_V2, v1, PROOF, KEY, BIG_VALUE, 1));
        assertEquals(0, verify(BLAKE_VERIFY_V2, v0, PROOF, KEY, BIG_VALUE, 1));
        assertEquals(1, verify(BLAKE_VERIFY_V2, v1, PROOF, KEY, BIG_VALUE, 0x7fff_ff01), "the low byte only");
    }

    @Test
    void shouldVerifyKeccakProofsWithTheKeccakHasher() {
        byte[] v0 = rootOf(TrieHasher.KECCAK_256, StateVersion.V0);
        byte[] v1 = rootOf(TrieHasher.KECCAK_256, StateVersion.V1);
        assertEquals(1, verify(KECCAK_VERIFY_V1, v0, PROOF, KEY, BIG_VALUE));
        assertEquals(1, verify(KECCAK_VERIFY_V2, v0, PROOF, KEY, BIG_VALUE, 0));
        assertEquals(1, verify(KECCAK_VERIFY_V2, v1, PROOF, KEY, BIG_VALUE, 1));
        assertEquals(0, verify(BLAKE_VERIFY_V1, v0, PROOF, KEY, BIG_VALUE));
        assertEquals(0, verify(KECCAK_VERIFY_V1, rootOf(TrieHasher.BLAKE2_256, StateVersion.V0), PROOF, KEY, BIG_VALUE));
    }

    /** A proof that does not hold is an answer (0), never a trap. */
    @Test
    void shouldAnswerZeroForAProofThatDoesNotHold() {
        byte[] root = rootOf(TrieHasher.BLAKE2_256, StateVersion.V0);
        byte[] wrong = Arrays.copyOf(BIG_VALUE, 34);
        assertEquals(0, verify(BLAKE_VERIFY_V1, root, PROOF, KEY, wrong));
        assertEquals(0, verify(BLAKE_VERIFY_V1, root, PROOF, new byte[] {(byte) 0xab}, BIG_VALUE));
        assertEquals(0, verify(BLAKE_VERIFY_V1, root, values(), KEY, BIG_VALUE), "no nodes");
        assertEquals(0, verify(BLAKE_VERIFY_V1, root, values(HEX.parseHex("42aa00"), HEX.parseHex("00")), KEY,
                BIG_VALUE), "an extra node");
        assertEquals(0, verify(BLAKE_VERIFY_V1, root, values(utf8("not a node")), KEY, BIG_VALUE), "undecodable node");
        assertEquals(0, verify(BLAKE_VERIFY_V2, root, values(new byte[0]), KEY, BIG_VALUE, 0), "empty node");
    }

    /** {@code Decode::decode} of the proof list: what follows it is ignored. */
    @Test
    void shouldIgnoreBytesAfterTheEncodedProof() {
        byte[] root = rootOf(TrieHasher.BLAKE2_256, StateVersion.V0);
        byte[] trailing = Arrays.copyOf(PROOF, PROOF.length + 2);
        assertEquals(1, verify(BLAKE_VERIFY_V1, root, trailing, KEY, BIG_VALUE));
    }

    @Test
    void shouldTrapOnAMalformedProofList() {
        byte[] root = rootOf(TrieHasher.BLAKE2_256, StateVersion.V0);
        byte[][] malformed = {new byte[0], {0x04}, {0x04, 0x08, 0x42}, {0x08, 0x00}, {0x01, 0x00}};
        for (byte[] proof : malformed) {
            assertThrows(HostTrap.class, () -> verify(BLAKE_VERIFY_V1, root, proof, KEY, BIG_VALUE),
                    HEX.formatHex(proof));
            assertThrows(HostTrap.class, () -> verify(KECCAK_VERIFY_V2, root, proof, KEY, BIG_VALUE, 1),
                    HEX.formatHex(proof));
        }
    }

    @Test
    void shouldTrapOnArgumentsOutsideMemory() {
        long proof = host.span(PROOF);
        long key = host.span(KEY);
        long value = host.span(BIG_VALUE);
        long size = (long) host.memory.pages() * com.dylibso.chicory.runtime.Memory.PAGE_SIZE;
        long rootPtr = host.env.allocateAndWrite(host.memory, new byte[32]);
        assertThrows(HostTrap.class, () -> host.call(BLAKE_VERIFY_V1, size - 31, proof, key, value), "root");
        assertEquals(0, host.call(BLAKE_VERIFY_V1, size - 32, proof, key, value)[0], "the last 32 bytes are readable");
        assertThrows(HostTrap.class, () -> host.call(BLAKE_VERIFY_V1, rootPtr, host.outOfBounds(4), key, value));
        assertThrows(HostTrap.class, () -> host.call(BLAKE_VERIFY_V1, rootPtr, proof, host.outOfBounds(1), value));
        assertThrows(HostTrap.class, () -> host.call(KECCAK_VERIFY_V2, rootPtr, proof, key, host.outOfBounds(1), 0));
    }

    @Test
    void shouldTrapOnAnUnknownStateVersionWhenVerifying() {
        byte[] root = rootOf(TrieHasher.BLAKE2_256, StateVersion.V0);
        for (long version : new long[] {2, 0xff, -1}) {
            assertThrows(HostTrap.class, () -> verify(BLAKE_VERIFY_V2, root, PROOF, KEY, BIG_VALUE, version));
            assertThrows(HostTrap.class, () -> verify(KECCAK_VERIFY_V2, root, PROOF, KEY, BIG_VALUE, version));
        }
    }
}
