package io.pvfhost.worker.execute;

import com.dylibso.chicory.runtime.ImportMemory;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.MemoryImport;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.ValType;
import io.pvfhost.worker.execute.memory.PagePool;
import io.pvfhost.worker.execute.memory.PooledMemory;
import java.util.ArrayList;
import java.util.List;

/**
 * One call of validate_block on a fresh instance (reference section 7): memory capped at the
 * executor parameters' maximum, the allocator starting at {@code __heap_base}, the params
 * allocated through it, and the packed i64 result checked against memory. The instance's memory
 * takes its pages from a pool shared by the executions of this JVM and gives them back when the
 * call is over: each page is zeroed when taken, so every call starts on a memory exactly like a
 * new one ({@link PagePool}).
 */
public final class Execution {
    private static final PagePool PAGES = PagePool.forThisJvm();

    /**
     * The instance could not be built (the reference's {@code Error::RuntimeConstruction}, which its
     * instantiation errors are): possibly invalid; approval and dispute run it again once on an
     * artifact prepared again.
     */
    public static final class RuntimeConstructionException extends RuntimeException {
        public RuntimeConstructionException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The call failed in a way that makes the candidate invalid (trap, bad result). */
    public static final class InvalidCandidateException extends RuntimeException {
        public InvalidCandidateException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private Execution() {}

    /** A class or the interpreted bodies of the artifact refused on the way is a corrupted artifact, never the candidate's trap. */
    private static void rethrowRejectedClass(Throwable e) {
        LoadedArtifact.RejectedClassError r = LoadedArtifact.rejectedIn(e);
        if (r != null) {
            throw r;
        }
    }

    /** Runs validate_block and returns the raw result bytes (not yet decoded). */
    public static byte[] validateBlock(LoadedArtifact artifact, byte[] params, int maxMemoryPages) {
        List<PooledMemory> memories = new ArrayList<>(1);
        try {
            return validateBlock(artifact, params, maxMemoryPages, memories);
        } finally {
            // the call is over (this thread ran it): nothing uses the memory any more
            memories.forEach(PooledMemory::release);
        }
    }

    /** Pages kept for the next executions in this JVM (for tests). */
    static PagePool pagePool() {
        return PAGES;
    }

    private static byte[] validateBlock(LoadedArtifact artifact, byte[] params, int maxMemoryPages, List<PooledMemory> memories) {
        HostEnv env = new HostEnv();
        Instance instance;
        try {
            instance = instantiate(artifact, env, maxMemoryPages, memories);
        } catch (RuntimeException e) {
            rethrowRejectedClass(e);
            // the reference maps instantiation errors (a segment out of bounds, a trapping start
            // function) to WasmError, which is Error::RuntimeConstruction there
            throw new RuntimeConstructionException("cannot instantiate the runtime: " + e.getMessage(), e);
        }
        // what the reference resolves when it calls (Error::Other there: an invalid candidate)
        if (!exportsMemoryAsMemory(artifact.module())) {
            throw new InvalidCandidateException("memory is not exported under `memory` name", null);
        }
        if (!exportsValidateBlock(instance)) {
            throw new InvalidCandidateException("the runtime exports no function validate_block(i32, i32) -> i64", null);
        }
        Memory memory = instance.memory();
        int heapBase;
        try {
            var global = instance.exports().global("__heap_base");
            if (!ValType.I32.equals(global.getType())) {
                throw new IllegalArgumentException("it is an " + global.getType());
            }
            heapBase = (int) global.getValue();
        } catch (RuntimeException e) {
            // as the reference (HeapBaseNotFoundOrInvalid when called): the candidate is invalid
            throw new InvalidCandidateException("the runtime exports no i32 global __heap_base: " + e.getMessage(), e);
        }
        env.setAllocator(new FreeingBumpAllocator(heapBase));
        var validate = instance.export("validate_block");
        try {
            int ptr = env.allocateAndWrite(memory, params);
            long packed = validate.apply(ptr, params.length)[0];
            return HostEnv.readSpan(memory, packed);
        } catch (RuntimeException | StackOverflowError e) {
            rethrowRejectedClass(e);
            String trap = e instanceof StackOverflowError ? "call stack exhausted" : String.valueOf(e.getMessage());
            String panic = env.lastErrorMessage();
            throw new InvalidCandidateException(panic == null ? trap : trap + "; runtime said: " + panic, e);
        }
    }

    /**
     * The reference turns an imported memory into one exported under its import name, then looks
     * for the export {@code memory}.
     */
    static boolean exportsMemoryAsMemory(WasmModule module) {
        var imports = module.importSection();
        for (int i = 0; i < imports.importCount(); i++) {
            if (imports.getImport(i).importType() == ExternalType.MEMORY && imports.getImport(i).name().equals("memory")) {
                return true;
            }
        }
        var exports = module.exportSection();
        for (int i = 0; i < exports.exportCount(); i++) {
            if (exports.getExport(i).exportType() == ExternalType.MEMORY && exports.getExport(i).name().equals("memory")) {
                return true;
            }
        }
        return false;
    }

    private static final FunctionType VALIDATE_BLOCK = FunctionType.of(List.of(ValType.I32, ValType.I32), List.of(ValType.I64));

    /** An exported function validate_block of type (i32, i32) -> i64, as the reference resolves it. */
    private static boolean exportsValidateBlock(Instance instance) {
        var exports = instance.module().exportSection();
        for (int i = 0; i < exports.exportCount(); i++) {
            var e = exports.getExport(i);
            if (e.exportType() == ExternalType.FUNCTION && e.name().equals("validate_block")) {
                return VALIDATE_BLOCK.equals(instance.type(instance.functionType((int) e.index())));
            }
        }
        return false;
    }

    private static Instance instantiate(LoadedArtifact artifact, HostEnv env, int maxMemoryPages, List<PooledMemory> memories) {
        var module = artifact.module();
        var imports = HostFunctions.bind(module, env);
        var section = module.importSection();
        for (int i = 0; i < section.importCount(); i++) {
            if (section.getImport(i).importType() == ExternalType.MEMORY) {
                MemoryImport mi = (MemoryImport) section.getImport(i);
                imports.addMemory(new ImportMemory("env", mi.name(), memory(limits(mi.limits(), maxMemoryPages), memories)));
            }
        }
        var builder = Instance.builder(module)
                .withImportValues(imports.build())
                .withMachineFactory(artifact.machineFactory())
                .withMemoryFactory(l -> memory(l, memories));
        if (module.memorySection().isPresent() && module.memorySection().get().memoryCount() > 0) {
            builder.withMemoryLimits(limits(module.memorySection().get().getMemory(0).limits(), maxMemoryPages));
        }
        return builder.build();
    }

    private static Memory memory(MemoryLimits limits, List<PooledMemory> memories) {
        PooledMemory m = new PooledMemory(limits, PAGES);
        memories.add(m);
        return m;
    }

    /**
     * The host's maximum whatever the module declares, and the module's initial pages but never
     * more than that maximum (the reference's heap setup: {@code min(maximum, initial)}).
     */
    static MemoryLimits limits(MemoryLimits declared, int maxPages) {
        return new MemoryLimits(Math.min(declared.initialPages(), maxPages), maxPages);
    }
}
