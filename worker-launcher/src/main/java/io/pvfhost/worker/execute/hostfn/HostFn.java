package io.pvfhost.worker.execute.hostfn;

import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import io.pvfhost.worker.execute.HostEnv;
import java.util.List;
import java.util.Map;

/**
 * One provided host function: its wasm type and its implementation over the call's environment.
 * Each group of host functions (allocator, logging, hashing, crypto, trie, misc) is a class with a
 * static {@code functions()} map from the exact import name to a {@code HostFn}.
 */
public record HostFn(FunctionType type, Impl impl) {

    @FunctionalInterface
    public interface Impl {
        /** Returns the results (null or empty for none); throw {@link io.pvfhost.worker.execute.HostTrap} to trap. */
        long[] call(HostEnv env, Memory memory, long[] args);
    }

    public static final ValType I32 = ValType.I32;
    public static final ValType I64 = ValType.I64;

    public static HostFn of(List<ValType> params, List<ValType> results, Impl impl) {
        return new HostFn(FunctionType.of(params, results), impl);
    }

    /** Convenience for building a group's map. */
    public static Map.Entry<String, HostFn> fn(String name, List<ValType> params, List<ValType> results, Impl impl) {
        return Map.entry(name, of(params, results, impl));
    }

    /** Packs a pointer and a length into the i64 the ABI uses (low 32 bits pointer). */
    public static long pack(int ptr, int len) {
        return (Integer.toUnsignedLong(len) << 32) | Integer.toUnsignedLong(ptr);
    }
}
