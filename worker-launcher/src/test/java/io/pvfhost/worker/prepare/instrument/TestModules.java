package io.pvfhost.worker.prepare.instrument;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportMemory;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.runtime.TrapException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionBody;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.Instruction;
import com.dylibso.chicory.wasm.types.MemoryImport;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/** Test modules (committed .wasm built from the .wat beside them) and Chicory helpers. */
final class TestModules {
    /** The native stack the reference gives the execution thread (256 MiB). */
    static final long BIG_STACK = 256L << 20;

    private TestModules() {}

    /** The committed binary of {@code src/test/resources/instrument/NAME.wat}. */
    static byte[] wasm(String name) {
        String resource = "/instrument/" + name + ".wasm";
        try (InputStream in = TestModules.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Optional<Path> wat2wasm() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, "wat2wasm");
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    static Instance interpreted(WasmModule module) {
        return Instance.builder(module).build();
    }

    static Function<Instance, Machine> compiler(WasmModule module) {
        return MachineFactoryCompiler.compile(module);
    }

    static Instance compiled(WasmModule module, Function<Instance, Machine> machines) {
        return Instance.builder(module).withMachineFactory(machines).build();
    }

    /** Runs on a new thread with the reference's 256 MiB native stack and returns its result. */
    static <T> T onBigStack(Callable<T> work) {
        AtomicReference<Object> out = new AtomicReference<>();
        Thread t = new Thread(null, () -> {
            try {
                out.set(work.call());
            } catch (Throwable e) {
                out.set(new Failure(e));
            }
        }, "big-stack", BIG_STACK);
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (out.get() instanceof Failure f) {
            if (f.error instanceof RuntimeException re) {
                throw re;
            }
            if (f.error instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(f.error);
        }
        @SuppressWarnings("unchecked")
        T result = (T) out.get();
        return result;
    }

    private record Failure(Throwable error) {}

    /** What a call did: returned a value, or trapped with an {@code unreachable}. */
    record Outcome(Long value, String trap) {
        static Outcome of(Callable<long[]> call) {
            try {
                return new Outcome(call.call()[0], null);
            } catch (TrapException e) {
                return new Outcome(null, e.getMessage());
            } catch (Exception e) {
                throw new IllegalStateException("unexpected failure", e);
            }
        }

        boolean trapped() {
            return trap != null;
        }
    }

    /** Instantiates a module whose imports are trapping functions and fresh memories. */
    static Instance instantiateWithStubs(WasmModule module) {
        ImportValues.Builder imports = ImportValues.builder();
        for (int i = 0; i < module.importSection().importCount(); i++) {
            Import imp = module.importSection().getImport(i);
            if (imp.importType() == ExternalType.FUNCTION) {
                FunctionType type = module.typeSection().getType(((FunctionImport) imp).typeIndex());
                String name = imp.name();
                imports.addFunction(new HostFunction(imp.module(), name, type, (inst, args) -> {
                    throw new TrapException("stub " + name);
                }));
            } else if (imp.importType() == ExternalType.MEMORY) {
                MemoryLimits declared = ((MemoryImport) imp).limits();
                long max = Math.max(declared.initialPages(), 2080);
                imports.addMemory(new ImportMemory(imp.module(), imp.name(),
                        new ByteArrayMemory(new MemoryLimits(declared.initialPages(), (int) max))));
            }
        }
        return Instance.builder(module).withImportValues(imports.build()).withInitialize(false).build();
    }

    /** An instruction as opcode and operands, without its address. */
    record Op(String opcode, List<Long> operands) {
        static Op of(Instruction i) {
            List<Long> ops = new ArrayList<>();
            for (long o : i.operands()) {
                ops.add(o);
            }
            return new Op(i.opcode().name(), ops);
        }

        @Override
        public String toString() {
            return operands.isEmpty() ? opcode : opcode + " " + operands;
        }
    }

    static List<Op> ops(List<? extends Instruction> instructions) {
        return instructions.stream().map(Op::of).toList();
    }

    static List<Op> body(WasmModule m, int definedIndex) {
        return ops(m.codeSection().getFunctionBody(definedIndex).instructions());
    }

    /**
     * Asserts that two modules have the same imports, functions (type, locals, instructions),
     * globals, exports, start function and table elements; type indices and byte layout may differ.
     */
    static void assertSameModule(WasmModule expected, WasmModule actual) {
        assertEquals(expected.importSection().importCount(), actual.importSection().importCount(), "imports");
        int imported = expected.importSection().count(ExternalType.FUNCTION);
        int n = expected.functionSection().functionCount();
        assertEquals(n, actual.functionSection().functionCount(), "defined functions");
        for (int i = 0; i < n; i++) {
            int index = imported + i;
            assertEquals(expected.functionSection().getFunctionType(i, expected.typeSection()),
                    actual.functionSection().getFunctionType(i, actual.typeSection()), "type of function " + index);
            FunctionBody e = expected.codeSection().getFunctionBody(i);
            FunctionBody a = actual.codeSection().getFunctionBody(i);
            assertEquals(e.localTypes(), a.localTypes(), "locals of function " + index);
            assertEquals(ops(e.instructions()), ops(a.instructions()), "instructions of function " + index);
        }
        assertEquals(expected.globalSection().globalCount(), actual.globalSection().globalCount(), "globals");
        for (int i = 0; i < expected.globalSection().globalCount(); i++) {
            var e = expected.globalSection().getGlobal(i);
            var a = actual.globalSection().getGlobal(i);
            assertEquals(e.valueType(), a.valueType(), "type of global " + i);
            assertEquals(e.mutabilityType(), a.mutabilityType(), "mutability of global " + i);
            assertEquals(ops(e.initInstructions()), ops(a.initInstructions()), "init of global " + i);
        }
        assertEquals(expected.exportSection().exportCount(), actual.exportSection().exportCount(), "exports");
        for (int i = 0; i < expected.exportSection().exportCount(); i++) {
            var e = expected.exportSection().getExport(i);
            var a = actual.exportSection().getExport(i);
            assertEquals(e.name(), a.name(), "name of export " + i);
            assertEquals(e.exportType(), a.exportType(), "kind of export " + e.name());
            assertEquals(e.index(), a.index(), "index of export " + e.name());
        }
        assertEquals(expected.startSection().map(s -> s.startIndex()), actual.startSection().map(s -> s.startIndex()), "start");
        assertEquals(expected.elementSection().elementCount(), actual.elementSection().elementCount(), "element segments");
        for (int i = 0; i < expected.elementSection().elementCount(); i++) {
            var e = expected.elementSection().getElement(i);
            var a = actual.elementSection().getElement(i);
            assertEquals(e.getClass(), a.getClass(), "kind of element segment " + i);
            assertEquals(e.initializers().stream().map(TestModules::ops).toList(),
                    a.initializers().stream().map(TestModules::ops).toList(), "element segment " + i);
        }
        assertArrayEquals(customSectionNames(expected), customSectionNames(actual), "custom sections");
    }

    private static String[] customSectionNames(WasmModule m) {
        return m.customSections().stream().map(c -> c.name()).toArray(String[]::new);
    }

    static WasmModule parse(byte[] wasm) {
        return Parser.parse(wasm);
    }

    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            sb.append(String.format("%02x", x));
        }
        return sb.toString();
    }

    static byte[] concat(byte[]... parts) {
        int n = Arrays.stream(parts).mapToInt(p -> p.length).sum();
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
