package io.pvfhost.worker.execute;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import io.pvfhost.artifacts.ArtifactContent;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.function.Function;

/**
 * A compiled artifact loaded into this JVM: the parsed module and a factory for the machine that
 * runs the compiled classes. The classes are defined by a loader of their own, so each artifact's
 * classes are separate and are collected with it.
 *
 * <p>Only call {@link #load} on content whose checksum was verified.
 */
public final class LoadedArtifact {
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

    public static LoadedArtifact load(ArtifactContent.Compiled c)
            throws ReflectiveOperationException, BytecodeGuard.RejectedBytecodeException {
        BytecodeGuard.check(c.classes());
        // validated when prepared; parsing again without validation keeps loading cheap
        WasmModule module = Parser.builder().withValidation(false).build().parse(() -> new java.io.ByteArrayInputStream(c.wasm()));
        var loader = new ArtifactClassLoader(c.classes(), Instance.class.getClassLoader());
        Class<?> main = loader.loadClass(c.mainClass());
        if (!Machine.class.isAssignableFrom(main)) {
            throw new ClassCastException(c.mainClass() + " is not a Machine");
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
