package io.pvfhost.cli;

import com.typesafe.config.Config;
import io.pvfhost.common.Hex;
import io.pvfhost.common.error.ValidationOutcome;
import io.pvfhost.common.types.ValidationParams;
import io.pvfhost.common.types.ValidationResult;
import io.pvfhost.host.ExecKind;
import io.pvfhost.host.Pvf;
import io.pvfhost.host.ValidationHost;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code pvf-host demo}: builds a short adder chain on our example adder PVF (bundled as
 * {@code /pvfs/adder.wasm}), validating each block, then one block with a wrong state that must
 * come out invalid. Unless a cache folder is configured, it uses a temporary one, so the first
 * block always includes the preparation.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        versionProvider = PvfHostCli.VersionProvider.class,
        exitCodeOnInvalidInput = PvfHostCli.EXIT_USAGE,
        description = {
            "Validates a short chain of blocks with the example adder PVF, then an invalid one.",
            "%nStarts a host, builds blocks on the adder PVF (pvfs/adder.wasm) from its genesis head and "
                + "validates each, one line per block; then one block with a wrong state, which must be invalid "
                + "(StateMismatch). Without --cache or a configured cache-path it uses a temporary cache folder, "
                + "removed at the end, so the first block includes the preparation."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:every block came out as expected", "2:something else happened", "64:bad usage"})
final class DemoCommand implements Callable<Integer> {
    static final String ADDER_RESOURCE = "/pvfs/adder.wasm";
    private static final int MAX_BLOCKS = 1000;

    @ParentCommand
    PvfHostCli cli;

    @Spec
    CommandSpec spec;

    @Option(names = "--blocks", paramLabel = "N", defaultValue = "5",
            description = "Valid blocks to build before the invalid one, 1 to " + MAX_BLOCKS + " (default: ${DEFAULT-VALUE}).")
    int blocks;

    @Override
    public Integer call() throws Exception {
        if (blocks < 1 || blocks > MAX_BLOCKS) {
            throw new UsageException("--blocks " + blocks + ": must be from 1 to " + MAX_BLOCKS);
        }
        Pvf pvf = Pvf.of(adderCode());
        Config config = cli.hostConfig();
        Path tempCache = null;
        if (PvfHostCli.usesDefaultCachePath(config)) {
            tempCache = Files.createTempDirectory("pvf-host-demo-");
            config = PvfHostCli.withCachePath(config, tempCache);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (ValidationHost host = PvfHostCli.startHost(config)) {
            out.printf("pvf-host demo: adder PVF pvfs/adder.wasm (%d bytes, code hash %s)%n", pvf.code().length, pvf.codeHashHex());
            out.printf("cache %s%s%n", host.settings().cachePath(), tempCache != null ? " (temporary)" : "");
            return new Run(host, pvf, tempCache != null, out).chain();
        } finally {
            if (tempCache != null) {
                deleteTree(tempCache);
            }
        }
    }

    static byte[] adderCode() throws IOException {
        try (InputStream in = DemoCommand.class.getResourceAsStream(ADDER_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(ADDER_RESOURCE + " is not on the class path (built without ../pvfs?)");
            }
            return in.readAllBytes();
        }
    }

    /** One demo run: the chain state between blocks. */
    private final class Run {
        private final ValidationHost host;
        private final Pvf pvf;
        private final boolean freshCache;
        private final PrintWriter out;
        private final PrintWriter err;
        private byte[] parentHead = AdderChain.genesisHead();
        private long state;

        Run(ValidationHost host, Pvf pvf, boolean freshCache, PrintWriter out) {
            this.host = host;
            this.pvf = pvf;
            this.freshCache = freshCache;
            this.out = out;
            this.err = spec.commandLine().getErr();
        }

        int chain() throws InterruptedException {
            out.printf("genesis    head hash %s  state %d%n", shortHash(parentHead), state);
            for (int n = 1; n <= blocks; n++) {
                if (!validBlock(n, 2L * n + 3)) {
                    return PvfHostCli.EXIT_OTHER;
                }
            }
            return invalidBlock(blocks + 1) ? PvfHostCli.EXIT_VALID : PvfHostCli.EXIT_OTHER;
        }

        private boolean validBlock(int n, long add) throws InterruptedException {
            long relayParent = n;
            ValidationParams params = new ValidationParams(parentHead, AdderChain.blockData(state, add), relayParent, new byte[32]);
            long start = System.nanoTime();
            ValidationOutcome outcome = execute(params);
            String time = millis(start) + (n == 1 ? (freshCache ? " (includes preparation)" : " (includes preparation unless cached)") : "");
            if (!(outcome instanceof ValidationOutcome.Valid valid)) {
                out.printf("block %-4d %-8s %s  %s%n", n, outcome.outcome(), Reports.summary(outcome), time);
                err.printf("demo: block %d should be valid%n", n);
                return false;
            }
            ValidationResult r = valid.result();
            byte[] expected = AdderChain.nextHead(parentHead, state, add);
            if (!Arrays.equals(expected, r.headData()) || r.hrmpWatermark() != relayParent) {
                out.printf("block %-4d valid    but unexpected: %s  %s%n", n, Reports.summary(outcome), time);
                err.printf("demo: block %d: expected head %s and hrmp watermark %d%n", n, Hex.toHex(expected), relayParent);
                return false;
            }
            out.printf("block %-4d valid    head hash %s  state %d + %d = %d  %s%n",
                    n, shortHash(r.headData()), state, add, state + add, time);
            parentHead = r.headData();
            state += add;
            return true;
        }

        private boolean invalidBlock(int n) throws InterruptedException {
            long claimed = state + 1000;
            ValidationParams params = new ValidationParams(parentHead, AdderChain.blockData(claimed, 1), n, new byte[32]);
            long start = System.nanoTime();
            ValidationOutcome outcome = execute(params);
            String time = millis(start);
            String what = outcome instanceof ValidationOutcome.Valid ? "" : Reports.ErrorInfo.of(outcome).kind();
            boolean stateMismatch = outcome instanceof ValidationOutcome.Invalid i && i.detail().contains("StateMismatch");
            out.printf("block %-4d %-8s %s%s (wrong state %d, the chain is at %d)  %s%n", n, outcome.outcome(), what,
                    stateMismatch ? ": StateMismatch" : "", claimed, state, time);
            if (!stateMismatch) {
                err.printf("demo: block %d with a wrong state should be invalid with StateMismatch, got %s%n",
                        n, Reports.summary(outcome));
                return false;
            }
            out.printf("demo ok: %d blocks valid, the block with a wrong state invalid%n", blocks);
            return true;
        }

        private ValidationOutcome execute(ValidationParams params) throws InterruptedException {
            return Waiting.await(host.executePvf(pvf, params, ExecKind.BACKING, null),
                    cli.showProgress(false) ? err : null);
        }
    }

    private static String millis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000 + " ms";
    }

    /** The first 4 bytes of the adder's block hash, e.g. 0x1a2b3c4d.. */
    private static String shortHash(byte[] head) {
        return Hex.toHex(Arrays.copyOf(AdderChain.hash(head), 4)) + "..";
    }

    private void deleteTree(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            spec.commandLine().getErr().println("demo: could not remove the temporary cache " + root + ": " + e.getMessage());
        }
    }
}
