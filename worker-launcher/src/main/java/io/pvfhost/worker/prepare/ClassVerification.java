package io.pvfhost.worker.prepare;

import com.dylibso.chicory.runtime.Instance;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Has this JVM verify every class of a compiled artifact while it is prepared, as an execute
 * worker would when it defines them: execute workers then run with the JVM's verifier off for
 * loaded classes (see {@code WorkerKind.EXECUTE}) and define the artifact's classes without
 * verifying them again. The bytes the execute worker defines are the bytes verified here: the
 * artifact's checksum pins the head, the head pins each class's SHA-256, and each class is hashed
 * before it is defined. The same argument as a class data sharing archive's, whose classes the JVM
 * verifies when it writes the archive and not when it maps them.
 *
 * <p>A class the verifier refuses (a compiler bug the wasm reached) fails the preparation with a
 * {@code Preparation} error, deterministic and stored, instead of a job error at every execution.
 */
final class ClassVerification {
    private ClassVerification() {}

    /**
     * Defines and verifies every class in a throwaway loader whose parent is the wasm runtime's, as
     * the execute worker's loader. A class is linked, and so verified, by asking for its fields:
     * HotSpot links a class before it lists its members, and does not initialise it, so no code of
     * the class runs here (Chicory's shaded helper class has a static initialiser).
     * {@code ClassVerificationTest} checks both on the JDK it runs on.
     * The classes are verified on {@code pool}'s threads when there is one (coretime's 55 classes
     * took a prepare worker 200-300 ms on one thread, 204-257 ms on two); the error is the first
     * class refused in name order whatever the threads did.
     *
     * @throws Preparation.CompilationException naming the class refused
     */
    static void verify(Map<String, byte[]> classes, ExecutorService pool) {
        Loader loader = new Loader(classes);
        List<String> names = new ArrayList<>(new TreeSet<>(classes.keySet()));
        if (pool == null) {
            for (String name : names) {
                verifyOne(loader, name);
            }
            return;
        }
        List<Future<?>> futures = new ArrayList<>(names.size());
        for (String name : names) {
            futures.add(pool.submit(() -> verifyOne(loader, name)));
        }
        try {
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            if (e.getCause() instanceof Preparation.CompilationException ce) {
                throw ce;
            }
            // anything else as it would leave the calling thread, so that the error's kind does not
            // depend on the thread count (the heap running out stays transient: Preparation.classify)
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt(); // the job is over its time: nobody waits for this answer
            throw new Preparation.CompilationException("interrupted", e);
        }
    }

    /** Same as {@link #verify(Map, ExecutorService)} on the calling thread. */
    static void verify(Map<String, byte[]> classes) {
        verify(classes, null);
    }

    private static void verifyOne(Loader loader, String name) {
        if (Thread.currentThread().isInterrupted()) {
            throw new Preparation.CompilationException("interrupted", null); // the job is over its time
        }
        try {
            Class.forName(name, false, loader).getDeclaredFields();
        } catch (LinkageError | ClassNotFoundException e) {
            throw new Preparation.CompilationException("generated class " + name + " fails the JVM's verification: " + e, e);
        }
    }

    /** Defines the given classes, and only them; everything else comes from the wasm runtime's loader. */
    private static final class Loader extends ClassLoader {
        static {
            registerAsParallelCapable(); // classes are defined from several threads at once
        }

        private final Map<String, byte[]> classes;

        Loader(Map<String, byte[]> classes) {
            super("pvf-verify", Instance.class.getClassLoader());
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
