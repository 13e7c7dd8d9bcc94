package io.pvfhost.worker.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pvfhost.common.error.PrepareError;
import io.pvfhost.common.params.ExecutorParams;
import io.pvfhost.worker.testing.TinyWasm;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Preparation has the JVM verify every generated class (execute workers then skip it): a class the
 * verifier refuses is a deterministic {@code Preparation} error, and real code passes.
 */
class ClassVerificationTest {
    /** A class with one static method {@code int f()} whose body is {@code ops}, then {@code ireturn}; frames not computed. */
    private static byte[] classReturning(String name, int... ops) {
        ClassWriter w = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        w.visit(Opcodes.V11, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL, name.replace('.', '/'), null, "java/lang/Object", null);
        MethodVisitor m = w.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "f", "()I", null, null);
        m.visitCode();
        for (int op : ops) {
            m.visitInsn(op);
        }
        m.visitInsn(Opcodes.IRETURN);
        m.visitMaxs(0, 0);
        m.visitEnd();
        w.visitEnd();
        return w.toByteArray();
    }

    @Test
    void shouldRefuseAClassTheVerifierRefusesAsAPreparationError() {
        Map<String, byte[]> classes = new HashMap<>();
        classes.put("io.pvfhost.generated.Good", classReturning("io.pvfhost.generated.Good", Opcodes.ICONST_1));
        // a long where the method returns an int: well-formed, ill-typed
        classes.put("io.pvfhost.generated.Bad", classReturning("io.pvfhost.generated.Bad", Opcodes.LCONST_1));
        var e = assertThrows(Preparation.CompilationException.class, () -> ClassVerification.verify(classes));
        assertTrue(e.getMessage().contains("generated class io.pvfhost.generated.Bad fails the JVM's verification"), e.getMessage());
        assertInstanceOf(VerifyError.class, e.getCause());
        PrepareError p = Preparation.classify(e);
        assertEquals(PrepareError.Kind.PREPARATION, p.kind());
        assertTrue(!p.kind().isTransient(), "stored, never prepared again");
    }

    /** Verified without being initialised: a static initialiser does not run (Chicory's shaded helper class has one). */
    @Test
    void shouldVerifyAClassWithoutRunningItsStaticInitialiser() {
        String name = "io.pvfhost.generated.Init";
        ClassWriter w = new ClassWriter(ClassWriter.COMPUTE_MAXS | ClassWriter.COMPUTE_FRAMES);
        w.visit(Opcodes.V11, Opcodes.ACC_PUBLIC, name.replace('.', '/'), null, "java/lang/Object", null);
        MethodVisitor m = w.visitMethod(Opcodes.ACC_STATIC, "<clinit>", "()V", null, null);
        m.visitCode();
        m.visitLdcInsn("pvf.test.clinit.ran");
        m.visitLdcInsn("yes");
        m.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/System", "setProperty", "(Ljava/lang/String;Ljava/lang/String;)Ljava/lang/String;", false);
        m.visitInsn(Opcodes.POP);
        m.visitInsn(Opcodes.RETURN);
        m.visitMaxs(0, 0);
        m.visitEnd();
        MethodVisitor f = w.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "f", "()I", null, null);
        f.visitCode();
        f.visitInsn(Opcodes.ICONST_1);
        f.visitInsn(Opcodes.IRETURN);
        f.visitMaxs(0, 0);
        f.visitEnd();
        w.visitEnd();
        ClassVerification.verify(Map.of(name, w.toByteArray()));
        assertEquals(null, System.getProperty("pvf.test.clinit.ran"));
        var garbage = assertThrows(Preparation.CompilationException.class,
                () -> ClassVerification.verify(Map.of(name, new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE, 0, 0})));
        assertInstanceOf(ClassFormatError.class, garbage.getCause());
    }

    /** On several threads the error is the same: the first class refused in name order, not the first to fail. */
    @Test
    void shouldReportTheSameClassOnAPool() {
        Map<String, byte[]> classes = new HashMap<>();
        for (int i = 0; i < 40; i++) {
            String name = "io.pvfhost.generated.C" + (char) ('a' + i % 26) + i;
            classes.put(name, classReturning(name, i % 7 == 3 ? Opcodes.LCONST_1 : Opcodes.ICONST_1));
        }
        String first = new java.util.TreeSet<>(classes.keySet()).stream()
                .filter(n -> Integer.parseInt(n.substring("io.pvfhost.generated.C".length() + 1)) % 7 == 3).findFirst().orElseThrow();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            for (int run = 0; run < 5; run++) {
                var e = assertThrows(Preparation.CompilationException.class, () -> ClassVerification.verify(classes, pool));
                assertTrue(e.getMessage().startsWith("generated class " + first + " fails"), e.getMessage());
            }
            Map<String, byte[]> good = new HashMap<>(classes);
            good.keySet().removeIf(n -> Integer.parseInt(n.substring("io.pvfhost.generated.C".length() + 1)) % 7 == 3);
            ClassVerification.verify(good, pool);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldPassWellTypedClassesAndTheCompilersOwn() throws Exception {
        ClassVerification.verify(Map.of("io.pvfhost.generated.Good", classReturning("io.pvfhost.generated.Good", Opcodes.ICONST_1)));
        var timed = Preparation.prepareTimed(TinyWasm.withExports("a", "b"), PreparationTest.LIMITS, ExecutorParams.DEFAULT);
        assertTrue(timed.nanos().verify() > 0, "the verification is a phase of its own");
        ClassVerification.verify(timed.compiled().classes()); // again, in another loader: no clash with the first
    }

    @Test
    void shouldStopWhenTheJobIsGivenUp() {
        Map<String, byte[]> classes = Map.of("io.pvfhost.generated.Good", classReturning("io.pvfhost.generated.Good", Opcodes.ICONST_1));
        Thread.currentThread().interrupt();
        try {
            var e = assertThrows(Preparation.CompilationException.class, () -> ClassVerification.verify(classes));
            assertEquals("interrupted", e.getMessage());
        } finally {
            Thread.interrupted();
        }
    }
}
