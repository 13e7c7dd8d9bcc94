package io.pvfhost.worker.execute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import io.pvfhost.worker.TrainingModule;
import io.pvfhost.artifacts.ArtifactContent;
import io.pvfhost.artifacts.ArtifactFile;
import io.pvfhost.artifacts.CorruptedArtifactException;
import io.pvfhost.common.error.PrepareError;
import io.pvfhost.common.params.ExecutorParams;
import io.pvfhost.worker.prepare.Preparation;
import io.pvfhost.worker.testing.TinyWasm;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading an artifact file as the execute worker does: verified, then loaded. */
class LoadedArtifactTest {
    static final Preparation.Limits LIMITS = new Preparation.Limits(3 << 20, 30 << 20);

    @TempDir
    Path dir;

    private Path written(ArtifactContent content, byte[][] checksum) throws Exception {
        Path p = dir.resolve("a.pvfa");
        checksum[0] = ArtifactFile.write(p, content);
        return p;
    }

    @Test
    void shouldLoadAVerifiedArtifact() throws Exception {
        byte[][] sum = new byte[1][];
        Path p = written(Preparation.prepare(TinyWasm.withExports("a", "b"), LIMITS, ExecutorParams.DEFAULT), sum);
        LoadedArtifact a = LoadedArtifact.read(p, sum[0]);
        assertEquals(2, a.module().exportSection().exportCount());
        assertEquals("a", a.module().exportSection().getExport(0).name());
    }

    @Test
    void shouldCallAnyChangedByteOfTheHeadAChecksumMismatch() throws Exception {
        byte[][] sum = new byte[1][];
        var content = Preparation.prepare(TinyWasm.withExports("a"), LIMITS, ExecutorParams.DEFAULT);
        Path p = written(content, sum);
        byte[] good = Files.readAllBytes(p);
        int classes = content.classes().values().stream().mapToInt(b -> b.length).sum();
        int head = good.length - classes;
        // a byte of the magic, of the module image, of the class table (the last byte of the head)
        for (int at : new int[] {6, head / 2, head - 1}) {
            byte[] bad = good.clone();
            bad[at] ^= 0x40;
            Files.write(p, bad);
            var e = assertThrows(CorruptedArtifactException.class, () -> LoadedArtifact.read(p, sum[0]), "byte " + at);
            // whatever else is wrong with the bytes, the mismatch is what the worker reports
            assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
        }
    }

    @Test
    void shouldRefuseAChangedMainClassWhenLoading() throws Exception {
        byte[][] sum = new byte[1][];
        var content = Preparation.prepare(TinyWasm.withExports("a"), LIMITS, ExecutorParams.DEFAULT);
        Path p = written(content, sum);
        byte[] bad = Files.readAllBytes(p);
        int at = indexOf(bad, content.classes().get(content.mainClass()));
        bad[at + 20] ^= 0x01;
        Files.write(p, bad);
        var e = assertThrows(CorruptedArtifactException.class, () -> LoadedArtifact.read(p, sum[0]));
        assertTrue(e.getMessage().contains(content.mainClass()) && e.getMessage().contains("does not match its checksum"),
                e.getMessage());
    }

    @Test
    void shouldRefuseAChangedFunctionClassWhenACallFirstNeedsIt() throws Exception {
        byte[][] sum = new byte[1][];
        var content = Preparation.prepare(TinyWasm.withExports("a"), LIMITS, ExecutorParams.DEFAULT);
        Path p = written(content, sum);
        String group = content.classes().keySet().stream().filter(n -> n.contains("FuncGroup_0")).findFirst().orElseThrow();
        byte[] bad = Files.readAllBytes(p);
        bad[indexOf(bad, content.classes().get(group)) + 20] ^= 0x01;
        Files.write(p, bad);
        // the head and the main class are intact: the load succeeds, and the first call that
        // reaches the changed class ends before a byte of it is defined
        LoadedArtifact a = LoadedArtifact.read(p, sum[0]);
        Instance instance = Instance.builder(a.module()).withMachineFactory(a.machineFactory()).build();
        var e = assertThrows(Throwable.class, () -> instance.export("a").apply());
        LoadedArtifact.RejectedClassError r = LoadedArtifact.rejectedIn(e);
        assertNotNull(r, "refused as a changed class, not " + e);
        assertTrue(r.getMessage().contains(group), r.getMessage());
        assertInstanceOf(CorruptedArtifactException.class, r.getCause());
        // intact, the same file runs
        Files.write(p, ArtifactFile.encode(content));
        LoadedArtifact ok = LoadedArtifact.read(p, sum[0]);
        Instance.builder(ok.module()).withMachineFactory(ok.machineFactory()).build().export("a").apply();
    }

