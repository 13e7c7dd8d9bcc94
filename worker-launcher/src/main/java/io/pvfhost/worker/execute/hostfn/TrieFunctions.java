package io.pvfhost.worker.execute.hostfn;

import static io.pvfhost.worker.execute.hostfn.HostFn.I32;
import static io.pvfhost.worker.execute.hostfn.HostFn.I64;
import static io.pvfhost.worker.execute.hostfn.HostFn.fn;

import com.dylibso.chicory.runtime.Memory;
import io.pvfhost.common.scale.ScaleException;
import io.pvfhost.common.scale.ScaleReader;
import io.pvfhost.worker.execute.HostEnv;
import io.pvfhost.worker.execute.HostTrap;
import io.pvfhost.worker.execute.trie.StateVersion;
import io.pvfhost.worker.execute.trie.TrieHasher;
import io.pvfhost.worker.execute.trie.TrieProof;
import io.pvfhost.worker.execute.trie.TrieRoot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * ext_trie_*: trie roots of data the runtime passes in (sp-io {@code trait Trie}), returned as a
 * pointer to 32 bytes allocated in wasm memory ({@code AllocateAndReturnPointer<H256, 32>}).
 *
 * <ul>
 *   <li>{@code *_root_version_1(input: i64) -> i32}: {@code Vec<(Vec<u8>, Vec<u8>)>}, layout V0.</li>
 *   <li>{@code *_root_version_2(input: i64, version: i32) -> i32}: the same, layout by version.</li>
 *   <li>{@code *_ordered_root_version_1/2}: {@code Vec<Vec<u8>>}, item i keyed by
 *       {@code Compact(i)}.</li>
 *   <li>{@code *_verify_proof_version_1(root: i32, proof: i64, key: i64, value: i64) -> i32}: root
 *       a pointer to 32 bytes, proof a {@code Vec<Vec<u8>>}, key and value raw spans; 1 when the
 *       compact proof shows {@code key} holding {@code value}, else 0 (layout V0).</li>
 *   <li>{@code *_verify_proof_version_2(..., version: i32) -> i32}: the same, layout by version.</li>
 * </ul>
 *
 * <p>Marshalling as sp-runtime-interface does it: the span is read (out of bounds traps), then
 * decoded with {@code Decode::decode}, which does not require the whole span to be consumed, so
 * trailing bytes are ignored; a decoding failure traps. The version is a {@code u8} carried in an
 * i32 ({@code arg as u8}: the high bits are dropped), then {@code StateVersion::try_from}: only 0
 * and 1, anything else traps.
 */
public final class TrieFunctions {
    /** A SCALE {@code Vec<u8>} takes at least its one-byte length prefix. */
    private static final int MIN_BYTES_SIZE = 1;
    private static final byte[] EMPTY = new byte[0];

    private TrieFunctions() {}

    public static Map<String, HostFn> functions() {
        return Map.ofEntries(
                root("ext_trie_blake2_256_root_version_1", TrieHasher.BLAKE2_256),
                rootV2("ext_trie_blake2_256_root_version_2", TrieHasher.BLAKE2_256),
                orderedRoot("ext_trie_blake2_256_ordered_root_version_1", TrieHasher.BLAKE2_256),
                orderedRootV2("ext_trie_blake2_256_ordered_root_version_2", TrieHasher.BLAKE2_256),
                root("ext_trie_keccak_256_root_version_1", TrieHasher.KECCAK_256),
                rootV2("ext_trie_keccak_256_root_version_2", TrieHasher.KECCAK_256),
                orderedRoot("ext_trie_keccak_256_ordered_root_version_1", TrieHasher.KECCAK_256),
                orderedRootV2("ext_trie_keccak_256_ordered_root_version_2", TrieHasher.KECCAK_256),
                verifyProof("ext_trie_blake2_256_verify_proof_version_1", TrieHasher.BLAKE2_256),
                verifyProofV2("ext_trie_blake2_256_verify_proof_version_2", TrieHasher.BLAKE2_256),
                verifyProof("ext_trie_keccak_256_verify_proof_version_1", TrieHasher.KECCAK_256),
                verifyProofV2("ext_trie_keccak_256_verify_proof_version_2", TrieHasher.KECCAK_256));
    }

    private static Map.Entry<String, HostFn> root(String name, TrieHasher hasher) {
        return fn(name, List.of(I64), List.of(I32), (env, mem, a) -> {
            var input = decodePairs(HostEnv.readSpan(mem, a[0]));
            return new long[] {env.allocateAndWrite(mem, TrieRoot.trieRoot(input, hasher, StateVersion.V0))};
        });
    }

    private static Map.Entry<String, HostFn> rootV2(String name, TrieHasher hasher) {
        return fn(name, List.of(I64, I32), List.of(I32), (env, mem, a) -> {
            var input = decodePairs(HostEnv.readSpan(mem, a[0]));
            StateVersion version = stateVersion(a[1]);
            return new long[] {env.allocateAndWrite(mem, TrieRoot.trieRoot(input, hasher, version))};
        });
    }

