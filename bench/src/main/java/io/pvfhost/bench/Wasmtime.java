package io.pvfhost.bench;

import io.github.kawamuray.wasmtime.Engine;
import io.github.kawamuray.wasmtime.Extern;
import io.github.kawamuray.wasmtime.Func;
import io.github.kawamuray.wasmtime.Instance;
import io.github.kawamuray.wasmtime.Memory;
import io.github.kawamuray.wasmtime.MemoryType;
import io.github.kawamuray.wasmtime.Module;
import io.github.kawamuray.wasmtime.Store;
import io.github.kawamuray.wasmtime.WasmFunctions;
import io.github.kawamuray.wasmtime.WasmValType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The wasmtime peer, in this JVM through wasmtime-java 0.19.0 (its native library bundles wasmtime
 * 7.0.1 with Cranelift 0.94.1; default configuration: Cranelift, optimised for speed, functions
 * compiled in parallel on all cores).
 */
final class Wasmtime {
    static final String DESCRIPTION = "wasmtime 7.0.1 (wasmtime-java 0.19.0, Cranelift, default config)";
    private final Engine engine;

    private Wasmtime(Engine engine) {
        this.engine = engine;
    }

    /** The peer, or an exception saying why its native library cannot be used here. */
    static Wasmtime load() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Set<Path> before = extractedLibraries(tmp);
        Engine engine = new Engine();
        // wasmtime-java copies its 18 MB native library to a new temp file at every load and never
        // deletes it; loaded, the file is no longer needed (the mapping stays), so remove ours
        for (Path p : extractedLibraries(tmp)) {
            if (!before.contains(p)) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // left in the temp folder, as the library itself leaves it
                }
            }
        }
        return new Wasmtime(engine);
    }

    private static Set<Path> extractedLibraries(Path tmp) {
        try (Stream<Path> files = Files.list(tmp)) {
            return files.filter(p -> p.getFileName().toString().startsWith("libwasmtime_jni_")).collect(Collectors.toSet());
        } catch (IOException e) {
            return Set.of();
        }
    }

    /** Wall-clock nanoseconds of compiling {@code wasm}, one sample per iteration. */
    long[] compile(byte[] wasm, int iterations) {
        long[] ns = new long[iterations];
        for (int i = 0; i < iterations; i++) {
            long t0 = System.nanoTime();
            Module m = Module.fromBinary(engine, wasm);
            ns[i] = System.nanoTime() - t0;
            m.dispose();
        }
        return ns;
    }

    /** Result of the compute loop: the samples and the hash it returned. */
    record Run(long[] nanos, long hash) {}

    /** Instantiates compute.wasm (imports: env.memory 80 pages, env malloc) and times run(n). */
    Run compute(byte[] wasm, int n, int warmup, int iterations) {
        Store<Void> store = new Store<>(null, engine);
        Module module = Module.fromBinary(engine, wasm);
        Memory memory = new Memory(store, new MemoryType(80, false));
        Func malloc = WasmFunctions.wrap(store, WasmValType.I32, WasmValType.I32, size -> ComputePvf.HEAP_BASE);
        Instance instance = new Instance(store, module, List.of(Extern.fromMemory(memory), Extern.fromFunc(malloc)));
        try {
            Func run = instance.getFunc(store, "run").orElseThrow();
            WasmFunctions.Function1<Integer, Long> f = WasmFunctions.func(store, run, WasmValType.I32, WasmValType.I64);
            long h = 0;
            for (int i = 0; i < warmup; i++) {
                h = f.call(n);
            }
            long[] ns = new long[iterations];
            for (int i = 0; i < iterations; i++) {
                long t0 = System.nanoTime();
                h = f.call(n);
                ns[i] = System.nanoTime() - t0;
            }
            return new Run(ns, h);
        } finally {
            instance.dispose();
            malloc.dispose();
            memory.dispose();
            module.dispose();
            store.dispose();
        }
    }
}
