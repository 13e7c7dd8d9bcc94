package io.pvfhost.worker.prepare;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.internal.ByteClassCollector;
import com.dylibso.chicory.compiler.internal.Compiler;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.CodeSection;
import com.dylibso.chicory.wasm.types.FunctionBody;
import io.pvfhost.worker.artifact.ModuleImage;
import com.dylibso.chicory.wasm.types.ExternalType;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds the functions too big for one JVM method before the real compilation, so that it runs
 * once. Chicory's compiler finds them itself, but each one it finds restarts the whole
 * compilation from the first function: coretime's three took its compile from 1.8 s to 4.5 s
 * (warm, JDK 17), 2.5 times the work; with this guess (1.8 s of it) it takes 2.9 s.
 *
 * <p>Only big functions can be too big, so a copy of the module keeps the bodies of the classes
 * (groups of {@code functionsPerClass} functions, as the compiler makes them) that hold a function
 * over {@link #CANDIDATE_INSTRUCTIONS} instructions and gives every other function an
 * {@code unreachable} body; compiling that copy costs those classes plus a few thousand tiny
 * methods, restarts included. A kept class compiles to the same bytecode in the copy as in the real
 * compilation, so the copy fails on the same functions. The guess is checked: the real compilation
 * is told these functions and fails, rather than guessing on, if another one does not fit;
 * {@link Preparation} then compiles the slow way.
 */
final class TooLargeFunctions {
    /**
     * Bodies below this never came near the limit in the corpus (the smallest too big had 22 500
     * instructions, the largest that fit 21 700). Lower costs compile time (more classes kept in
     * the copy); higher risks a miss, which costs a slow compilation.
     */
    static final int CANDIDATE_INSTRUCTIONS = 12_000;

    private TooLargeFunctions() {}

    /** Indices (in the function index space) of the functions that will not fit, found on a reduced copy. */
    static Set<Integer> guess(WasmModule module, String className, int functionsPerClass) {
        CodeSection code = module.codeSection();
        int imported = module.importSection().count(ExternalType.FUNCTION);
        // every function of a candidate's class: its constant pool, which the other functions of the
        // class share, decides the width of some instructions (ldc or ldc_w), so only a whole class
        // has the same bytecode in the copy as in the real compilation
        Set<Integer> keptGroups = new HashSet<>();
        for (int i = 0; i < code.functionBodyCount(); i++) {
            if (code.getFunctionBody(i).instructions().size() > CANDIDATE_INSTRUCTIONS) {
                keptGroups.add((imported + i) / functionsPerClass);
            }
        }
        if (keptGroups.isEmpty()) {
            return Set.of();
        }
        CodeSection.Builder reduced = CodeSection.builder().setRequiresDataCount(code.isRequiresDataCount());
        FunctionBody stub = ModuleImage.stub();
        for (int i = 0; i < code.functionBodyCount(); i++) {
            boolean kept = keptGroups.contains((imported + i) / functionsPerClass);
            reduced.addFunctionBody(kept ? code.getFunctionBody(i) : stub);
        }
        WasmModule.Builder b = WasmModule.builder().withValidation(false)
                .setTypeSection(module.typeSection())
                .setImportSection(module.importSection())
                .setFunctionSection(module.functionSection())
                .setTableSection(module.tableSection())
                .setGlobalSection(module.globalSection())
                .setExportSection(module.exportSection())
                .setElementSection(module.elementSection())
                .setCodeSection(reduced.build())
                .setDataSection(module.dataSection());
        module.memorySection().ifPresent(b::setMemorySection);
        module.startSection().ifPresent(b::setStartSection);
        module.dataCountSection().ifPresent(b::setDataCountSection);
        var result = Compiler.builder(b.build())
                .withClassName(className)
                .withInterpreterFallback(InterpreterFallback.SILENT)
                .withMaxFunctionsPerClass(functionsPerClass)
                .withClassCollectorFactory(ByteClassCollector::new)
                .build()
                .compile();
        // sorted: the compiler writes the set's iteration order into the main class, and the order
        // of Set.copyOf (what it returns) changes from JVM to JVM
        return result.interpretedFunctions() == null ? Set.of() : new TreeSet<>(result.interpretedFunctions());
    }
}
