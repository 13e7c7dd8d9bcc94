package io.pvfhost.worker.execute;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import io.pvfhost.common.hash.Hashing;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The host functions a parachain runtime imports from module {@code env}, by exact name and
 * version (reference section 7). Every other function import gets a stub that traps when called
 * with the reference's wording, so that a runtime which imports storage functions it never calls
 * during validation still instantiates.
 */
public final class HostFunctions {
    private static final ValType I32 = ValType.I32;
    private static final ValType I64 = ValType.I64;

    /** A provided function: its wasm type and its implementation over the call's environment. */
    record Provided(FunctionType type, Impl impl) {}

    @FunctionalInterface
    interface Impl {
        long[] call(HostEnv env, Memory memory, long[] args);
    }

    private static final Map<String, Provided> PROVIDED = Map.ofEntries(
            Map.entry("ext_allocator_malloc_version_1", fn(List.of(I32), List.of(I32),
                    (env, mem, a) -> new long[] {env.allocate(mem, (int) a[0])})),
            Map.entry("ext_allocator_free_version_1", fn(List.of(I32), List.of(),
                    (env, mem, a) -> {
                        env.free(mem, (int) a[0]);
                        return null;
                    })),
            Map.entry("ext_logging_log_version_1", fn(List.of(I32, I64, I64), List.of(),
                    (env, mem, a) -> {
                        env.log((int) a[0], HostEnv.readString(mem, a[1]), HostEnv.readString(mem, a[2]));
                        return null;
                    })),
            // LogLevelFilter::Error: fixed, so that every validator's runtime takes the same paths
            Map.entry("ext_logging_max_level_version_1", fn(List.of(), List.of(I32), (env, mem, a) -> new long[] {1})),
            Map.entry("ext_hashing_keccak_256_version_1", hash(Hashing::keccak256)),
            Map.entry("ext_hashing_keccak_512_version_1", hash(Hashing::keccak512)),
            Map.entry("ext_hashing_blake2_128_version_1", hash(Hashing::blake2b128)),
            Map.entry("ext_hashing_blake2_256_version_1", hash(Hashing::blake2b256)),
            Map.entry("ext_hashing_sha2_256_version_1", hash(Hashing::sha256)));

    private HostFunctions() {}

    private static Provided fn(List<ValType> params, List<ValType> results, Impl impl) {
        return new Provided(FunctionType.of(params, results), impl);
    }

    /** hash(data: packed span) -> pointer to the digest, allocated in wasm memory. */
    private static Provided hash(Function<byte[], byte[]> f) {
        return fn(List.of(I64), List.of(I32),
                (env, mem, a) -> new long[] {env.allocateAndWrite(mem, f.apply(HostEnv.readSpan(mem, a[0])))});
    }

    public static boolean isProvided(String name) {
        return PROVIDED.containsKey(name);
    }

    /**
     * Binds every function import of the module: a provided function when the name and type match,
     * a trapping stub when the name is unknown. A known name with another type cannot be linked.
     */
    public static ImportValues.Builder bind(WasmModule module, HostEnv env) {
        ImportValues.Builder b = ImportValues.builder();
        var imports = module.importSection();
        for (int i = 0; i < imports.importCount(); i++) {
            if (imports.getImport(i).importType() != ExternalType.FUNCTION) {
                continue;
            }
            FunctionImport fi = (FunctionImport) imports.getImport(i);
            FunctionType type = module.typeSection().getType(fi.typeIndex());
            String name = fi.name();
            Provided p = PROVIDED.get(name);
            if (p != null) {
                if (!p.type().equals(type)) {
                    throw new IllegalArgumentException("import env." + name + " has type " + type
                            + ", the host provides " + p.type());
                }
                b.addFunction(new HostFunction("env", name, type, (inst, args) -> p.impl().call(env, inst.memory(), args)));
            } else {
                b.addFunction(new HostFunction("env", name, type, (inst, args) -> {
                    throw new HostTrap("call to a missing function env:" + name);
                }));
            }
        }
        return b;
    }
}
