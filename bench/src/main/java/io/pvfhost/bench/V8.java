package io.pvfhost.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The V8 peer: node on the PATH runs a small script (v8-peer.js) with {@code WebAssembly.compile}.
 * Two flag sets: V8's default (Liftoff baseline first, TurboFan for hot code in the background)
 * and TurboFan only ({@code --no-liftoff --no-wasm-tier-up}), both with eager compilation.
 */
final class V8 {
    enum Tier {
        DEFAULT("V8 default (Liftoff, tier-up)", List.of("--no-wasm-lazy-compilation")),
        TURBOFAN("V8 TurboFan only", List.of("--no-wasm-lazy-compilation", "--no-liftoff", "--no-wasm-tier-up"));

        final String label;
        final List<String> flags;

        Tier(String label, List<String> flags) {
            this.label = label;
            this.flags = flags;
        }
    }

    private final Path node;
    private final Path script;
    final String version;

    private V8(Path node, Path script, String version) {
        this.node = node;
        this.script = script;
        this.version = version;
    }

    /** node from the PATH, with the script copied into {@code workDir}; empty when node is missing. */
    static Optional<V8> find(Path workDir) throws IOException {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(":")) {
            Path node = Path.of(dir.isEmpty() ? "." : dir, "node");
            if (Files.isExecutable(node)) {
                Path script = workDir.resolve("v8-peer.js");
                try (InputStream in = V8.class.getResourceAsStream("v8-peer.js")) {
                    Files.write(script, in.readAllBytes());
                }
                String version = run(node, List.of("-e", "console.log(process.version + ' (V8 ' + process.versions.v8 + ')')"))
                        .trim();
                return Optional.of(new V8(node, script, version));
            }
        }
        return Optional.empty();
    }

    long[] compile(Tier tier, Path wasm, int iterations) throws IOException {
        List<String> args = new ArrayList<>(tier.flags);
        args.addAll(List.of(script.toString(), "compile", wasm.toString(), Integer.toString(iterations)));
        return ProbeRunner.longs(json(args).get("ns"));
    }

    record Run(long[] nanos, long hash) {}

    Run compute(Tier tier, Path wasm, int n, int warmup, int iterations) throws IOException {
        List<String> args = new ArrayList<>(tier.flags);
        args.addAll(List.of(script.toString(), "compute", wasm.toString(), Integer.toString(n), Integer.toString(warmup),
                Integer.toString(iterations)));
        JsonNode r = json(args);
        return new Run(ProbeRunner.longs(r.get("ns")), Long.parseUnsignedLong(r.get("hash").asText(), 16));
    }

    private JsonNode json(List<String> args) throws IOException {
        String out = run(node, args);
        String last = out.strip().lines().reduce((a, b) -> b).orElse("");
        return Report.JSON.readTree(last);
    }

    private static String run(Path node, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(node.toString());
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        try {
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IOException("node " + String.join(" ", args) + " failed: " + new String(out, StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
