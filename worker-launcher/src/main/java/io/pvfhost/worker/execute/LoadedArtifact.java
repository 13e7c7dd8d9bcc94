package io.pvfhost.worker.execute;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.runtime.internal.CompilerInterpreterMachine;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionBody;
import io.pvfhost.artifacts.ArtifactContent;
import io.pvfhost.artifacts.ArtifactFile;
import io.pvfhost.artifacts.CorruptedArtifactException;
import io.pvfhost.worker.artifact.ModuleImage;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
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
 * first call defines only the classes it reaches (12 of coretime's 55, 8 of them function groups), so a load reads, hashes
 * and checks a fraction of the file: the head at once, each class from the open file when it is
 * defined ({@link ArtifactFile#open}). The module image is decoded on another thread meanwhile; its decoder is
 * made for untrusted input, and nothing reaches a class loader unverified. A class found corrupt
 * during a call ends that call with {@link RejectedClassError}, which the worker reports as a
 * corrupted artifact.
 *
 * <p>The functions too big for a JVM method run in Chicory's interpreter from their decoded
 * instructions; reading, hashing and decoding the largest runtime's (0.8 MB, 98 000 instructions)
 * was most of a fresh worker's load, and a call may never reach them. So {@link #read} loads the
 * module with stub bodies ({@link ModuleImage#decodeStubbed}) and gives each instance an interpreter
 * ({@link DeferredBodiesMachine}) that, before it first runs anything, has the bodies read, verified
 * against their hash in the head and decoded (once per artifact) and puts them into the instance.
 * Instances made after that use the whole module.
 */
public final class LoadedArtifact {
    /** Far above the largest runtime's 8.7 MiB: a bigger file is refused before anything of it is read. */
    static final long MAX_FILE_BYTES = 256L << 20;
    /**
     * {@code Instance.functions}, the bodies an instance's interpreter runs, filled in by {@link
     * #fillIn}; null if this Chicory has no such field (every load then decodes the whole image).
     */
    private static final Field INSTANCE_FUNCTIONS = accessibleField(Instance.class, "functions", FunctionBody[].class);
    /** The stubbed module until the whole image is decoded, then the whole module. */
    private volatile WasmModule module;
    /**
     * The stubbed module, to know the instances made from it: held weakly, since once the whole
     * module is decoded only such instances keep it alive (null when nothing is deferred).
     */
    private final WeakReference<WasmModule> stubbed;
    /** The verified image, kept until the whole module is decoded from it; null when there is nothing to decode. */
    private byte[] image;
    /** Where the interpreted bodies are read from, verified; null with {@link #image}. */
    private BodiesSource bodies;
    private final int[] interpreted;
    /** The main class's constructor, (Instance) -> Machine. */
    private final MethodHandle machineConstructor;
    /** The main class's interpreter field; null when nothing is deferred. */
    private final Field interpreterField;
    private final Runnable closeFile;

    private LoadedArtifact(WasmModule module, byte[] imageToComplete, BodiesSource bodies, int[] interpreted,
            MethodHandle machineConstructor, Field interpreterField, Runnable closeFile) {
        this.module = module;
        this.stubbed = imageToComplete == null ? null : new WeakReference<>(module);
        this.image = imageToComplete;
        this.bodies = bodies;
        this.interpreted = interpreted;
        this.machineConstructor = machineConstructor;
        this.interpreterField = interpreterField;
        this.closeFile = closeFile;
    }

    /**
     * Closes the artifact's file (kept open to read classes and the interpreted bodies when first
     * needed): call it when the artifact will not run again. A class or the bodies first needed
     * afterwards are refused as corrupted.
     */
    public void close() {
        closeFile.run();
    }

    /** The module instances are made from: with stub bodies for the interpreted functions until a call first needed them. */
    public WasmModule module() {
        return module;
    }

    /** Whether the interpreted functions' bodies are decoded (or there are none). */
    public boolean bodiesDecoded() {
        return stubbed == null || module != stubbed.get();
    }

    /**
     * The whole module, decoded from the image and the interpreted bodies (read and verified now)
     * once. On the job's thread, so its CPU time is the job's, as the classes' definitions are (and
     * as the reference's job includes loading its artifact).
     */
    private synchronized WasmModule complete() {
        if (image != null) {
            try {
                module = ModuleImage.decode(image, bodies.verifiedBodies());
            } catch (CorruptedArtifactException e) {
                throw new RejectedClassError("interpreted functions' bodies", e);
            }
            image = null;
            bodies = null;
        }
        return module;
    }

    /**
     * Puts the interpreted functions' real bodies into an instance made from the stubbed module.
     * Whatever goes wrong is the artifact's fault, never a verdict: a {@link RejectedClassError}.
     */
    private void fillIn(Instance instance) {
        try {
            WasmModule whole = complete();
            int imported = whole.importSection().count(ExternalType.FUNCTION);
            FunctionBody[] functions = (FunctionBody[]) INSTANCE_FUNCTIONS.get(instance);
            for (int f : interpreted) {
                functions[f - imported] = whole.codeSection().getFunctionBody(f - imported);
            }
        } catch (IllegalAccessException | RuntimeException e) {
            throw new RejectedClassError("interpreted functions' bodies",
                    new CorruptedArtifactException("cannot put them into the instance: " + e, e));
        }
    }

    public Function<Instance, Machine> machineFactory() {
        return this::newMachine;
    }

    private Machine newMachine(Instance instance) {
        Machine m;
        try {
            m = (Machine) machineConstructor.invoke(instance);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        if (stubbed != null && instance.module() == stubbed.get()) {
            try {
                interpreterField.set(m, new DeferredBodiesMachine(instance, interpreted, this::fillIn));
            } catch (IllegalAccessException | RuntimeException e) {
                // a JVM that refuses to change a final field (JEP 500): the bodies go in now instead
                fillIn(instance);
            }
        }
        return m;
    }

    /**
     * A class of the artifact did not match its checksum or failed the bytecode guard when it was
     * to be defined, or the interpreted functions' bodies could not be read, verified or decoded
     * when a call first needed them. An Error, so that no handler for the wasm program's own
     * exceptions takes it for a trap; the cause is a {@link CorruptedArtifactException} or a
     * {@link BytecodeGuard.RejectedBytecodeException}.
     */
    public static final class RejectedClassError extends LinkageError {
        RejectedClassError(String what, Exception cause) {
            super("artifact " + what + " refused: " + cause.getMessage(), cause);
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
            CompletableFuture<ModuleImage.Stubbed> image = async("pvf-image-decode", () -> {
                try {
                    return ModuleImage.decodeStubbed(lazy.moduleImage(), failed::get);
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
            }, names, image, lazy.moduleImage(), lazy::interpretedBodies, lazy.interpretedFunctions(), lazy::close);
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
        CompletableFuture<ModuleImage.Stubbed> image = CompletableFuture.completedFuture(new ModuleImage.Stubbed(
                ModuleImage.decode(c.moduleImage(), c.interpretedBodies()), c.interpretedFunctions()));
        return define(c.mainClass(), name -> c.classes().get(name), c.classes().keySet(), image, null, null,
                c.interpretedFunctions(), () -> { });
    }

    /** Where the loader gets a class's bytes from, verified: or an exception saying why not. */
    interface ClassSource {
        byte[] verifiedBytes(String name) throws CorruptedArtifactException, BytecodeGuard.RejectedBytecodeException;
    }

    /** Where the interpreted functions' bodies come from, verified. */
    interface BodiesSource {
        byte[] verifiedBodies() throws CorruptedArtifactException;
    }

    /**
     * @param image the module and the functions its image says are interpreted; the module stubbed
     *     when {@code stubbedFrom} is the image it was decoded from (and {@code bodies} gives its
     *     interpreted bodies), whole when that is null
     */
    private static LoadedArtifact define(String mainClass, ClassSource source, Set<String> names,
            CompletableFuture<ModuleImage.Stubbed> image, byte[] stubbedFrom, BodiesSource bodies, Set<Integer> interpretedFunctions,
            Runnable closeFile)
            throws ReflectiveOperationException, BytecodeGuard.RejectedBytecodeException, CorruptedArtifactException {
        var loader = new ArtifactClassLoader(source, names, Instance.class.getClassLoader());
        Class<?> main;
        try {
            // define and initialize the main class now, not in the first call
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
            ModuleImage.Stubbed decoded = join(image);
            // the head says which functions are interpreted (the machine's list), the image which
            // bodies it holds: the two must agree, or a call could reach a stub
            if (!decoded.interpreted().equals(interpretedFunctions)) {
                throw new CorruptedArtifactException("the head lists interpreted functions " + interpretedFunctions
                        + ", the module image " + decoded.interpreted());
            }
            module = decoded.module();
        } catch (CompletionException e) {
            if (e.getCause() instanceof CorruptedArtifactException ce) {
                throw ce;
            }
            throw e;
        }
        MethodHandle ctor = MethodHandles.publicLookup().findConstructor(main, MethodType.methodType(void.class, Instance.class));
        int[] interpreted = interpretedFunctions.stream().mapToInt(Integer::intValue).sorted().toArray();
        // the compiled classes enter the interpreter through this field of the main class (Chicory 1.7.5)
        Field interpreterField = interpreted.length == 0 ? null
                : accessibleField(main, "compilerInterpreterMachine", CompilerInterpreterMachine.class);
        byte[] toComplete = stubbedFrom;
        if (toComplete != null && (interpreted.length == 0 || interpreterField == null || INSTANCE_FUNCTIONS == null)) {
            // nothing deferred, or no way to fill bodies in: the stubbed module must not run, decode it whole
            module = interpreted.length == 0 ? module : ModuleImage.decode(toComplete, bodies.verifiedBodies());
            toComplete = null;
        }
        return new LoadedArtifact(module, toComplete, bodies, interpreted, ctor, interpreterField, closeFile);
    }

    /** A declared field of the given type, made accessible; null if there is none or it cannot be. */
    private static Field accessibleField(Class<?> owner, String name, Class<?> type) {
        try {
            Field f = owner.getDeclaredField(name);
            if (f.getType() != type) {
                return null;
            }
            f.setAccessible(true);
            return f;
        } catch (NoSuchFieldException | RuntimeException e) {
            return null;
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
                throw new RejectedClassError("class " + name, e);
            }
            return defineClass(name, b, 0, b.length);
        }
    }
}
