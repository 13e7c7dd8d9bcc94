package io.pvfhost.worker.execute;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import io.pvfhost.artifacts.ArtifactContent;
import io.pvfhost.artifacts.ArtifactFile;
import io.pvfhost.artifacts.CorruptedArtifactException;
import io.pvfhost.worker.artifact.ModuleImage;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A compiled artifact loaded into this JVM: the module rebuilt from its image and a factory for the
 * machine that runs the compiled classes. The classes are defined by a loader of their own, so each
 * artifact's classes are separate and are collected with it.
 *
 * <p>{@link #read} verifies the file's checksum before a single class of it is defined. A cold
 * worker spends most of a first load in code the JIT has not compiled yet, so the independent
 * steps run side by side: the checksum on one thread, the module image on another, while this one
 * decodes the file and checks the bytecode. Those steps only decode bytes, with decoders made for
 * untrusted input; nothing reaches a class loader until the checksum has matched.
 */
public final class LoadedArtifact {
    /** Far above the largest runtime's 8.7 MiB; a bigger file would only fill the worker's heap. */
    static final long MAX_FILE_BYTES = 256L << 20;
    private final WasmModule module;
    private final Function<Instance, Machine> machineFactory;

    private LoadedArtifact(WasmModule module, Function<Instance, Machine> machineFactory) {
        this.module = module;
        this.machineFactory = machineFactory;
    }

    public WasmModule module() {
        return module;
    }

    public Function<Instance, Machine> machineFactory() {
        return machineFactory;
    }

    /**
     * Reads the artifact file, verifies it against the checksum recorded when it was written, and
     * loads it. A mismatch, an error artifact or undecodable content is a
     * {@link CorruptedArtifactException}.
     */
    public static LoadedArtifact read(Path path, byte[] expectedChecksum) throws IOException, CorruptedArtifactException,
            BytecodeGuard.RejectedBytecodeException, ReflectiveOperationException {
        long size = Files.size(path);
        if (size > MAX_FILE_BYTES) {
            throw new CorruptedArtifactException("artifact of " + size + " bytes, over the " + MAX_FILE_BYTES + " a worker reads");
        }
        byte[] bytes = Files.readAllBytes(path);
        CompletableFuture<byte[]> checksum = async("pvf-artifact-checksum", () -> ArtifactFile.checksum(bytes));
        Runnable verify = () -> {
            if (!Arrays.equals(join(checksum), expectedChecksum)) {
                throw new ChecksumMismatch("artifact checksum mismatch: " + path.getFileName());
            }
        };
        try {
            ArtifactContent content;
            try {
                content = ArtifactFile.decode(bytes);
            } catch (CorruptedArtifactException e) {
                verify.run(); // a file that is not what was written says so first
                throw e;
            }
            if (!(content instanceof ArtifactContent.Compiled c)) {
                verify.run();
                throw new CorruptedArtifactException("artifact holds a preparation error, not code");
            }
            return load(c, verify);
        } catch (ChecksumMismatch e) {
            throw new CorruptedArtifactException(e.getMessage());
        }
    }

    /** Loads content whose checksum the caller has verified (tests and the bench). */
    public static LoadedArtifact load(ArtifactContent.Compiled c)
            throws ReflectiveOperationException, BytecodeGuard.RejectedBytecodeException, CorruptedArtifactException {
        return load(c, () -> { });
    }

    /** {@code verify} throws unless the content may be loaded; it runs before any class is defined. */
    private static LoadedArtifact load(ArtifactContent.Compiled c, Runnable verify)
            throws ReflectiveOperationException, BytecodeGuard.RejectedBytecodeException, CorruptedArtifactException {
        // validated when prepared; the image rebuilds the module without parsing wasm. Decoding the
        // largest runtime's interpreted functions takes a cold JVM 100-150 ms: it runs alongside
        // the decode stops early when this load fails (a forged file must not keep a thread filling the heap)
        AtomicBoolean failed = new AtomicBoolean();
        CompletableFuture<WasmModule> image = async("pvf-image-decode", () -> {
            try {
                return ModuleImage.decode(c.moduleImage(), failed::get);
            } catch (CorruptedArtifactException e) {
                throw new CompletionException(e);
            }
        });
        WasmModule module;
        Class<?> main;
        boolean done = false;
        try {
            try {
                BytecodeGuard.check(c.classes());
            } catch (BytecodeGuard.RejectedBytecodeException e) {
                verify.run(); // a file that is not what was written says so first
                throw e;
            }
            verify.run();
            var loader = new ArtifactClassLoader(c.classes(), Instance.class.getClassLoader());
            // initialize (and so verify) the main class now, not in the first call
            main = Class.forName(c.mainClass(), true, loader);
            if (!Machine.class.isAssignableFrom(main)) {
                throw new ClassCastException(c.mainClass() + " is not a Machine");
            }
            try {
                module = join(image);
            } catch (CompletionException e) {
                if (e.getCause() instanceof CorruptedArtifactException ce) {
                    throw ce;
                }
                throw e;
            }
            done = true;
        } finally {
            if (!done) {
                failed.set(true);
            }
        }
        MethodHandle ctor = MethodHandles.publicLookup().findConstructor(main, MethodType.methodType(void.class, Instance.class));
        Function<Instance, Machine> factory = inst -> {
            try {
                return (Machine) ctor.invoke(inst);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        };
        return new LoadedArtifact(module, factory);
    }

    /** Thrown through {@code verify}, a Runnable, and turned back into a checked exception. */
    private static final class ChecksumMismatch extends RuntimeException {
        ChecksumMismatch(String message) {
            super(message);
        }
    }

    private static <T> CompletableFuture<T> async(String name, Supplier<T> work) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(work.get());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return f;
    }

    /** The value, or the work's own exception (not wrapped) when it threw one unchecked. */
    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof CompletionException inner) {
                throw inner;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /** Defines the artifact's classes on demand; everything else comes from the wasm runtime. */
    static final class ArtifactClassLoader extends ClassLoader {
        private final Map<String, byte[]> classes;

        ArtifactClassLoader(Map<String, byte[]> classes, ClassLoader parent) {
            super("pvf-artifact", parent);
            this.classes = classes;
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] b = classes.get(name);
            if (b == null) {
                throw new ClassNotFoundException(name);
            }
            return defineClass(name, b, 0, b.length);
        }
    }
}
