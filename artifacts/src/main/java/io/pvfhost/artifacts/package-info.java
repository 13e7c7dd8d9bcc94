/**
 * The artifact store, without actors.
 *
 * <p>The lifecycle of an artifact:
 * <ol>
 *   <li>A request names code and executor parameters; their {@link io.pvfhost.artifacts.ArtifactId}
 *       (blake2b-256 of the stored code, hash of the parameters that change compilation) names the
 *       file: {@code <engine version>_<code hash>_<params hash>.pvfa}.
 *   <li>The host marks it {@code Preparing} in its {@link io.pvfhost.artifacts.ArtifactTable} and a
 *       prepare worker writes it with {@link io.pvfhost.artifacts.ArtifactFile#write} (temp file, then
 *       rename), returning its checksum: compiled classes plus the module image and the interpreted
 *       functions' bodies, or the error of a deterministic failure.
 *   <li>{@code Prepared} artifacts are executed: the execute worker checks the checksum before it
 *       defines a class, each class when it defines it, and the interpreted bodies when a call
 *       first enters the interpreter. A mismatch or a missing file sends the host back to step 2.
 *   <li>{@code FailedToProcess} artifacts answer with their error: deterministic ones for good,
 *       transient ones until the retry cooldown passes (at most N times).
 *   <li>{@link io.pvfhost.artifacts.PruningPolicy} picks the least recently needed artifacts while
 *       the cache is over its size limit, never one needed within the TTL, never one in use.
 *   <li>At start, {@link io.pvfhost.artifacts.ArtifactStore#cleanAndScan} removes our stale files
 *       (other engine versions, temp files, worker folders, worker class caches of another key:
 *       {@link io.pvfhost.artifacts.ClassCacheFiles}) and finds the current ones; it never touches
 *       a file it does not recognise as ours. The host records each one's checksum from its head
 *       alone ({@link io.pvfhost.artifacts.ArtifactFile#scan}); the classes and the interpreted
 *       bodies are checked when a worker first needs them.
 * </ol>
 */
package io.pvfhost.artifacts;
