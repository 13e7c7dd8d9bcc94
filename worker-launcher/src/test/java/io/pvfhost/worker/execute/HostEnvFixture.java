package io.pvfhost.worker.execute;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.MemoryLimits;

/**
 * For host-function tests outside this package: a {@link HostEnv} whose allocator is set as
 * {@code Execution} sets it, and a memory to call functions with.
 */
public final class HostEnvFixture {
    /** Where the test allocator starts; below it, tests place their inputs. */
    public static final int HEAP_BASE = 1 << 16;

    private HostEnvFixture() {}

    /** A fresh environment whose allocator starts at {@link #HEAP_BASE}. */
    public static HostEnv env() {
        HostEnv env = new HostEnv();
        env.setAllocator(new FreeingBumpAllocator(HEAP_BASE));
        return env;
    }

    /** A memory of {@code pages} pages that may grow to 2080, the reference's default maximum. */
    public static Memory memory(int pages) {
        return new ByteArrayMemory(new MemoryLimits(pages, 2080));
    }
}
