package io.pvfhost.artifacts;

/** The artifact file does not match its recorded checksum or is not a readable artifact. */
public final class CorruptedArtifactException extends Exception {
    public CorruptedArtifactException(String message) {
        super(message);
    }

    public CorruptedArtifactException(String message, Throwable cause) {
        super(message, cause);
    }
}
