package io.pvfhost.worker.prepare;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.internal.ByteClassCollector;
import com.dylibso.chicory.compiler.internal.Compiler;
import com.dylibso.chicory.compiler.internal.CompilerResult;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.CodeSection;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.AnnotatedInstruction;
import com.dylibso.chicory.wasm.types.FunctionBody;
import com.dylibso.chicory.wasm.types.Instruction;
import com.dylibso.chicory.wasm.types.OpCode;
import io.pvfhost.worker.artifact.ModuleImage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Compiles a module on several threads to exactly the classes one Chicory compilation of the whole
 * module gives, and finds the functions too big for a JVM method without restarting the whole
 * compilation for each.
 *
 * <p>Chicory's compiler puts functions in classes of {@code functionsPerClass} ("groups"). A group's
 * class depends only on its own functions' bodies, on which of them run in the interpreter, and on
 * the module's declarations (types, imports, globals, tables, memory); a call to another function
 * is a static call by name. So the groups are split into <em>units</em>; each unit compiles a copy
 * of the module whose other functions have an {@code unreachable} body, and keeps its own groups'
 * classes. A last copy of only stubs gives the classes that depend on which functions run in the
 * interpreter (the main class and the dispatch classes): it is told them when there are at most
 * {@link #TOLD_AT_MOST}; with more, they get bodies too big for the JVM, so that the compiler
 * finds them one by one, as one compilation of the module does, and orders its set of them the
 * same way on every JDK.
 *
 * <p>Chicory restarts a compilation from the first function each time it finds a function that
 * does not fit (coretime has three: 2.5x the work). Here the restart stays in its unit, and every
 * group holding a body over {@link #ALONE_INSTRUCTIONS} (the likely ones) is a unit of its own.
 *
 * <p>The units depend on the module only, never on the number of threads. Should a unit end in a
 * different set of classes than the whole (Chicory halves its group size when a class is too
 * large), or a unit fail, the module is compiled the plain way, whose result or error is then the
 * answer: the same on every machine. A test compares both ways, class by class, on every runtime
 * of the corpus.
 */
final class ParallelCompiler {
    /**
     * A group holding a body over this many instructions is a unit alone: in the corpus the
     * smallest body too big for a JVM method had 22 500 instructions (the largest that fit, 21 700),
     * and a unit that finds one compiles its groups again. It decides only how work is split.
     */
    static final int ALONE_INSTRUCTIONS = 20_000;
    /**
     * Units for the other groups. More units balance threads better, but each costs a compilation
     * of every other function's stub (about 35 ms for coretime's 3 155 functions). Measured on
     * coretime (docs/PREPARATION.md): 1 to 3 units of them and thresholds of 16 000 to 20 000 were
     * within the noise of each other; 4 units and a threshold of 12 000 were slower by a third.
     */
    static final int OTHER_UNITS = 2;
    /**
     * Up to this many functions left to the interpreter, the last compilation is told them: a
     * HashSet copied from 7 elements has the table of one filled one by one (16 slots, on JDK 17
     * and 25 alike) and no bin of 8, so it iterates in the same order.
     */
    static final int TOLD_AT_MOST = 7;
    /** Below this many instructions in all, one plain compilation is cheaper than splitting. */
    static final long PARALLEL_MIN_INSTRUCTIONS = 200_000;

    /** The classes of a compilation (binary names) and the functions left to the interpreter. */
    record Result(Map<String, byte[]> classes, SortedSet<Integer> interpreted, int units) {}

    /** Groups compiled together in one copy of the module. */
    record Unit(List<Integer> groups, long instructions) {}

    private ParallelCompiler() {}

    /**
     * Compiles {@code module}; with {@code pool} null every unit runs on the calling thread. The
     * classes are the same either way and with any number of threads.
     */
    static Result compile(WasmModule module, String className, int functionsPerClass, ExecutorService pool)
            throws InterruptedException {
        return compile(module, className, functionsPerClass, pool, PARALLEL_MIN_INSTRUCTIONS);
    }

    /** As {@link #compile(WasmModule, String, int, ExecutorService)}, splitting from {@code minInstructions} on (tests). */
    static Result compile(WasmModule module, String className, int functionsPerClass, ExecutorService pool,
            long minInstructions) throws InterruptedException {
        List<Unit> units = plan(module, functionsPerClass, minInstructions);
        if (units.size() <= 1) {
            return plain(module, className, functionsPerClass);
        }
        UnitResult[] results = new UnitResult[units.size()];
        Throwable failure = null;
        if (pool == null) {
            for (int i = 0; i < units.size() && failure == null; i++) {
                try {
                    results[i] = compileUnit(module, className, functionsPerClass, units.get(i));
                } catch (RuntimeException e) {
                    failure = e;
                }
            }
        } else {
            // longest first, so that no thread starts a long unit at the end
            Integer[] order = new Integer[units.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(order, (a, b) -> Long.compare(units.get(b).instructions(), units.get(a).instructions()));
            Map<Integer, Future<UnitResult>> futures = new HashMap<>();
            try {
                for (int i : order) {
                    Unit u = units.get(i);
                    futures.put(i, pool.submit(() -> compileUnit(module, className, functionsPerClass, u)));
                }
                // every unit waited for, also after a failure: Chicory never looks at interrupts, so
                // a unit left running would go on beside the plain compilation, or into the next job
                for (int i = 0; i < results.length; i++) {
                    try {
                        results[i] = futures.get(i).get();
                    } catch (ExecutionException e) {
                        failure = failure == null ? e.getCause() : failure;
                    }
                }
            } finally {
                futures.values().forEach(f -> f.cancel(true)); // only when interrupted: the worker is going away
            }
        }
        if (failure instanceof Error error) {
            throw error; // out of memory, stack overflow: the job fails as the plain compilation would
        }
        if (failure != null) {
            // an error of Chicory's in a unit: the plain compilation decides what the answer is
            return plain(module, className, functionsPerClass);
        }
        SortedSet<Integer> interpreted = new TreeSet<>();
        for (UnitResult r : results) {
            interpreted.addAll(r.interpreted());
        }
        Map<String, byte[]> classes;
        try {
            // every function a stub. The main class holds the interpreted functions in the order of
            // the compiler's HashSet, which one compilation fills one by one in ascending order.
            // Told a set, the compiler copies it: the same order while it has at most
            // TOLD_AT_MOST elements (same table size, no bin turned into a tree, on every JDK).
            // With more, the functions get bodies too big for the JVM and the compiler finds them
            // one by one itself (a pass over the stubs each).
            CompilerResult last = interpreted.size() <= TOLD_AT_MOST
                    ? compileCopy(module, className, functionsPerClass, Set.of(), Set.of(), interpreted)
                    : compileCopy(module, className, functionsPerClass, Set.of(), interpreted, null);
            if (!interpreted.equals(last.interpretedFunctions() == null ? Set.of() : last.interpretedFunctions())) {
                return plain(module, className, functionsPerClass);
            }
            classes = names(last);
        } catch (RuntimeException e) {
            return plain(module, className, functionsPerClass);
        }
        for (UnitResult r : results) {
            if (!r.names().equals(classes.keySet())) {
                return plain(module, className, functionsPerClass); // the compiler split classes otherwise
            }
            classes.putAll(r.ownClasses());
        }
        return new Result(Collections.unmodifiableMap(classes), Collections.unmodifiableSortedSet(interpreted), units.size());
    }

    /** What a unit contributes: its own groups' classes, the names of all classes, its functions left to the interpreter. */
    private record UnitResult(Map<String, byte[]> ownClasses, Set<String> names, Set<Integer> interpreted) {}

    /** One Chicory compilation of the whole module, finding the functions too big itself. */
    static Result plain(WasmModule module, String className, int functionsPerClass) {
        CompilerResult r = compiler(module, className, functionsPerClass)
                .withInterpreterFallback(InterpreterFallback.SILENT)
                .build()
                .compile();
        SortedSet<Integer> interpreted = r.interpretedFunctions() == null ? new TreeSet<>() : new TreeSet<>(r.interpretedFunctions());
        return new Result(Collections.unmodifiableMap(names(r)), Collections.unmodifiableSortedSet(interpreted), 1);
    }

    /**
     * The units of a module: each group holding a body over {@link #ALONE_INSTRUCTIONS} alone (its
     * restart stays small), the other groups in {@link #OTHER_UNITS} runs of about equal instruction
     * counts, in group order.
     */
    static List<Unit> plan(WasmModule module, int functionsPerClass, long minInstructions) {
        CodeSection code = module.codeSection();
        int imported = module.importSection().count(ExternalType.FUNCTION);
        int total = imported + code.functionBodyCount();
        int groups = (total + functionsPerClass - 1) / functionsPerClass;
        long[] cost = new long[groups];
        boolean[] candidate = new boolean[groups];
        long all = 0;
        for (int f = 0; f < total; f++) {
            int n = f < imported ? 1 : code.getFunctionBody(f - imported).instructions().size();
            int g = f / functionsPerClass;
            cost[g] += n;
            candidate[g] |= n > ALONE_INSTRUCTIONS;
            all += n;
        }
        if (all < minInstructions || outsideTheSplit(module)) {
            return List.of(new Unit(range(0, groups), all));
        }
        List<Unit> units = new ArrayList<>();
        long others = 0;
        for (int g = 0; g < groups; g++) {
            if (candidate[g]) {
                units.add(new Unit(List.of(g), cost[g]));
            } else {
                others += cost[g];
            }
        }
        long share = Math.max(1, (others + OTHER_UNITS - 1) / OTHER_UNITS);
        List<Integer> run = new ArrayList<>();
        long runCost = 0;
        for (int g = 0; g < groups; g++) {
            if (candidate[g]) {
                continue;
            }
            run.add(g);
            runCost += cost[g];
            if (runCost >= share) {
                units.add(new Unit(List.copyOf(run), runCost));
                run.clear();
                runCost = 0;
            }
        }
        if (!run.isEmpty()) {
            units.add(new Unit(List.copyOf(run), runCost));
        }
        return List.copyOf(units);
    }

    /**
     * Modules whose classes could depend on what the copies leave out: tags (exceptions), and
     * {@code call_ref}, whose types Chicory collects from every body. Prevalidation lets neither
     * through today; should it one day, such modules compile the plain way.
     */
    private static boolean outsideTheSplit(WasmModule module) {
        if (module.tagSection().isPresent()) {
            return true;
        }
        CodeSection code = module.codeSection();
        for (int i = 0; i < code.functionBodyCount(); i++) {
            for (AnnotatedInstruction ins : code.getFunctionBody(i).instructions()) {
                if (ins.opcode() == OpCode.CALL_REF || ins.opcode() == OpCode.RETURN_CALL_REF) {
                    return true;
                }
            }
        }
        return false;
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> r = new ArrayList<>();
        for (int i = from; i < to; i++) {
            r.add(i);
        }
        return r;
    }

    private static Set<Integer> functionsOf(Unit u, int imported, int bodies, int functionsPerClass) {
        Set<Integer> own = new TreeSet<>();
        for (int g : u.groups()) {
            for (int f = g * functionsPerClass; f < Math.min((g + 1) * functionsPerClass, imported + bodies); f++) {
                own.add(f);
            }
        }
        return own;
    }

    private static UnitResult compileUnit(WasmModule module, String className, int functionsPerClass, Unit unit) {
        CompilerResult r = compileCopy(module, className, functionsPerClass, Set.copyOf(unit.groups()), Set.of(), null);
        Map<String, byte[]> all = names(r);
        Set<Integer> interpreted = r.interpretedFunctions() == null ? Set.of() : r.interpretedFunctions();
        int imported = module.importSection().count(ExternalType.FUNCTION);
        Set<Integer> own = functionsOf(unit, imported, module.codeSection().functionBodyCount(), functionsPerClass);
        if (!own.containsAll(interpreted)) {
            throw new IllegalStateException("a stub did not fit a JVM method"); // never expected: the plain way decides
        }
        Map<String, byte[]> ownClasses = new HashMap<>();
        for (int g : unit.groups()) {
            String name = groupClassName(className, g);
            byte[] b = all.get(name);
            if (b == null) {
                throw new IllegalStateException("no class " + name); // the compiler split classes otherwise
            }
            ownClasses.put(name, b);
        }
        return new UnitResult(ownClasses, Set.copyOf(all.keySet()), Set.copyOf(interpreted));
    }

    /**
     * Compiles a copy of {@code module} that keeps the bodies of {@code keptGroups}, gives the
     * functions of {@code tooBig} a body that does not fit a JVM method, and every other function an
     * {@code unreachable} body. With {@code told} null the compiler finds the functions that do not
     * fit itself; else it is told them (and fails on any other: never, as stubs fit).
     */
    private static CompilerResult compileCopy(WasmModule module, String className, int functionsPerClass,
            Set<Integer> keptGroups, Set<Integer> tooBig, SortedSet<Integer> told) {
        CodeSection code = module.codeSection();
        int imported = module.importSection().count(ExternalType.FUNCTION);
        CodeSection.Builder reduced = CodeSection.builder().setRequiresDataCount(code.isRequiresDataCount());
        FunctionBody stub = ModuleImage.stub();
        FunctionBody huge = tooBig.isEmpty() ? null : tooBigBody();
        for (int i = 0; i < code.functionBodyCount(); i++) {
            FunctionBody body = stub;
            if (keptGroups.contains((imported + i) / functionsPerClass)) {
                body = code.getFunctionBody(i);
            } else if (tooBig.contains(imported + i)) {
                body = huge;
            }
            reduced.addFunctionBody(body);
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
        Compiler.Builder c = compiler(b.build(), className, functionsPerClass);
        if (told == null) {
            c.withInterpreterFallback(InterpreterFallback.SILENT);
        } else {
            c.withInterpreterFallback(InterpreterFallback.FAIL);
            if (!told.isEmpty()) {
                c.withInterpretedFunctions(told);
            }
        }
        return c.build().compile();
    }

    /**
     * A body far too big for a JVM method that compiles fast: 30 000 x (i32.const 1000000; drop),
     * then {@code unreachable}, which fits any function type (about 90 KB of bytecode, over 64 KiB).
     */
    private static FunctionBody tooBigBody() {
        List<AnnotatedInstruction> out = new ArrayList<>();
        int at = 0;
        for (int i = 0; i < 30_000; i++) {
            out.add(AnnotatedInstruction.builder().from(new Instruction(at++, OpCode.I32_CONST, new long[] {1_000_000})).withDepth(0).build());
            out.add(AnnotatedInstruction.builder().from(new Instruction(at++, OpCode.DROP, Instruction.EMPTY_OPERANDS)).withDepth(0).build());
        }
        out.add(AnnotatedInstruction.builder().from(new Instruction(at++, OpCode.UNREACHABLE, Instruction.EMPTY_OPERANDS)).withDepth(0).build());
        Instruction end = new Instruction(at, OpCode.END, Instruction.EMPTY_OPERANDS);
        out.add(AnnotatedInstruction.builder().from(end).withDepth(0).withScope(end).build());
        return new FunctionBody(List.of(), out);
    }

    private static Compiler.Builder compiler(WasmModule module, String className, int functionsPerClass) {
        return Compiler.builder(module)
                .withClassName(className)
                .withMaxFunctionsPerClass(functionsPerClass)
                .withClassCollectorFactory(ByteClassCollector::new);
    }

    /** The compiler keys some classes by internal name (a/b/C): binary names (a.b.C) throughout. */
    private static Map<String, byte[]> names(CompilerResult r) {
        Map<String, byte[]> classes = new HashMap<>();
        r.classBytes().forEach((name, bytes) -> classes.put(name.replace('/', '.'), bytes));
        return classes;
    }

    static String groupClassName(String className, int group) {
        return className + "FuncGroup_" + group;
    }
}
