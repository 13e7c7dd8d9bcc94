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
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Set;
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
 * <p>{@link #read} verifies the artifact's head (module image and class table, with each class's
 * SHA-256) against the checksum recorded when it was written before it uses anything of it, and
 * each class against its SHA-256, then the bytecode guard, just before the class is defined: a
 * first call defines only the classes it reaches (8 of coretime's 55), so a load reads, hashes
 * and checks a fraction of the file: the head at once, each class from the open file when it is
 * defined ({@link ArtifactFile#open}). The module image is decoded on another thread meanwhile; its decoder is
 * made for untrusted input, and nothing reaches a class loader unverified. A class found corrupt
 * during a call ends that call with {@link RejectedClassError}, which the worker reports as a
 * corrupted artifact.
 */
public final class LoadedArtifact {
    /** Far above the largest runtime's 8.7 MiB: a bigger file is refused before anything of it is read. */
    static final long MAX_FILE_BYTES = 256L << 20;
    private final WasmModule module;
    private final Function<Instance, Machine> machineFactory;
    private final Runnable closeFile;

    private LoadedArtifact(WasmModule module, Function<Instance, Machine> machineFactory, Runnable closeFile) {
        this.module = module;
        this.machineFactory = machineFactory;
        this.closeFile = closeFile;
    }

    /**
     * Closes the artifact's file (kept open to read classes when first defined): call it when the
     * artifact will not run again. A class first needed afterwards is refused as corrupted.
     */
    public void close() {
        closeFile.run();
    }

    public WasmModule module() {
        return module;
    }

    public Function<Instance, Machine> machineFactory() {
        return machineFactory;
    }

    /**
     * A class of the artifact did not match its checksum or failed the bytecode guard when it was
     * to be defined. An Error, so that no handler for the wasm program's own exceptions takes it
     * for a trap; the cause is a {@link CorruptedArtifactException} or a
     * {@link BytecodeGuard.RejectedBytecodeException}.
     */
    public static final class RejectedClassError extends LinkageError {
        RejectedClassError(String name, Exception cause) {
            super("artifact class " + name + " refused: " + cause.getMessage(), cause);
        }
    }

    /** The {@link RejectedClassError} in {@code t}'s causes, if any (a caller may have wrapped it). */
    public static RejectedClassError rejectedIn(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof RejectedClassError r) {
                return r;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }

    /**
     * Reads the artifact file, verifies its head against the checksum recorded when it was written,
     * and loads it. A mismatch, an error artifact, undecodable content or a main class that fails
     * its own checks is a {@link CorruptedArtifactException}.
     */
    public static LoadedArtifact read(Path path, byte[] expectedChecksum) throws IOException, CorruptedArtifactException,
            BytecodeGuard.RejectedBytecodeException, ReflectiveOperationException {
        ArtifactFile.Lazy lazy;
        try {
            lazy = ArtifactFile.open(path, MAX_FILE_BYTES); // the head now, each class when it is defined
        } catch (CorruptedArtifactException e) {
            // a file that is not what was written says so first
            if (!MessageDigest.isEqual(ArtifactFile.checksum(ArtifactFile.readAtMost(path, MAX_FILE_BYTES)), expectedChecksum)) {
                throw mismatch(path);
            }
            throw e;
        }
        // decoded while the head is hashed; stops early when this load fails (a forged file must
        // not keep a thread filling the heap)
        AtomicBoolean failed = new AtomicBoolean();
        boolean done = false;
        try {
            CompletableFuture<WasmModule> image = async("pvf-image-decode", () -> {
                try {
                    return ModuleImage.decode(lazy.moduleImage(), failed::get);
                } catch (CorruptedArtifactException e) {
                    throw new CompletionException(e);
                }
            });
            if (!MessageDigest.isEqual(lazy.headChecksum(), expectedChecksum)) {
                throw mismatch(path);
            }
            Set<String> names = lazy.classNames();
            LoadedArtifact a = define(lazy.mainClass(), name -> {
                byte[] b = lazy.classBytes(name);
                BytecodeGuard.checkOne(name, b, names);
                return b;
            }, names, image, lazy::close);
            done = true;
            return a;
        } finally {
            if (!done) {
                failed.set(true);
                lazy.close();
            }
        }
    }

    private static CorruptedArtifactException mismatch(Path path) {
        return new CorruptedArtifactException("artifact checksum mismatch: " + path.getFileName());
    }

    /** Loads content whose checksum the caller has verified (tests and the bench). */
    public static LoadedArtifact load(ArtifactContent.Compiled c)
            throws ReflectiveOperationException, BytecodeGuard.RejectedBytecodeException, CorruptedArtifactException {
        BytecodeGuard.check(c.classes());
        CompletableFuture<WasmModule> image = CompletableFuture.completedFuture(ModuleImage.decode(c.moduleImage()));
        return define(c.mainClass(), name -> c.classes().get(name), c.classes().keySet(), image, () -> { });
    }

    /** Where the loader gets a class's bytes from, verified: or an exception saying why not. */
    interface ClassSource {
        byte[] verifiedBytes(String name) throws CorruptedArtifactException, BytecodeGuard.RejectedBytecodeException;
    }

    private static LoadedArtifact define(String mainClass, ClassSource source, Set<String> names,
            CompletableFuture<WasmModule> image, Runnable closeFile)
            throws ReflectiveOperationException, BytecodeGuard.RejectedBytecodeException, CorruptedArtifactException {
        var loader = new ArtifactClassLoader(source, names, Instance.class.getClassLoader());
        Class<?> main;
        try {
            // initialize (and so verify) the main class now, not in the first call
            main = Class.forName(mainClass, true, loader);
        } catch (RejectedClassError e) {
            if (e.getCause() instanceof CorruptedArtifactException ce) {
                throw ce;
            }
            throw (BytecodeGuard.RejectedBytecodeException) e.getCause();
        }
        if (!Machine.class.isAssignableFrom(main)) {
            throw new ClassCastException(mainClass + " is not a Machine");
        }
        WasmModule module;
        try {
            module = join(image);
        } catch (CompletionException e) {
            if (e.getCause() instanceof CorruptedArtifactException ce) {
                throw ce;
            }
            throw e;
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
        return new LoadedArtifact(module, factory, closeFile);
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

    /** Defines the artifact's classes on demand, each verified first; everything else comes from the wasm runtime. */
    static final class ArtifactClassLoader extends ClassLoader {
        private final ClassSource source;
        private final Set<String> names;

        ArtifactClassLoader(ClassSource source, Set<String> names, ClassLoader parent) {
            super("pvf-artifact", parent);
            this.source = source;
            this.names = names;
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            if (!names.contains(name)) {
                throw new ClassNotFoundException(name);
            }
            byte[] b;
            try {
                b = source.verifiedBytes(name);
            } catch (CorruptedArtifactException | BytecodeGuard.RejectedBytecodeException e) {
                throw new RejectedClassError(name, e);
            }
            return defineClass(name, b, 0, b.length);
        }
    }
}