    @Test
    void shouldDecodeInterpretedBodiesOnlyWhenACallFirstEntersTheInterpreter() throws Exception {
        byte[] wasm = TrainingModule.bytes();
        var content = Preparation.prepare(wasm, LIMITS, ExecutorParams.DEFAULT);
        assertEquals(Set.of(0), content.interpretedFunctions(), "big runs in the interpreter");
        byte[][] sum = new byte[1][];
        Path p = written(content, sum);
        Instance plain = Instance.builder(Parser.parse(wasm)).build();
        // the interpreter entered from compiled code (run calls big last) and from an export
        for (String first : new String[] {"run", "big"}) {
            LoadedArtifact a = LoadedArtifact.read(p, sum[0]);
            WasmModule stubbed = a.module();
            Instance early = instance(a);
            Instance alsoEarly = instance(a);
            assertEquals(plain.export("small").apply(5)[0], early.export("small").apply(5)[0]);
            assertFalse(a.bodiesDecoded(), "made instances and ran compiled code only");
            assertEquals(plain.export(first).apply(5)[0], early.export(first).apply(5)[0], first);
            assertTrue(a.bodiesDecoded());
            // an instance made before the decode gets the bodies too; one made after uses the whole module
            assertEquals(plain.export("big").apply(9)[0], alsoEarly.export("big").apply(9)[0]);
            assertNotSame(stubbed, a.module());
            Instance late = instance(a);
            assertSame(a.module(), late.module());
            for (int arg : new int[] {0, 3, -7}) {
                assertEquals(plain.export("run").apply(arg)[0], late.export("run").apply(arg)[0], "run(" + arg + ")");
                assertEquals(plain.export("big").apply(arg)[0], early.export("big").apply(arg)[0], "big(" + arg + ")");
            }
        }
        // loaded from content (tests, the bench): decoded at once
        assertTrue(LoadedArtifact.load(content).bodiesDecoded());
    }

    @Test
    void shouldRefuseChangedBodiesWhenACallFirstEntersTheInterpreter() throws Exception {
        var content = Preparation.prepare(TrainingModule.bytes(), LIMITS, ExecutorParams.DEFAULT);
        byte[][] sum = new byte[1][];
        Path p = written(content, sum);
        byte[] bad = Files.readAllBytes(p);
        bad[indexOf(bad, content.interpretedBodies()) + 1000] ^= 0x01;
        Files.write(p, bad);
        // the head is intact: the load and compiled code run, entering the interpreter is refused
        LoadedArtifact a = LoadedArtifact.read(p, sum[0]);
        Instance i = instance(a);
        Instance plain = Instance.builder(Parser.parse(TrainingModule.bytes())).build();
        assertEquals(plain.export("small").apply(4)[0], i.export("small").apply(4)[0]);
        var e = assertThrows(Throwable.class, () -> i.export("big").apply(4));
        LoadedArtifact.RejectedClassError r = LoadedArtifact.rejectedIn(e);
        assertNotNull(r, "refused as a corrupted artifact, not " + e);
        assertTrue(r.getMessage().contains("bodies") && r.getMessage().contains("does not match its checksum"),
                r.getMessage());
    }

    @Test
    void shouldRefuseAHeadWhoseInterpretedFunctionsAreNotTheImages() throws Exception {
        var content = Preparation.prepare(TrainingModule.bytes(), LIMITS, ExecutorParams.DEFAULT);
        // the same image and bodies, the head listing another function as interpreted
        var other = new ArtifactContent.Compiled(content.moduleImage(), content.interpretedBodies(), content.mainClass(),
                content.classes(), Set.of(1));
        byte[][] sum = new byte[1][];
        Path p = written(other, sum);
        var e = assertThrows(CorruptedArtifactException.class, () -> LoadedArtifact.read(p, sum[0]));
        assertTrue(e.getMessage().contains("interpreted functions"), e.getMessage());
    }

    private static Instance instance(LoadedArtifact a) {
        return Instance.builder(a.module()).withMachineFactory(a.machineFactory()).build();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    @Test
    void shouldRefuseAnIntactFileWithAnotherChecksum() throws Exception {
        byte[][] sum = new byte[1][];
        Path p = written(Preparation.prepare(TinyWasm.withExports("a"), LIMITS, ExecutorParams.DEFAULT), sum);
        byte[] other = Arrays.copyOf(sum[0], sum[0].length);
        other[0] ^= 1;
        var e = assertThrows(CorruptedArtifactException.class, () -> LoadedArtifact.read(p, other));
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
    }

    @Test
    void shouldRefuseToRunAnErrorArtifact() throws Exception {
        byte[][] sum = new byte[1][];
        Path p = written(new ArtifactContent.Failed(new PrepareError(PrepareError.Kind.PREVALIDATION, "bad")), sum);
        var e = assertThrows(CorruptedArtifactException.class, () -> LoadedArtifact.read(p, sum[0]));
        assertTrue(e.getMessage().contains("preparation error"), e.getMessage());
    }

    @Test
    void shouldSayWhenTheFileIsGone() {
        assertThrows(NoSuchFileException.class, () -> LoadedArtifact.read(dir.resolve("gone.pvfa"), new byte[32]));
    }
}
