package io.pvfhost.worker.execute.hostfn;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.dylibso.chicory.runtime.Memory;
import io.pvfhost.worker.execute.HostEnv;
import io.pvfhost.worker.execute.HostEnvFixture;
import java.util.Map;

/** Calls host functions the way a runtime does: inputs placed through the allocator, results read back. */
final class HostCall {
    final HostEnv env = HostEnvFixture.env();
    final Memory memory;
    private final Map<String, HostFn> group;

    HostCall(Map<String, HostFn> group) {
        this(group, 4);
    }

    HostCall(Map<String, HostFn> group, int pages) {
        this.group = group;
        this.memory = HostEnvFixture.memory(pages);
    }

    /** Allocates {@code data} in wasm memory and returns its packed span. */
    long span(byte[] data) {
        int ptr = env.allocateAndWrite(memory, data);
        return HostFn.pack(ptr, data.length);
    }

    HostFn fn(String name) {
        HostFn fn = group.get(name);
        assertNotNull(fn, "no host function " + name);
        return fn;
    }

    long[] call(String name, long... args) {
        return fn(name).impl().call(env, memory, args);
    }

    /** Calls a function returning an i32 pointer and reads {@code len} bytes there. */
    byte[] callForPointer(String name, int len, long... args) {
        int ptr = (int) call(name, args)[0];
        return memory.readBytes(ptr, len);
    }

    /** Calls a function returning a packed i64 span and reads the span. */
    byte[] callForSpan(String name, long... args) {
        return HostEnv.readSpan(memory, call(name, args)[0]);
    }

    /** A span that ends past the memory's end. */
    long outOfBounds(int len) {
        long size = (long) memory.pages() * Memory.PAGE_SIZE;
        return HostFn.pack((int) (size - len + 1), len);
    }
}
