package io.pvfhost.worker.execute;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.WasmFunctionHandle;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import io.pvfhost.worker.execute.hostfn.AllocatorFunctions;
import io.pvfhost.worker.execute.hostfn.CryptoFunctions;
import io.pvfhost.worker.execute.hostfn.HashingFunctions;
import io.pvfhost.worker.execute.hostfn.HostFn;
import io.pvfhost.worker.execute.hostfn.LoggingFunctions;
import io.pvfhost.worker.execute.hostfn.MiscFunctions;
import io.pvfhost.worker.execute.hostfn.TrieFunctions;
import io.pvfhost.worker.execute.hostfn.TwoxFunctions;
import java.util.HashMap;
import java.util.Map;

/**
 * The host functions a parachain runtime imports from module {@code env}, by exact name and
 * version (reference section 7). Every other function import gets a stub that traps when called
 * with the reference's wording, so that a runtime which imports storage functions it never calls
 * during validation still instantiates.
 */
public final class HostFunctions {
    /** Every provided function by exact import name; the groups are in {@code hostfn}. */
    private static final Map<String, HostFn> PROVIDED = merge(
            AllocatorFunctions.functions(),
            LoggingFunctions.functions(),
            HashingFunctions.functions(),
            TwoxFunctions.functions(),
            TrieFunctions.functions(),
            MiscFunctions.functions(),
            CryptoFunctions.functions());

    private HostFunctions() {}

    @SafeVarargs
    private static Map<String, HostFn> merge(Map<String, HostFn>... groups) {
        Map<String, HostFn> all = new HashMap<>();
        for (Map<String, HostFn> g : groups) {
            g.forEach((name, fn) -> {
                if (all.put(name, fn) != null) {
                    throw new IllegalStateException("host function provided twice: " + name);
                }
            });
        }
        return Map.copyOf(all);
    }

    /**
     * The stub of an import the host does not provide: traps when called. A class, not a lambda: a
     * lambda's call site is linked at its first use, which in a fresh worker is the first runtime
     * that imports a missing function, and cost that load 20-30 ms (the class cache holds only
     * the call sites its training linked).
     */
    private static final class MissingFunction implements WasmFunctionHandle {
        private final String name;

        MissingFunction(String name) {
            this.name = name;
        }

        @Override
        public long[] apply(Instance instance, long... args) {
            throw new HostTrap("call to a missing function env:" + name);
        }
    }

    /** The provided functions, for tests and reports. */
    public static Map<String, HostFn> provided() {
        return PROVIDED;
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
        // the reference makes one stub per missing name (with the last import's type), so the same
        // missing name imported with two types cannot be linked there: runtime construction fails
        Map<String, FunctionType> stubTypes = new HashMap<>();
        var imports = module.importSection();
        for (int i = 0; i < imports.importCount(); i++) {
            if (imports.getImport(i).importType() != ExternalType.FUNCTION) {
                continue;
            }
            FunctionImport fi = (FunctionImport) imports.getImport(i);
            FunctionType type = module.typeSection().getType(fi.typeIndex());
            String name = fi.name();
            HostFn p = PROVIDED.get(name);
            if (p != null) {
                if (!p.type().equals(type)) {
                    throw new IllegalArgumentException("import env." + name + " has type " + type
                            + ", the host provides " + p.type());
                }
                b.addFunction(new HostFunction("env", name, type, (inst, args) -> p.impl().call(env, inst.memory(), args)));
            } else {
                FunctionType before = stubTypes.putIfAbsent(name, type);
                if (before != null && !before.equals(type)) {
                    throw new IllegalArgumentException("import env." + name + " is imported with types " + before
                            + " and " + type + "; the host has no such function to stub for both");
                }
                b.addFunction(new HostFunction("env", name, type, new MissingFunction(name)));
            }
        }
        return b;
    }
}
