package io.pvfhost.worker.prepare;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.internal.ByteClassCollector;
import com.dylibso.chicory.compiler.internal.Compiler;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.MalformedException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.Import;
import io.pvfhost.artifacts.ArtifactContent;
import io.pvfhost.common.Hex;
import io.pvfhost.common.blob.DecompressionException;
import io.pvfhost.common.blob.MaybeCompressed;
import io.pvfhost.common.error.PrepareError;
import io.pvfhost.common.hash.Hashing;
import io.pvfhost.common.params.ExecutorParams;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The preparation pipeline, without I/O: decompress, prevalidate, compile. Pure enough to call
 * in-process from tests and benchmarks; the worker adds the time limit and the file.
 */
public final class Preparation {
    /** Package of generated classes; the class name is derived from the code hash (deterministic). */
    public static final String GENERATED_PACKAGE = "io.pvfhost.generated";

    private Preparation() {}

    /** Thrown for code the reference rejects before compiling. */
    public static final class PrevalidationException extends RuntimeException {
        public PrevalidationException(String message) {
            super(message);
        }
    }

    public static ArtifactContent.Compiled prepare(byte[] blob, long bombLimit, ExecutorParams params) {
        byte[] wasm;
        try {
            wasm = MaybeCompressed.decompress(blob, bombLimit);
        } catch (DecompressionException e) {
            throw e;
        }
        WasmModule module = Parser.parse(wasm);
        prevalidate(module);
        String className = GENERATED_PACKAGE + ".M" + Hex.toHexNoPrefix(Hashing.blake2b256(wasm)).substring(0, 16);
        var result = Compiler.builder(module)
                .withClassName(className)
                .withInterpreterFallback(InterpreterFallback.SILENT)
                .withClassCollectorFactory(ByteClassCollector::new)
                .build()
                .compile();
        Set<Integer> interpreted = result.interpretedFunctions() == null ? Set.of() : result.interpretedFunctions();
        // the compiler keys some classes by internal name (a/b/C): store binary names (a.b.C)
        Map<String, byte[]> classes = new HashMap<>();
        result.classBytes().forEach((name, bytes) -> classes.put(name.replace('/', '.'), bytes));
        return new ArtifactContent.Compiled(wasm, className, classes, interpreted);
    }

    /** Rules Chicory's parser does not check: imports only from "env" (reference section 7). */
    static void prevalidate(WasmModule module) {
        var imports = module.importSection();
        for (int i = 0; i < imports.importCount(); i++) {
            Import imp = imports.getImport(i);
            if (!imp.module().equals("env")) {
                throw new PrevalidationException("import " + imp.module() + "." + imp.name()
                        + " is not from module env");
            }
            if (imp.importType() != ExternalType.FUNCTION && imp.importType() != ExternalType.MEMORY) {
                throw new PrevalidationException("import env." + imp.name() + " of type " + imp.importType()
                        + " is not supported (only functions and memory)");
            }
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
        if (t instanceof MalformedException e) {
            return new PrepareError(PrepareError.Kind.PREVALIDATION, "malformed wasm: " + e.getMessage());
        }
        if (t instanceof ChicoryException e) {
            // parser validation errors (InvalidException) and compiler rejections
            return new PrepareError(PrepareError.Kind.PREVALIDATION, "invalid wasm: " + e.getMessage());
        }
        if (t instanceof OutOfMemoryError) {
            return new PrepareError(PrepareError.Kind.OUT_OF_MEMORY, "preparation ran out of memory");
        }
        if (t instanceof StackOverflowError) {
            return new PrepareError(PrepareError.Kind.PREPARATION, "compiler stack overflow");
        }
        return new PrepareError(PrepareError.Kind.PREPARATION, t.toString());
    }
}
