package io.pvfhost.worker.execute.hostfn;

import static io.pvfhost.worker.execute.hostfn.HostFn.I32;
import static io.pvfhost.worker.execute.hostfn.HostFn.I64;

import io.pvfhost.worker.execute.HostEnv;
import java.util.List;
import java.util.Map;
import com.dynatrace.hash4j.hashing.Hasher64;
import com.dynatrace.hash4j.hashing.Hashing;

/**
 * ext_hashing_twox_*: {@code twox_64/128/256(data: packed span) -> i32} pointer to the digest,
 * allocated in wasm memory. As in {@code sp_crypto_hashing}: twox-N is the concatenation of
 * XXH64 of the data with seeds 0, 1, 2, 3 (as many as N/64), each written little-endian. XXH64 is
 * hash4j's, which reads bytes through VarHandles: the library used before read them through
 * sun.misc.Unsafe, which JDK 24 warns about and a later JDK denies by default (then every twox call,
 * and so every Cumulus block, would fail).
 */
public final class TwoxFunctions {
    private static final Hasher64[] XXH64 = {Hashing.xxh64(0), Hashing.xxh64(1), Hashing.xxh64(2), Hashing.xxh64(3)};

    private TwoxFunctions() {}

    public static Map<String, HostFn> functions() {
        return Map.ofEntries(
                twox("ext_hashing_twox_64_version_1", 1),
                twox("ext_hashing_twox_128_version_1", 2),
                twox("ext_hashing_twox_256_version_1", 4));
    }

    public static byte[] twox64(byte[] data) {
        return twox(data, 1);
    }

    public static byte[] twox128(byte[] data) {
        return twox(data, 2);
    }

    public static byte[] twox256(byte[] data) {
        return twox(data, 4);
    }

    private static byte[] twox(byte[] data, int words) {
        byte[] out = new byte[8 * words];
        for (int w = 0; w < words; w++) {
            long h = XXH64[w].hashBytesToLong(data);
            for (int i = 0; i < 8; i++) {
                out[8 * w + i] = (byte) (h >>> (8 * i));
            }
        }
        return out;
    }

    private static Map.Entry<String, HostFn> twox(String name, int words) {
        return HostFn.fn(name, List.of(I64), List.of(I32),
                (env, mem, a) -> new long[] {env.allocateAndWrite(mem, twox(HostEnv.readSpan(mem, a[0]), words))});
    }
}
