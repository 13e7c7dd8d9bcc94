package io.pvfhost.artifacts;

import io.pvfhost.common.error.PrepareError;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The host's table of artifacts and the pure decisions about them. Not thread-safe: one owner. */
public final class ArtifactTable {

    /** What a new request for an artifact should do. */
    public enum Decision {
        /** Prepared: run it. */
        USE,
        /** Already preparing: wait for it (bundling). */
        JOIN,
        /** Unknown, or a transient failure whose cooldown has passed: prepare it. */
        PREPARE,
        /** Failed and not to be retried (deterministic, or cooldown / attempts say no). */
        FAIL
    }

    private final Map<ArtifactId, ArtifactState> states = new HashMap<>();

    public Optional<ArtifactState> state(ArtifactId id) {
        return Optional.ofNullable(states.get(id));
    }

    public Map<ArtifactId, ArtifactState> view() {
        return java.util.Collections.unmodifiableMap(states);
    }

    public Decision decide(ArtifactId id, Instant now, Duration retryCooldown, int maxFailures) {
        ArtifactState s = states.get(id);
        if (s == null) {
            return Decision.PREPARE;
        }
        if (s instanceof ArtifactState.Prepared) {
            return Decision.USE;
        }
        if (s instanceof ArtifactState.Preparing) {
            return Decision.JOIN;
        }
        ArtifactState.FailedToProcess f = (ArtifactState.FailedToProcess) s;
        boolean retry = f.error().isTransient()
                && f.numFailures() <= maxFailures
                && !now.isBefore(f.lastFailed().plus(retryCooldown));
        return retry ? Decision.PREPARE : Decision.FAIL;
    }

    /** Marks the artifact as preparing, keeping the failure count of an earlier attempt. */
    public void startPreparing(ArtifactId id) {
        int failures = states.get(id) instanceof ArtifactState.FailedToProcess f ? f.numFailures() : 0;
        states.put(id, new ArtifactState.Preparing(failures));
    }

    public void prepared(ArtifactId id, Path path, byte[] checksum, long size, Instant now) {
        states.put(id, new ArtifactState.Prepared(path, checksum.clone(), size, now));
    }

    public void failed(ArtifactId id, PrepareError error, Instant now) {
        int failures = states.get(id) instanceof ArtifactState.Preparing p ? p.numFailures() : 0;
        states.put(id, new ArtifactState.FailedToProcess(now, failures + 1, error));
    }

    /** Records that the artifact was needed now (execution or heads-up): it keeps it from pruning. */
    public void touch(ArtifactId id, Instant now) {
        if (states.get(id) instanceof ArtifactState.Prepared p) {
            states.put(id, p.withLastNeeded(now));
        }
    }

    public void remove(ArtifactId id) {
        states.remove(id);
    }
}
