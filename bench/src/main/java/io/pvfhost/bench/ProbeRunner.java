package io.pvfhost.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.pvfhost.worker.host.WorkerKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Starts a {@link Probe} JVM for a variant and returns its JSON answer. */
final class ProbeRunner {
    private ProbeRunner() {}

    /** Thrown when the probe JVM fails; the message ends with its last output lines. */
    static final class ProbeException extends RuntimeException {
        ProbeException(String message) {
            super(message);
        }
    }

    /** A probe started like an execute worker: its kind's own options, then the configured ones (as WorkerHandle starts it). */
    static JsonNode run(JvmVariant v, Path workDir, String... args) {
        return run(v, WorkerKind.EXECUTE.jvmOptions(v.optionsOf(WorkerKind.EXECUTE)), workDir, args);
    }

    static JsonNode run(JvmVariant v, List<String> options, Path workDir, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(v.javaExecutable().toString());
        cmd.addAll(options);
        cmd.add("-cp");
        cmd.add(v.probeClassPath());
        cmd.add(Probe.class.getName());
        cmd.addAll(List.of(args));
        Path log = null;
        try {
            log = Files.createTempFile(workDir, "probe-", ".log");
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().clear(); // as a worker: nothing from the caller's environment
            Process p = pb.start();
            if (!p.waitFor(20, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new ProbeException("probe " + args[0] + " did not finish in 20 minutes");
            }
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            for (String line : lines) {
                if (line.startsWith(Probe.MARK)) {
                    return Report.JSON.readTree(line.substring(Probe.MARK.length()));
                }
            }
            int from = Math.max(0, lines.size() - 15);
            throw new ProbeException("probe " + args[0] + " on " + v.label() + " exited with status " + p.exitValue()
                    + " and no result:\n  " + String.join("\n  ", lines.subList(from, lines.size())));
        } catch (IOException e) {
            throw new ProbeException("cannot run probe " + args[0] + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProbeException("interrupted");
        } finally {
            if (log != null) {
                try {
                    Files.deleteIfExists(log);
                } catch (IOException ignored) {
                    // temp folder goes at the end of the run
                }
            }
        }
    }

    static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asLong();
        }
        return out;
    }
}
