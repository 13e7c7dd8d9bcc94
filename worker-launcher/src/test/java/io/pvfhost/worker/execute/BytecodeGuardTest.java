package io.pvfhost.worker.execute;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pvfhost.artifacts.ArtifactContent;
import io.pvfhost.artifacts.ArtifactFile;
import io.pvfhost.common.params.ExecutorParams;
import io.pvfhost.common.wire.Message;
import io.pvfhost.worker.prepare.Preparation;
import io.pvfhost.worker.testing.OwnPvfs;
import io.pvfhost.worker.testing.TinyWasm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/** Artifact classes that reach beyond the wasm runtime are refused before they are defined. */
class BytecodeGuardTest {
    static final Preparation.Limits LIMITS = new Preparation.Limits(3 << 20, 30 << 20);

    static ArtifactContent.Compiled prepared() {
        return Preparation.prepare(TinyWasm.withExports("a"), LIMITS, ExecutorParams.DEFAULT);
    }

    /** A class whose static initializer calls the given static method, as an attacker would write it. */
    static byte[] classCalling(String name, String owner, String method, String desc) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, name.replace('.', '/'), null, "java/lang/Object", null);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_STATIC, "<clinit>", "()V", null, null);
        mv.visitCode();
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, owner, method, desc, false);
        mv.visitInsn(Opcodes.POP);
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    static ArtifactContent.Compiled tampered(byte[] extraClass, String name) {
        var c = prepared();
        Map<String, byte[]> classes = new HashMap<>(c.classes());
        classes.put(name, extraClass);
        return new ArtifactContent.Compiled(c.moduleImage(), c.interpretedBodies(), c.mainClass(), classes, c.interpretedFunctions());
    }

    @Test
    void shouldAcceptWhatOurCompilerProduces() {
        assertDoesNotThrow(() -> BytecodeGuard.check(prepared().classes()));
    }

    @Test
    void shouldRejectAClassThatReachesTheRuntime() {
        String name = "io.pvfhost.generated.Evil";
        var c = tampered(classCalling(name, "java/lang/Runtime", "getRuntime", "()Ljava/lang/Runtime;"), name);
        var e = assertThrows(BytecodeGuard.RejectedBytecodeException.class, () -> BytecodeGuard.check(c.classes()));
        assertTrue(e.getMessage().contains("java/lang/Runtime") || e.getMessage().contains("java.lang.Runtime"), e.getMessage());
    }

    @Test
    void shouldRejectSystemExitButAllowTheMembersTheCompilerUses() {
        String name = "io.pvfhost.generated.Exit";
        var c = tampered(classCalling(name, "java/lang/System", "exit", "(I)V"), name);
        assertThrows(BytecodeGuard.RejectedBytecodeException.class, () -> BytecodeGuard.check(c.classes()));
        var ok = tampered(classCalling(name, "java/lang/Thread", "currentThread", "()Ljava/lang/Thread;"), name);
        assertDoesNotThrow(() -> BytecodeGuard.check(ok.classes()));
    }

    @Test
    void shouldRejectReflectionAndClassLoading() {
        String name = "io.pvfhost.generated.Refl";
        var c = tampered(classCalling(name, "java/lang/Class", "forName", "(Ljava/lang/String;)Ljava/lang/Class;"), name);
        assertThrows(BytecodeGuard.RejectedBytecodeException.class, () -> BytecodeGuard.check(c.classes()));
    }

    @Test
    void shouldRejectGarbageInsteadOfAClass() {
        var c = tampered(new byte[] {1, 2, 3}, "io.pvfhost.generated.Junk");
        assertThrows(BytecodeGuard.RejectedBytecodeException.class, () -> BytecodeGuard.check(c.classes()));
    }

    @Test
    void executeWorkerShouldReportATamperedMainClassWithAValidChecksumAsCorrupted(@TempDir Path dir) throws Exception {
        var c = prepared();
        Map<String, byte[]> classes = new HashMap<>(c.classes());
        classes.put(c.mainClass(), classCalling(c.mainClass(), "java/lang/Runtime", "getRuntime", "()Ljava/lang/Runtime;"));
        var evil = new ArtifactContent.Compiled(c.moduleImage(), c.interpretedBodies(), c.mainClass(), classes, c.interpretedFunctions());
        Path file = dir.resolve("a.pvfa");
        byte[] checksum = ArtifactFile.write(file, evil);
        var params = new io.pvfhost.common.types.ValidationParams(new byte[0], new byte[0], 1, new byte[32]).encode();
        var reply = new ExecuteWorker(dir).handle(new Message.ExecuteRequest(file.toString(), checksum, params,
                ExecutorParams.DEFAULT, 2000, 1 << 20));
        var r = (Message.ExecuteResponse) reply.response();
        assertTrue(r.status() == Message.Status.CORRUPTED_ARTIFACT, r.status() + ": " + r.detail());
        assertTrue(r.detail().contains("Runtime"), r.detail());
        assertTrue(Files.exists(file));
    }

    @Test
    void executeWorkerShouldReportATamperedFunctionClassAsCorruptedWhenACallReachesIt(@TempDir Path dir) throws Exception {
        // classes are checked when first defined: the adder's function class, replaced by one that
        // calls Runtime.getRuntime(), is refused in the call that needs it, before it is defined
        var c = Preparation.prepare(Files.readAllBytes(OwnPvfs.folder().resolve("adder.wasm")), LIMITS, ExecutorParams.DEFAULT);
        String group = c.classes().keySet().stream().filter(n -> n.endsWith("FuncGroup_0")).findFirst().orElseThrow();
        Map<String, byte[]> classes = new HashMap<>(c.classes());
        classes.put(group, classCalling(group, "java/lang/Runtime", "getRuntime", "()Ljava/lang/Runtime;"));
        var evil = new ArtifactContent.Compiled(c.moduleImage(), c.interpretedBodies(), c.mainClass(), classes, c.interpretedFunctions());
        Path file = dir.resolve("a.pvfa");
        byte[] checksum = ArtifactFile.write(file, evil);
        var reply = new ExecuteWorker(dir).handle(new Message.ExecuteRequest(file.toString(), checksum,
                io.pvfhost.worker.AdderVectors.genesisParams(), ExecutorParams.DEFAULT, 2000, 1 << 20));
        var r = (Message.ExecuteResponse) reply.response();
        assertTrue(r.status() == Message.Status.CORRUPTED_ARTIFACT, r.status() + ": " + r.detail());
        assertTrue(r.detail().contains(group) && r.detail().contains("Runtime"), r.detail());
    }
}
