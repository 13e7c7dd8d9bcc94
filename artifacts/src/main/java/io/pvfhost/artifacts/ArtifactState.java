package io.pvfhost.artifacts;

import io.pvfhost.common.error.PrepareError;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The lifecycle of an artifact, as in the reference:
 * <ol>
 *   <li>a request for an unknown artifact makes it {@link Preparing};
 *   <li>a successful preparation makes it {@link Prepared} (path, checksum, size, last needed);
 *   <li>a failed one makes it {@link FailedToProcess}: deterministic errors stay so for good,
 *       transient ones go back to {@link Preparing} when a new request comes after the cooldown,
 *       at most a configured number of times;
 *   <li>a corrupted or missing file, or pruning, removes the entry, and the next request prepares
 *       it again.
 * </ol>
 */
public sealed interface ArtifactState {

    record Preparing(int numFailures) implements ArtifactState {}

    record Prepared(Path path, byte[] checksum, long size, Instant lastNeeded) implements ArtifactState {
        public Prepared withLastNeeded(Instant t) {
            return new Prepared(path, checksum, size, t);
        }
    }

    record FailedToProcess(Instant lastFailed, int numFailures, PrepareError error) implements ArtifactState {}
}
