package io.pvfhost.cli;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.pvfhost.common.error.ValidationOutcome;
import io.pvfhost.common.types.ValidationParams;
import io.pvfhost.host.ExecKind;
import io.pvfhost.host.Pvf;
import io.pvfhost.host.ValidationHost;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code pvf-host validate --code FILE --params FILE [--kind K] [--timeout D] [--json]}: validates one
 * candidate.
 */
@Command(
        name = "validate",
        mixinStandardHelpOptions = true,
        versionProvider = PvfHostCli.VersionProvider.class,
        exitCodeOnInvalidInput = PvfHostCli.EXIT_USAGE,
        description = "Validates one candidate: prepares the code if it is not prepared yet, then runs "
                + "its validate_block on the params.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:valid",
            "1:invalid",
            "2:possibly invalid, internal error, preparation error or deadline",
            "64:bad usage (including params that are not SCALE ValidationParams)"})
final class ValidateCommand implements Callable<Integer> {
    @ParentCommand
    PvfHostCli cli;

    @Spec
    CommandSpec spec;

    @Option(names = "--code", required = true, paramLabel = "FILE",
            description = "Validation code as stored on chain: raw wasm or the maybe-compressed form.")
    Path code;

    @Option(names = "--params", required = true, paramLabel = "FILE",
            description = "SCALE-encoded ValidationParams, as raw bytes or as hex text (optional 0x, whitespace ignored).")
    Path params;

    @Option(names = "--kind", paramLabel = "KIND", defaultValue = "backing", converter = KindConverter.class,
            completionCandidates = KindConverter.class,
            description = "Why the candidate is validated: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). "
                    + "Sets the preparation priority and the default timeout; approval and dispute retry an "
                    + "ambiguous failure once.")
    ExecKind kind;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "CPU-time limit of the execution, e.g. 2s or 500ms (default: "
                    + "pvf.host.execute.backing-timeout, or approval-timeout for approval and dispute).")
    Duration timeout;

    @Option(names = "--json", description = "Print exactly one JSON object with the outcome (and the result when valid).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        byte[] codeBytes = Inputs.readCode(code);
        ValidationParams p = Inputs.readParams(params);
        Pvf pvf = Pvf.of(codeBytes);
        PrintWriter out = spec.commandLine().getOut();
        ValidationOutcome outcome;
        try (ValidationHost host = PvfHostCli.startHost(cli.hostConfig())) {
            outcome = Waiting.await(host.executePvf(pvf, p, kind, timeout), cli.showProgress(json) ? spec.commandLine().getErr() : null);
        }
        out.println(json ? Reports.toJson(Reports.json(outcome)) : Reports.summary(outcome));
        return Reports.exitCode(outcome);
    }

    /** backing, approval or dispute (any case) to an {@link ExecKind}. */
    static final class KindConverter implements ITypeConverter<ExecKind>, Iterable<String> {
        private static final Map<String, ExecKind> KINDS =
                Map.of("backing", ExecKind.BACKING, "approval", ExecKind.APPROVAL, "dispute", ExecKind.DISPUTE);
        private static final List<String> NAMES = List.of("backing", "approval", "dispute");

        @Override
        public ExecKind convert(String value) {
            ExecKind k = KINDS.get(value.toLowerCase(Locale.ROOT));
            if (k == null) {
                throw new TypeConversionException("'" + value + "' is not one of backing, approval, dispute");
            }
            return k;
        }

        @Override
        public Iterator<String> iterator() {
            return NAMES.iterator();
        }
    }

    /** A positive duration with a unit, as in the configuration: 2s, 500ms, 1m. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.strip();
            if (v.isEmpty() || v.chars().allMatch(Character::isDigit)) {
                throw new TypeConversionException("'" + value + "' needs a unit, e.g. 2s or 500ms");
            }
            Duration d;
            try {
                d = ConfigFactory.parseMap(Map.of("d", v)).getDuration("d");
            } catch (ConfigException e) {
                throw new TypeConversionException("'" + value + "' is not a duration such as 2s or 500ms");
            }
            if (d.isNegative() || d.isZero()) {
                throw new TypeConversionException("'" + value + "' must be positive");
            }
            return d;
        }
    }
}
