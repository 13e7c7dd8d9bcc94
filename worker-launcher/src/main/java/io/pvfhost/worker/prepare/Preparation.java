package io.pvfhost.worker.prepare;

import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.Import;
import io.pvfhost.artifacts.ArtifactContent;
import io.pvfhost.common.Hex;
import io.pvfhost.common.blob.DecompressionException;
import io.pvfhost.common.blob.MaybeCompressed;
import io.pvfhost.common.error.PrepareError;
import io.pvfhost.common.params.ExecutorParams;
import io.pvfhost.worker.JobThreads;
import io.pvfhost.worker.artifact.ModuleImage;
import io.pvfhost.worker.prepare.instrument.InstrumentationException;
import io.pvfhost.worker.prepare.instrument.Instrumenter;
import io.pvfhost.worker.prepare.instrument.WasmFeatures;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * The preparation pipeline, without I/O: decompress, instrument (stack limit, NaN
 * canonicalisation), parse and validate, prevalidate, compile. Each phase throws its
 * own exception type so {@link #classify} can give the reference's error kind. Pure enough to call
 * in-process from tests and benchmarks; the worker adds the time limit and the file.
 */
public final class Preparation {
    /** Package of generated classes; the class name is derived from the code hash (deterministic). */
    public static final String GENERATED_PACKAGE = "io.pvfhost.generated";

    /**
     * The proposals the reference's parser accepts: the MVP only (no sign extension, no saturating
     * conversions; bulk memory only when the executor parameters enable it). Accepting more would
     * make our precheck vote differ from the reference's.
     */
    static final WasmFeatures FEATURES = WasmFeatures.REFERENCE;
    /**
     * Compiled functions per generated class (Chicory's default: 12 288, i.e. one class). The JVM
     * read, defined and verified a class whole when it was first used, so one 7 MB class made the
     * first call of the largest runtime verify all of it (250-400 ms, JDK 17); in classes of 64
     * functions a call defines only the groups it reaches (about 40 ms then), for 3 % more artifact
     * bytes. Measured in docs/PREPARATION.md; execute workers no longer verify ({@link ClassVerification}).
     */
    static final int FUNCTIONS_PER_CLASS = 64;

    private Preparation() {}

    /** The code is rejected before compiling: malformed, invalid, or outside the PVF rules. */
    public static final class PrevalidationException extends RuntimeException {
        public PrevalidationException(String message) {
            super(message);
        }

        public PrevalidationException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The compiler failed on code that passed prevalidation. */
    public static final class CompilationException extends RuntimeException {
        public CompilationException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Limits of one preparation. */
    public record Limits(long maxCodeSize, long codeBombLimit) {}

    public static ArtifactContent.Compiled prepare(byte[] blob, Limits limits, ExecutorParams params) {
        return prepareTimed(blob, limits, params).compiled();
    }

    /**
     * Wall-clock nanoseconds of each phase of one preparation, for benchmarks: decompress,
     * instrument, parse and validate (Chicory), prevalidate (our PVF rules), compile (Chicory's
     * compiler, including the module image), verify (the JVM's verifier on every generated class,
     * {@link ClassVerification}).
     */
    public record PhaseNanos(long decompress, long instrument, long parseAndValidate, long prevalidate, long compile,
            long verify) {
        public long total() {
            return decompress + instrument + parseAndValidate + prevalidate + compile + verify;
        }
    }

    /** A preparation's result with the time of each phase. */
    public record Timed(ArtifactContent.Compiled compiled, PhaseNanos nanos) {}

    /** As {@link #prepare}, also reporting how long each phase took. */
    public static Timed prepareTimed(byte[] blob, Limits limits, ExecutorParams params) {
        return prepareTimed(blob, limits, params, compileThreads(params));
    }

    /**
     * Threads that compile under these parameters: one under a preparation memory limit, since
     * whether a preparation stays under it (an error stored for good) must not depend on how many
     * cores the validator has; else {@link #compileThreads()}.
     */
    static int compileThreads(ExecutorParams params) {
        return params.prepareMemoryLimit().isPresent() ? 1 : compileThreads();
    }

    /**
     * Threads that compile: one per processor the JVM sees (at most 8), as wasmtime compiles. The
     * artifact's bytes do not depend on it; {@code -XX:ActiveProcessorCount=1} in the prepare
     * worker's options makes preparation single-threaded.
     */
    public static int compileThreads() {
        return Math.min(8, Runtime.getRuntime().availableProcessors());
    }

    /** As {@link #prepareTimed(byte[], Limits, ExecutorParams)}, compiling on {@code threads} threads. */
    public static Timed prepareTimed(byte[] blob, Limits limits, ExecutorParams params, int threads) {
        if (blob.length > limits.maxCodeSize()) {
            throw new DecompressionException(DecompressionException.Kind.BOMB,
                    "code of " + blob.length + " bytes exceeds the maximum code size of " + limits.maxCodeSize());
        }
        long t0 = System.nanoTime();
        byte[] original = MaybeCompressed.decompress(blob, limits.codeBombLimit());
        long t1 = System.nanoTime();
        byte[] wasm;
        try {
            // deterministic stack limit and NaN bits: the module that runs is the instrumented one
            wasm = Instrumenter.instrument(original, params.stackLogicalMax(), true, FEATURES.withBulkMemory(params.bulkMemory()));
        } catch (InstrumentationException e) {
            throw new PrevalidationException("cannot instrument the module: " + e.getMessage(), e);
        }
        long t2 = System.nanoTime();
        WasmModule module;
        try {
            module = Parser.parse(wasm);
        } catch (ChicoryException e) {
            throw new PrevalidationException(e.getClass().getSimpleName().replace("Exception", "").toLowerCase()
                    + " wasm: " + e.getMessage(), e);
        }
        long t3 = System.nanoTime();
        prevalidate(module);
        requireMemory(module);
        checkImplementationLimits(module);
        long t4 = System.nanoTime();
        ExecutorService pool = threads > 1 ? JobThreads.pool("pvf-compile", threads) : null;
        try {
            ArtifactContent.Compiled compiled = compile(wasm, module, pool);
            long t5 = System.nanoTime();
            // here, once, so that execute workers need not (WorkerKind.EXECUTE)
            ClassVerification.verify(compiled.classes(), pool);
            long t6 = System.nanoTime();
            return new Timed(compiled, new PhaseNanos(t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5));
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
    }

    /** Compiles on {@code pool}'s threads and the caller's, or on the caller's alone when it is null. */
    static ArtifactContent.Compiled compile(byte[] wasm, WasmModule module, ExecutorService pool) {
        // JDK SHA-256, as the artifact checksum: a fresh prepare worker loads no BouncyCastle class for a name
        String className = GENERATED_PACKAGE + ".M" + Hex.toHexNoPrefix(io.pvfhost.artifacts.ArtifactFile.sha256(wasm, 0, wasm.length)).substring(0, 16);
        try {
            ParallelCompiler.Result result = ParallelCompiler.compile(module, className, FUNCTIONS_PER_CLASS, pool);
            ModuleImage.Encoded image = ModuleImage.encode(module, result.interpreted());
            return new ArtifactContent.Compiled(image.image(), image.bodies(), className, result.classes(),
                    result.interpreted());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the job is over its time: nobody waits for this answer
            throw new CompilationException("interrupted", e);
        } catch (ModuleImage.UnsupportedModuleException e) {
            throw new CompilationException("module image: " + e.getMessage(), e);
        } catch (ChicoryException | IllegalStateException | IllegalArgumentException e) {
            throw new CompilationException("compiler: " + e.getMessage(), e);
        }
    }

    /**
     * The PVF rules Chicory's parser does not check (some only at instantiation): imports only from
     * {@code env}, only functions and memory imported, one memory at most, unique export names,
     * export indices in range.
     */
    static void prevalidate(WasmModule module) {
        var imports = module.importSection();
        int importedFunctions = 0;
        int importedMemories = 0;
        int importedGlobals = 0;
        for (int i = 0; i < imports.importCount(); i++) {
            Import imp = imports.getImport(i);
            if (!imp.module().equals("env")) {
                throw new PrevalidationException("import " + imp.module() + "." + imp.name()
                        + " is not from module env");
            }
            switch (imp.importType()) {
                case FUNCTION -> importedFunctions++;
                case MEMORY -> importedMemories++;
                default -> throw new PrevalidationException("import env." + imp.name() + " is a "
                        + imp.importType().name().toLowerCase() + "; only functions and memory may be imported");
            }
        }
        int memories = importedMemories + module.memorySection().map(m -> m.memoryCount()).orElse(0);
        if (memories > 1) {
            throw new PrevalidationException("module has " + memories + " memories; at most one is allowed");
        }
        int functions = importedFunctions + module.functionSection().functionCount();
        int globals = importedGlobals + module.globalSection().globalCount();
        int tables = module.tableSection().tableCount();
        Set<String> names = new HashSet<>();
        var exports = module.exportSection();
        for (int i = 0; i < exports.exportCount(); i++) {
            Export e = exports.getExport(i);
            if (!names.add(e.name())) {
                throw new PrevalidationException("duplicate export name \"" + e.name() + "\"");
            }
            int limit = switch (e.exportType()) {
                case FUNCTION -> functions;
                case GLOBAL -> globals;
                case MEMORY -> memories;
                case TABLE -> tables;
                default -> throw new PrevalidationException("export \"" + e.name() + "\" of unsupported kind " + e.exportType());
            };
            if (e.index() < 0 || e.index() >= limit) {
                throw new PrevalidationException("export \"" + e.name() + "\" refers to " + e.exportType().name().toLowerCase()
                        + " " + e.index() + ", but there are " + limit);
            }
        }
    }

    /**
     * A module with no memory, neither imported nor its own, fails as in the reference, where
     * preparing it for compilation sets up the heap in its memory section ("no memory section
     * found"): a {@code Preparation} error, so a precheck votes against it as the reference does.
     */
    static void requireMemory(WasmModule module) {
        boolean imported = false;
        for (int i = 0; i < module.importSection().importCount(); i++) {
            imported |= module.importSection().getImport(i).importType() == com.dylibso.chicory.wasm.types.ExternalType.MEMORY;
        }
        if (!imported && module.memorySection().map(m -> m.memoryCount()).orElse(0) == 0) {
            throw new CompilationException("no memory section found: the module neither imports nor declares a memory", null);
        }
    }

    /**
     * wasmparser's implementation limits (the reference compiles with wasmtime, whose validator
     * refuses a module past them: a {@code Preparation} error there), those the same in every
     * wasmparser release: types, data and element segments, parameters and results per type, name
     * lengths, table sizes. Counts the instrumentation changes (functions, globals) and the locals
     * (checked by the rewriter) are not checked here.
     */
    static void checkImplementationLimits(WasmModule module) {
        limit("types", module.typeSection().typeCount(), 1_000_000);
        limit("data segments", module.dataSection().dataSegmentCount(), 100_000);
        limit("element segments", module.elementSection().elementCount(), 100_000);
        for (int i = 0; i < module.typeSection().typeCount(); i++) {
            var t = module.typeSection().getType(i);
            limit("parameters of type " + i, t.params().size(), 1_000);
            limit("results of type " + i, t.returns().size(), 1_000);
        }
        var imports = module.importSection();
        for (int i = 0; i < imports.importCount(); i++) {
            nameLimit("import module name", imports.getImport(i).module());
            nameLimit("import name", imports.getImport(i).name());
        }
        var exports = module.exportSection();
        for (int i = 0; i < exports.exportCount(); i++) {
            nameLimit("export name", exports.getExport(i).name());
        }
        for (int i = 0; i < module.tableSection().tableCount(); i++) {
            long min = module.tableSection().getTable(i).limits().min();
            if (min > 10_000_000L) {
                throw new CompilationException("table " + i + " of " + min + " entries: at most 10 000 000"
                        + " (the reference's validator, wasmparser)", null);
            }
        }
    }

    private static void limit(String what, long count, long max) {
        if (count > max) {
            throw new CompilationException(count + " " + what + ": at most " + max
                    + " (the reference's validator, wasmparser)", null);
        }
    }

    private static void nameLimit(String what, String name) {
        int bytes = name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (bytes > 100_000) {
            throw new CompilationException(what + " of " + bytes + " bytes: at most 100 000"
                    + " (the reference's validator, wasmparser)", null);
        }
    }

    /** Maps a failure of {@link #prepare} to the reference's error kinds. */
    public static PrepareError classify(Throwable t) {
        if (t instanceof DecompressionException e) {
            return new PrepareError(PrepareError.Kind.COULD_NOT_DECOMPRESS_CODE_BLOB, e.getMessage());
        }
        if (t instanceof PrevalidationException e) {
            return new PrepareError(PrepareError.Kind.PREVALIDATION, e.getMessage());
        }
        if (t instanceof CompilationException e) {
            return new PrepareError(PrepareError.Kind.PREPARATION, e.getMessage());
        }
        if (t instanceof OutOfMemoryError) {
            // the worker JVM's heap, not the executor parameters' limit (that is OutOfMemory, see
            // PrepareWorker): how much a machine gives is not a property of the code, so this is
            // transient, as the reference's worker killed for lack of memory (JobDied), and not stored
            return new PrepareError(PrepareError.Kind.JOB_DIED, "the prepare worker's heap ran out (" + t.getMessage() + ")");
        }
        if (t instanceof StackOverflowError) {
            return new PrepareError(PrepareError.Kind.PREPARATION, "compiler stack overflow");
        }
        return new PrepareError(PrepareError.Kind.JOB_ERROR, t.toString());
    }
}
