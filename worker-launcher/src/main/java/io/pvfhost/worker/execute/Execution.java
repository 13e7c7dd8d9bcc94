package io.pvfhost.worker.execute;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.ImportMemory;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.MemoryImport;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.ValType;

/**
 * One call of validate_block on a fresh instance (reference section 7): memory capped at the
 * executor parameters' maximum, the allocator starting at {@code __heap_base}, the params
 * allocated through it, and the packed i64 result checked against memory.
 */
public final class Execution {

    /** The call failed in a way that makes the candidate invalid (trap, bad result). */
    public static final class InvalidCandidateException extends RuntimeException {
        public InvalidCandidateException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private Execution() {}

    /** A class of the artifact refused on the way is a corrupted artifact, never the candidate's trap. */
    private static void rethrowRejectedClass(Throwable e) {
        LoadedArtifact.RejectedClassError r = LoadedArtifact.rejectedIn(e);
        if (r != null) {
            throw r;
        }
    }

    /** Runs validate_block and returns the raw result bytes (not yet decoded). */
    public static byte[] validateBlock(LoadedArtifact artifact, byte[] params, int maxMemoryPages) {
        HostEnv env = new HostEnv();
        Instance instance;
        try {
            instance = instantiate(artifact, env, maxMemoryPages);
        } catch (RuntimeException e) {
            rethrowRejectedClass(e);
            // the reference's new_instance: a failure there (a segment out of bounds, a trapping start
            // function) is the candidate's, an invalid one; only an artifact that cannot be loaded is
            // a runtime construction error
            throw new InvalidCandidateException("cannot instantiate the runtime: " + e.getMessage(), e);
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

    private static Instance instantiate(LoadedArtifact artifact, HostEnv env, int maxMemoryPages) {
        var module = artifact.module();
        var imports = HostFunctions.bind(module, env);
        var section = module.importSection();
        for (int i = 0; i < section.importCount(); i++) {
            if (section.getImport(i).importType() == ExternalType.MEMORY) {
                MemoryImport mi = (MemoryImport) section.getImport(i);
                imports.addMemory(new ImportMemory("env", mi.name(), new ByteArrayMemory(limits(mi.limits(), maxMemoryPages))));
            }
        }
        var builder = Instance.builder(module)
                .withImportValues(imports.build())
                .withMachineFactory(artifact.machineFactory())
                .withMemoryFactory(ByteArrayMemory::new);
        if (module.memorySection().isPresent() && module.memorySection().get().memoryCount() > 0) {
            builder.withMemoryLimits(limits(module.memorySection().get().getMemory(0).limits(), maxMemoryPages));
        }
        return builder.build();
    }

    /**
     * The host's maximum whatever the module declares, and the module's initial pages but never
     * more than that maximum (the reference's heap setup: {@code min(maximum, initial)}).
     */
    static MemoryLimits limits(MemoryLimits declared, int maxPages) {
        return new MemoryLimits(Math.min(declared.initialPages(), maxPages), maxPages);
    }
}
