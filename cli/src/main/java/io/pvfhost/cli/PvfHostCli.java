package io.pvfhost.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import io.pvfhost.bench.BenchCommand;
import io.pvfhost.common.Version;
import io.pvfhost.host.HostSettings;
import io.pvfhost.host.ValidationHost;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code bin/pvf-host}: the command line front end of the validation host. See the package
 * documentation for the commands, the JSON shapes and the exit statuses.
 */
@Command(
        name = "pvf-host",
        mixinStandardHelpOptions = true,
        versionProvider = PvfHostCli.VersionProvider.class,
        description = "Validation host for Polkadot parachain validation functions (PVFs).",
        subcommands = {DemoCommand.class, PrecheckCommand.class, ValidateCommand.class, InfoCommand.class, BenchCommand.class, HelpCommand.class},
        exitCodeOnInvalidInput = PvfHostCli.EXIT_USAGE,
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:valid (the demo: everything went as expected)",
            "1:invalid",
            "2:any other outcome (possibly invalid, internal or preparation error, deadline, failed precheck)",
            "64:bad usage: unknown option, missing or unreadable file, bad params or configuration"})
public final class PvfHostCli implements Callable<Integer> {
    public static final int EXIT_VALID = 0;
    public static final int EXIT_INVALID = 1;
    public static final int EXIT_OTHER = 2;
    public static final int EXIT_USAGE = 64;

    private static final String CACHE_PATH = HostSettings.NAMESPACE + ".cache-path";

    @Option(names = "--config", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "HOCON file overriding the pvf.host settings, e.g. pvf.host.execute.workers-max = 2.")
    Path configFile;

    @Option(names = "--cache", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "Folder of prepared artifacts; overrides pvf.host.cache-path.")
    Path cacheDir;

    @Spec
    CommandSpec spec;

    /** Whether a person is watching stderr: then long waits show a progress line. */
    private final boolean interactive;

    PvfHostCli(boolean interactive) {
        this.interactive = interactive;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command line; results go to {@code out}, diagnostics to {@code err}. Returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        PrintWriter o = new PrintWriter(out, true);
        PrintWriter e = new PrintWriter(err, true);
        CommandLine cl = new CommandLine(new PvfHostCli(System.console() != null));
        cl.setOut(o);
        cl.setErr(e);
        cl.setParameterExceptionHandler(PvfHostCli::usageError);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            String name = commandLine.getCommandSpec().qualifiedName();
            if (ex instanceof UsageException) {
                commandLine.getErr().println(name + ": " + ex.getMessage());
                return EXIT_USAGE;
            }
            commandLine.getErr().println(name + ": unexpected error: " + ex);
            ex.printStackTrace(commandLine.getErr());
            return EXIT_OTHER;
        });
        try {
            return cl.execute(args);
        } finally {
            o.flush();
            e.flush();
        }
    }

    /** A picocli usage error: the message, suggestions for a mistyped option, where to find help. */
    private static int usageError(CommandLine.ParameterException ex, String[] args) {
        CommandLine c = ex.getCommandLine();
        PrintWriter err = c.getErr();
        String name = c.getCommandSpec().qualifiedName();
        err.println(name + ": " + ex.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Try '" + name + " --help' for more information.");
        return c.getCommandSpec().exitCodeOnInvalidInput();
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        err.println("pvf-host: missing command");
        spec.commandLine().usage(err);
        return EXIT_USAGE;
    }

    /** Show a progress line while waiting: stderr is a terminal and the output is not JSON. */
    boolean showProgress(boolean json) {
        return interactive && !json;
    }

    /**
     * The configuration the host starts with, highest priority first: {@code --cache}, the
     * {@code --config} file, this tool's own settings (pvf-cli.conf: Akka logs through Logback),
     * then {@link ConfigFactory#load()} (system properties, application.conf, reference.conf).
     */
    Config hostConfig() throws UsageException {
        Config c = ConfigFactory.empty();
        if (cacheDir != null) {
            if (Files.exists(cacheDir) && !Files.isDirectory(cacheDir)) {
                throw new UsageException("--cache " + cacheDir + ": not a folder");
            }
            c = ConfigFactory.parseMap(Map.of(CACHE_PATH, cacheDir.toAbsolutePath().normalize().toString()), "--cache");
        }
        if (configFile != null) {
            Inputs.requireReadableFile(configFile, "--config");
            try {
                c = c.withFallback(ConfigFactory.parseFile(configFile.toFile(), ConfigParseOptions.defaults().setAllowMissing(false)));
            } catch (ConfigException ex) {
                throw new UsageException("--config " + configFile + ": " + ex.getMessage());
            }
        }
        try {
            return c.withFallback(ConfigFactory.parseResources(PvfHostCli.class, "/pvf-cli.conf"))
                    .withFallback(ConfigFactory.load())
                    .resolve();
        } catch (ConfigException ex) {
            throw new UsageException("bad configuration: " + ex.getMessage());
        }
    }

    /** Whether the configuration leaves the cache folder at the default of reference.conf. */
    static boolean usesDefaultCachePath(Config config) {
        return config.getString(CACHE_PATH).equals(ConfigFactory.defaultReference().getString(CACHE_PATH));
    }

    /** The same configuration with another cache folder. */
    static Config withCachePath(Config config, Path cache) {
        return ConfigFactory.parseMap(Map.of(CACHE_PATH, cache.toString()), "demo").withFallback(config);
    }

    /**
     * Starts a host. A bad setting is bad usage; a cache folder that cannot be used is reported
     * as such; both are {@link UsageException}s, so no stack trace is printed.
     */
    static ValidationHost startHost(Config config) throws UsageException {
        try {
            return ValidationHost.start(config);
        } catch (HostSettings.InvalidSettingException | ConfigException ex) {
            throw new UsageException("bad configuration: " + ex.getMessage());
        } catch (UncheckedIOException ex) {
            throw new UsageException(ex.getMessage());
        }
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {Version.NODE_VERSION + " (engine " + Version.ENGINE_VERSION + ")"};
        }
    }
}
