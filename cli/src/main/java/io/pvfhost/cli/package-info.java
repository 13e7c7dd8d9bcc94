/**
 * {@code bin/pvf-host}, the command line of the validation host.
 *
 * <h2>Flow</h2>
 * <ol>
 *   <li>{@code bin/pvf-host} builds what is missing with Maven, then runs {@link io.pvfhost.cli.PvfHostCli}
 *       on the cli jar and {@code cli/target/classpath.txt} (maven-dependency-plugin, package phase).
 *       The worker JVMs the host starts get the jars of that class path they need
 *       ({@link io.pvfhost.worker.host.WorkerClassPath}).</li>
 *   <li>{@link io.pvfhost.cli.PvfHostCli#run} parses the command line with picocli. Global options
 *       ({@code --config FILE}, {@code --cache DIR}) may stand before or after the command.</li>
 *   <li>A command reads and checks its input files first ({@link io.pvfhost.cli.Inputs}), so bad
 *       usage is reported before any host starts; then it starts a
 *       {@link io.pvfhost.host.ValidationHost} on the configuration (highest priority first:
 *       {@code --cache}, the {@code --config} file, {@code pvf-cli.conf}, application.conf,
 *       reference.conf), sends one request and waits for the answer ({@link io.pvfhost.cli.Waiting},
 *       with a progress line on a terminal), stops the host and prints the outcome
 *       ({@link io.pvfhost.cli.Reports}).</li>
 * </ol>
 *
 * <h2>Commands</h2>
 * <ul>
 *   <li>{@code demo [--blocks N]}: an adder chain on our example PVF {@code pvfs/adder.wasm}
 *       (bundled as the resource {@code /pvfs/adder.wasm}; chain rules in {@link io.pvfhost.cli.AdderChain}),
 *       N valid blocks and then one with a wrong state, which must be invalid (StateMismatch).</li>
 *   <li>{@code precheck --code FILE [--json]}:
 *       {@code {"outcome":"valid"|"invalid"|"failed","codeHash":"0x..","error":{"kind":..,"detail":..}}},
 *       error absent when valid; the kind is the {@code PrepareError} kind's display name.</li>
 *   <li>{@code validate --code FILE --params FILE [--kind backing|approval|dispute] [--timeout 2s] [--json]}:
 *       params are SCALE {@code ValidationParams}, raw or hex text.
 *       {@code {"outcome":"valid","result":{"headData":..,"newValidationCode":null,"upwardMessages":[..],
 *       "horizontalMessages":[{"recipient":n,"data":..}],"processedDownwardMessages":n,"hrmpWatermark":n},
 *       "resultBytes":"0x.."}} or {@code {"outcome":"invalid"|"possibly-invalid"|"internal-error"|
 *       "preparation-error"|"deadline","error":{"kind":..,"detail":..}}}.</li>
 * </ul>
 *
 * <h2>Promises</h2>
 * <ul>
 *   <li>With {@code --json}, stdout holds exactly one JSON object (ASCII; non-ASCII escaped) when
 *       there is an outcome, and nothing otherwise. Diagnostics and logs (logback.xml: warnings and
 *       errors; Akka through SLF4J) go to stderr.</li>
 *   <li>Exit status: 0 valid, 1 invalid, 2 any other outcome, 64 bad usage (picocli usage errors,
 *       missing or unreadable files, bad params, bad configuration, an unusable cache folder).</li>
 * </ul>
 */
package io.pvfhost.cli;
