package io.pvfhost.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pvfhost.common.Version;
import io.pvfhost.worker.execute.ExecuteWorker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker executable checks its arguments before it does anything. */
class WorkerMainTest {
    @TempDir
    Path dir;

    @Test
    void shouldParseValidArguments() {
        var a = WorkerMain.Args.parse(new String[] {"execute-worker", "--socket-path", "/tmp/s", "--worker-dir", dir.toString(),
            "--version", "v"});
        assertEquals("execute-worker", a.kind());
        assertEquals(dir, a.workerDir());
        assertEquals("v", a.version());
        assertEquals(ExecuteWorker.DEFAULT_KEPT_ARTIFACTS, a.keptArtifacts());
        var kept = WorkerMain.Args.parse(new String[] {"execute-worker", "--socket-path", "/tmp/s", "--worker-dir",
            dir.toString(), "--version", "v", "--kept-artifacts", "9"});
        assertEquals(9, kept.keptArtifacts());
    }

    @Test
    void shouldRejectAKeptArtifactsCountOutOfRangeOrForAPrepareWorker() {
        for (String n : new String[] {"0", "-1", "17", "x", ""}) {
            var e = assertThrows(IllegalArgumentException.class, () -> WorkerMain.Args.parse(new String[] {"execute-worker",
                "--socket-path", "/tmp/s", "--worker-dir", dir.toString(), "--version", "v", "--kept-artifacts", n}), n);
            assertTrue(e.getMessage().contains("--kept-artifacts must be 1 to 16"), e.getMessage());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> WorkerMain.Args.parse(new String[] {"prepare-worker",
            "--socket-path", "/tmp/s", "--worker-dir", dir.toString(), "--version", "v", "--kept-artifacts", "4"}));
        assertTrue(e.getMessage().contains("execute workers only"), e.getMessage());
    }

    @Test
    void shouldRejectUnknownKindsOptionsAndMissingValues() {
        assertThrows(IllegalArgumentException.class, () -> WorkerMain.Args.parse(new String[] {}));
        assertThrows(IllegalArgumentException.class, () -> WorkerMain.Args.parse(new String[] {"compile-worker"}));
        assertThrows(IllegalArgumentException.class, () -> WorkerMain.Args.parse(new String[] {"prepare-worker", "--socket-path"}));
        assertThrows(IllegalArgumentException.class, () -> WorkerMain.Args.parse(new String[] {"prepare-worker", "--bogus", "x"}));
        assertThrows(IllegalArgumentException.class, () -> WorkerMain.Args.parse(new String[] {"prepare-worker",
            "--socket-path", "/tmp/s", "--version", "v"}));
        var e = assertThrows(IllegalArgumentException.class, () -> WorkerMain.Args.parse(new String[] {"prepare-worker",
            "--socket-path", "/tmp/s", "--worker-dir", dir.resolve("absent").toString(), "--version", "v"}));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    static int exitCodeOf(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                WorkerMain.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return p.exitValue();
    }

    @Test
    void shouldExitWithUsageErrorOnBadArguments() throws Exception {
        assertEquals(WorkerMain.EXIT_USAGE, exitCodeOf("nonsense"));
    }

    @Test
    void shouldRefuseToRunForAHostOfAnotherVersion() throws Exception {
        assertEquals(WorkerMain.EXIT_VERSION_MISMATCH, exitCodeOf("prepare-worker", "--socket-path", dir.resolve("s").toString(),
                "--worker-dir", dir.toString(), "--version", Version.NODE_VERSION + "-other"));
    }
}