    private static Map.Entry<String, HostFn> orderedRoot(String name, TrieHasher hasher) {
        return fn(name, List.of(I64), List.of(I32), (env, mem, a) -> {
            List<byte[]> input = decodeValues(HostEnv.readSpan(mem, a[0]), "an ordered trie root");
            return new long[] {env.allocateAndWrite(mem, TrieRoot.orderedTrieRoot(input, hasher, StateVersion.V0))};
        });
    }

    private static Map.Entry<String, HostFn> orderedRootV2(String name, TrieHasher hasher) {
        return fn(name, List.of(I64, I32), List.of(I32), (env, mem, a) -> {
            List<byte[]> input = decodeValues(HostEnv.readSpan(mem, a[0]), "an ordered trie root");
            StateVersion version = stateVersion(a[1]);
            return new long[] {env.allocateAndWrite(mem, TrieRoot.orderedTrieRoot(input, hasher, version))};
        });
    }

    private static Map.Entry<String, HostFn> verifyProof(String name, TrieHasher hasher) {
        return fn(name, List.of(I32, I64, I64, I64), List.of(I32),
                (env, mem, a) -> verifyProofArgs(mem, a, hasher, StateVersion.V0));
    }

    private static Map.Entry<String, HostFn> verifyProofV2(String name, TrieHasher hasher) {
        return fn(name, List.of(I32, I64, I64, I64, I32), List.of(I32),
                (env, mem, a) -> verifyProofArgs(mem, a, hasher, stateVersion(a[4])));
    }

    /**
     * {@code PassPointerAndReadCopy<H256, 32>}, {@code PassFatPointerAndDecodeSlice<&[Vec<u8>]>},
     * then two {@code PassFatPointerAndRead<&[u8]>}: unreadable memory or an undecodable proof
     * list traps; a proof that does not verify is an answer, 0.
     */
    private static long[] verifyProofArgs(Memory mem, long[] a, TrieHasher hasher, StateVersion version) {
        byte[] root = CryptoFunctions.readFixed(mem, a[0], TrieHasher.HASH_LENGTH);
        List<byte[]> proof = decodeValues(HostEnv.readSpan(mem, a[1]), "a trie proof");
        byte[] key = HostEnv.readSpan(mem, a[2]);
        byte[] value = HostEnv.readSpan(mem, a[3]);
        return new long[] {TrieProof.verify(root, proof, key, value, hasher, version) ? 1 : 0};
    }

    /** {@code PassAs<StateVersion, u8>}: the low byte of the i32, then 0 or 1. */
    static StateVersion stateVersion(long arg) {
        int b = (int) arg & 0xff;
        try {
            return StateVersion.fromByte(b);
        } catch (IllegalArgumentException e) {
            throw new HostTrap("failed to convert the state version argument " + (int) arg + " (as u8: " + b
                    + ") into a StateVersion");
        }
    }

    /**
     * {@code Vec<(Vec<u8>, Vec<u8>)>::decode}, straight into the trie's sorted input (a repeated key
     * keeps its last value, and a repeated key costs no memory: millions of empty pairs, which a
     * span of a hundred megabytes holds, decode in about the time the reference takes); trailing
     * bytes are ignored, as by the reference.
     */
    static java.util.TreeMap<byte[], byte[]> decodePairs(byte[] data) {
        try {
            ScaleReader r = new ScaleReader(data);
            int n = r.count(Integer.MAX_VALUE, 2 * MIN_BYTES_SIZE);
            var out = TrieRoot.sortedInput();
            for (int i = 0; i < n; i++) {
                byte[] key = bytes(r);
                byte[] value = bytes(r);
                out.put(key, value);
            }
            return out;
        } catch (ScaleException e) {
            throw new HostTrap("could not SCALE-decode Vec<(Vec<u8>, Vec<u8>)> for a trie root: " + e.getMessage());
        }
    }

    /** {@code Vec<Vec<u8>>::decode}; trailing bytes are ignored, as by the reference. */
    static List<byte[]> decodeValues(byte[] data, String what) {
        try {
            ScaleReader r = new ScaleReader(data);
            int n = r.count(Integer.MAX_VALUE, MIN_BYTES_SIZE);
            List<byte[]> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(bytes(r));
            }
            return out;
        } catch (ScaleException e) {
            throw new HostTrap("could not SCALE-decode Vec<Vec<u8>> for " + what + ": " + e.getMessage());
        }
    }

    /** A byte string bounded only by the input; empty ones share one array. */
    private static byte[] bytes(ScaleReader r) {
        byte[] b = r.bytes(Integer.MAX_VALUE);
        return b.length == 0 ? EMPTY : b;
    }
}
