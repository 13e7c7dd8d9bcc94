package io.pvfhost.worker.execute.hostfn;

import static io.pvfhost.worker.execute.hostfn.HostFn.I32;
import static io.pvfhost.worker.execute.hostfn.HostFn.I64;

import io.pvfhost.common.hash.Hashing;
import io.pvfhost.worker.execute.crypto.Keccak;
import io.pvfhost.worker.execute.HostEnv;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** ext_hashing_*: hash(data: packed span) -> pointer to the digest, allocated in wasm memory. */
public final class HashingFunctions {
    private HashingFunctions() {}

    public static Map<String, HostFn> functions() {
        return Map.ofEntries(
                hash("ext_hashing_keccak_256_version_1", Keccak::keccak256),
                hash("ext_hashing_keccak_512_version_1", Keccak::keccak512),
                // lambdas, not method references: a method reference links Hashing (and so loads
                // BouncyCastle's classes) when the table is built, also for a PVF that never hashes
                hash("ext_hashing_blake2_128_version_1", d -> Hashing.blake2b128(d)),
                hash("ext_hashing_blake2_256_version_1", d -> Hashing.blake2b256(d)),
                hash("ext_hashing_sha2_256_version_1", d -> Hashing.sha256(d)));
    }

    static Map.Entry<String, HostFn> hash(String name, Function<byte[], byte[]> f) {
        return HostFn.fn(name, List.of(I64), List.of(I32),
                (env, mem, a) -> new long[] {env.allocateAndWrite(mem, f.apply(HostEnv.readSpan(mem, a[0])))});
    }
}
