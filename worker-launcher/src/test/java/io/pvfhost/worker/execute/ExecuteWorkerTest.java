package io.pvfhost.worker.execute;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pvfhost.artifacts.ArtifactContent;
import io.pvfhost.artifacts.ArtifactFile;
import io.pvfhost.common.params.ExecutorParams;
import io.pvfhost.common.wire.Message;
import io.pvfhost.worker.AdderVectors;
import io.pvfhost.worker.TrainingModule;
import io.pvfhost.worker.prepare.Preparation;
import io.pvfhost.worker.testing.OwnPvfs;
import io.pvfhost.worker.testing.TinyWasm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecuteWorkerTest {
    private static final Preparation.Limits LIMITS = new Preparation.Limits(3 << 20, 30 << 20);

    private static Message.ExecuteResponse run(ExecuteWorker w, Path artifact, byte[] checksum) throws Exception {
        return (Message.ExecuteResponse) w.handle(new Message.ExecuteRequest(artifact.toString(), checksum,
                AdderVectors.genesisParams(), ExecutorParams.DEFAULT, 5_000, 1 << 20)).response();
    }

    /** Descriptors of this JVM open on {@code file} (Linux). */
    private static long openDescriptors(Path file) throws IOException {
        Path real = file.toRealPath();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(real);
                } catch (IOException | UnsupportedOperationException e) {
                    return false; // closed meanwhile, or not a link
                }
            }).count();
        }
    }

    @Test
    void shouldCloseTheFileOfAnArtifactItNoLongerKeepsAndLoadItAgainWhenAsked(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs /proc/self/fd");
        // the adder with 3 MiB of classes no call defines after its own: the file is longer than the
        // first read, so the worker keeps it open to read classes from
        var c = Preparation.prepare(Files.readAllBytes(OwnPvfs.folder().resolve("adder.wasm")), LIMITS, ExecutorParams.DEFAULT);
        Map<String, byte[]> classes = new LinkedHashMap<>(c.classes());
        for (int i = 0; i < 3; i++) {
            classes.put("pad" + i, new byte[1 << 20]); // sorted after io.pvfhost...: past the first read
        }
        Path big = dir.resolve("big.pvfa");
        byte[] checksum = ArtifactFile.write(big, new ArtifactContent.Compiled(c.moduleImage(), c.interpretedBodies(), c.mainClass(), classes,
                c.interpretedFunctions()));
        var w = new ExecuteWorker(dir, 2);
        var first = run(w, big, checksum);
        assertEquals(Message.Status.OK, first.status(), first.detail());
        assertArrayEquals(AdderVectors.genesisExpected(), first.resultBytes());
        assertEquals(1, openDescriptors(big), "kept open while the worker keeps the artifact");

        // two other artifacts push it out of the 2 this worker keeps
        for (String export : List.of("a", "b")) {
            Path other = dir.resolve(export + ".pvfa");
            byte[] ck = ArtifactFile.write(other, Preparation.prepare(TinyWasm.withExports(export), LIMITS, ExecutorParams.DEFAULT));
            run(w, other, ck); // no validate_block: any answer will do, the load is what counts
        }
        assertEquals(0, openDescriptors(big), "closed once the worker dropped the artifact");

        var again = run(w, big, checksum);
        assertEquals(Message.Status.OK, again.status(), again.detail());
        assertArrayEquals(AdderVectors.genesisExpected(), again.resultBytes());
    }

    /**
     * An artifact whose runtime cannot be built (a data segment out of bounds: instantiation fails)
     * is not kept: the host prepares it again, and a retry must load the new file.
     */
    @Test
    void shouldNotKeepAnArtifactWhoseRuntimeCannotBeBuilt(@TempDir Path dir) throws Exception {
        var w = new ExecuteWorker(dir);
        Path bad = dir.resolve("badsegment.pvfa");
        byte[] badChecksum = ArtifactFile.write(bad, Preparation.prepare(Files.readAllBytes(
                OwnPvfs.folder().resolve("badsegment.wasm")), LIMITS, ExecutorParams.DEFAULT));
        var r = run(w, bad, badChecksum);
        assertEquals(Message.Status.RUNTIME_CONSTRUCTION, r.status(), r.detail());
        assertEquals(0, w.loadedArtifacts());
        Path adder = dir.resolve("adder.pvfa");
        byte[] adderChecksum = ArtifactFile.write(adder, Preparation.prepare(Files.readAllBytes(
                OwnPvfs.folder().resolve("adder.wasm")), LIMITS, ExecutorParams.DEFAULT));
        assertEquals(Message.Status.OK, run(w, adder, adderChecksum).status());
        assertEquals(1, w.loadedArtifacts(), "a runtime that runs is kept");
    }

    @Test
    void shouldRefuseToKeepNoArtifactOrMoreThanItsMaximum(@TempDir Path dir) {
        for (int n : new int[] {0, -1, ExecuteWorker.MAX_KEPT_ARTIFACTS + 1}) {
            var e = assertThrows(IllegalArgumentException.class, () -> new ExecuteWorker(dir, n));
            assertTrue(e.getMessage().contains("1 to " + ExecuteWorker.MAX_KEPT_ARTIFACTS), e.getMessage());
        }
        new ExecuteWorker(dir, ExecuteWorker.MAX_KEPT_ARTIFACTS); // the maximum itself is fine
    }

    @Test
    void shouldAnswerAnUnreadableOrShortArtifactAsCorruptedNotDie(@TempDir Path dir) throws Exception {
        var w = new ExecuteWorker(dir);
        Path folder = Files.createDirectory(dir.resolve("a-folder.pvfa")); // opens, but reading fails
        var r = run(w, folder, new byte[32]);
        assertEquals(Message.Status.CORRUPTED_ARTIFACT, r.status(), r.detail());
        Path shortFile = Path.of("/sys/devices/system/cpu/online"); // says 4096 bytes, holds a few
        if (Files.isReadable(shortFile) && Files.size(shortFile) > 64) {
            var s = run(w, shortFile, new byte[32]);
            assertEquals(Message.Status.CORRUPTED_ARTIFACT, s.status(), s.detail());
        }
    }

    /**
     * The large training module's validate_block enters the interpreter: a fresh worker decodes the
     * interpreted bodies then (from the stubbed module it loaded), a worker that keeps the artifact
     * runs its later calls on the whole module; the answer is the same every time.
     */
    @Test
    void shouldRunACallThatEntersTheInterpreterFirstAndAgain(@TempDir Path dir) throws Exception {
        var c = Preparation.prepare(TrainingModule.bytes(), LIMITS, ExecutorParams.DEFAULT);
        assertEquals(java.util.Set.of(0), c.interpretedFunctions());
        Path artifact = dir.resolve("large.pvfa");
        byte[] checksum = ArtifactFile.write(artifact, c);
        var plain = com.dylibso.chicory.runtime.Instance.builder(com.dylibso.chicory.wasm.Parser.parse(TrainingModule.bytes())).build();
        byte[] expected = TrainingModule.validateBlockResult((int) plain.export("big").apply(7)[0]);
        var kept = new ExecuteWorker(dir);
        for (int i = 0; i < 3; i++) {
            for (ExecuteWorker w : List.of(kept, new ExecuteWorker(dir))) {
                var r = run(w, artifact, checksum);
                assertEquals(Message.Status.OK, r.status(), r.detail());
                assertArrayEquals(expected, r.resultBytes(), "run " + i);
            }
        }
    }

    /**
     * pvfs/trieproof.wat calls the four trie proof verification functions from compiled wasm, as a
     * runtime does (signatures, fat pointers, the root pointer, the i32 answer) and returns the six
     * answers as its head data.
     */
    @Test
    void shouldAnswerTrieProofVerificationsCalledFromWasm(@TempDir Path dir) throws Exception {
        var c = Preparation.prepare(Files.readAllBytes(OwnPvfs.folder().resolve("trieproof.wasm")), LIMITS,
                ExecutorParams.DEFAULT);
        Path artifact = dir.resolve("trieproof.pvfa");
        byte[] checksum = ArtifactFile.write(artifact, c);
        var r = run(new ExecuteWorker(dir), artifact, checksum);
        assertEquals(Message.Status.OK, r.status(), r.detail());
        byte[] expected = new byte[18];
        expected[0] = 6 << 2; // head data: 6 bytes
        System.arraycopy(new byte[] {1, 0, 1, 0, 1, 1}, 0, expected, 1, 6);
        assertArrayEquals(expected, r.resultBytes());
    }

    /**
     * pvfs/fresh.wasm reports what its memory held before it wrote to every page: each execution
     * must start on a zeroed memory of 17 pages, also when it runs on pages an earlier one dirtied.
     */
    @Test
    void shouldStartEveryExecutionOnAFreshMemoryAlsoWithReusedPages(@TempDir Path dir) throws Exception {
        var c = Preparation.prepare(Files.readAllBytes(OwnPvfs.folder().resolve("fresh.wasm")), LIMITS, ExecutorParams.DEFAULT);
        Path artifact = dir.resolve("fresh.pvfa");
        byte[] checksum = ArtifactFile.write(artifact, c);
        byte[] expected = new byte[24];
        expected[0] = 12 << 2; // head data: 12 bytes, an i64 0 (nothing seen) and the i32 17 (pages found)
        expected[9] = 17;
        ExecuteWorker w = new ExecuteWorker(dir);
        for (int i = 0; i < 5; i++) {
            long reusedBefore = Execution.pagePool().reused();
            var r = run(w, artifact, checksum);
            assertEquals(Message.Status.OK, r.status(), r.detail());
            assertArrayEquals(expected, r.resultBytes(), "run " + i);
            if (i > 0) { // the pages the run before dirtied and gave back
                long reused = Execution.pagePool().reused() - reusedBefore;
                assertTrue(reused >= 20, "run " + i + " reused " + reused + " pages");
            }
        }
    }
}
