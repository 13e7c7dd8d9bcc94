/**
 * {@code bin/pvf-host bench}: benchmarks of the validation host. Every figure is measured in the
 * same run as its baseline and printed beside it as a ratio, so a noisy machine moves both.
 *
 * <ul>
 *   <li>{@link io.pvfhost.bench.BenchCommand}: the picocli command, options, JVM variants and
 *       class caches; {@link io.pvfhost.bench.Targets}: the targets against the run.
 *   <li>Sections: {@link io.pvfhost.bench.PrepareSection}, {@link io.pvfhost.bench.E2eSection},
 *       {@link io.pvfhost.bench.ComputeSection}, {@link io.pvfhost.bench.ColdSection}.
 *   <li>{@link io.pvfhost.bench.Probe}: the engine in-process, in a JVM started like a worker.
 *   <li>Peers: {@link io.pvfhost.bench.Wasmtime} (wasmtime-java, in this JVM) and
 *       {@link io.pvfhost.bench.V8} (node, a small script).
 * </ul>
 *
 * <p>Nothing here is used by the host itself; the module exists only for the command line.
 */
package io.pvfhost.bench;
