package io.pvfhost.cli;

import io.pvfhost.host.PrecheckOutcome;
import io.pvfhost.host.Pvf;
import io.pvfhost.host.ValidationHost;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code pvf-host precheck --code FILE [--json]}: prepares the code only; is it fit to be voted for? */
@Command(
        name = "precheck",
        mixinStandardHelpOptions = true,
        versionProvider = PvfHostCli.VersionProvider.class,
        exitCodeOnInvalidInput = PvfHostCli.EXIT_USAGE,
        description = {
            "Prechecks validation code: prepares it only, with the precheck timeout.",
            "%nAs a validator does before voting on a code upgrade. Valid: fit to be voted for; invalid: a "
                + "deterministic preparation error, vote against; failed: a transient error, no vote either way."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:valid", "1:invalid", "2:failed", "64:bad usage"})
final class PrecheckCommand implements Callable<Integer> {
    @ParentCommand
    PvfHostCli cli;

    @Spec
    CommandSpec spec;

    @Option(names = "--code", required = true, paramLabel = "FILE",
            description = "Validation code as stored on chain: raw wasm or the maybe-compressed form.")
    Path code;

    @Option(names = "--json", description = "Print exactly one JSON object: outcome, codeHash and error (kind, detail; absent when valid).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Pvf pvf = Pvf.of(Inputs.readCode(code));
        PrintWriter out = spec.commandLine().getOut();
        PrecheckOutcome outcome;
        try (ValidationHost host = PvfHostCli.startHost(cli.hostConfig())) {
            outcome = Waiting.await(host.precheckPvf(pvf), cli.showProgress(json) ? spec.commandLine().getErr() : null);
        }
        out.println(json ? Reports.toJson(Reports.json(outcome, pvf.codeHashHex())) : Reports.summary(outcome, pvf.codeHashHex()));
        return Reports.exitCode(outcome);
    }
}
