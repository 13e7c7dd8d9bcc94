package io.pvfhost.worker.execute.hostfn;

import static io.pvfhost.worker.execute.hostfn.HostFn.I32;
import static io.pvfhost.worker.execute.hostfn.HostFn.fn;

import java.util.List;
import java.util.Map;

/** ext_allocator_*: the freeing-bump allocator (reference section 8). */
public final class AllocatorFunctions {
    private AllocatorFunctions() {}

    public static Map<String, HostFn> functions() {
        return Map.ofEntries(
                fn("ext_allocator_malloc_version_1", List.of(I32), List.of(I32),
                        (env, mem, a) -> new long[] {env.allocate(mem, (int) a[0])}),
                fn("ext_allocator_free_version_1", List.of(I32), List.of(), (env, mem, a) -> {
                    env.free(mem, (int) a[0]);
                    return null;
                }));
    }
}
