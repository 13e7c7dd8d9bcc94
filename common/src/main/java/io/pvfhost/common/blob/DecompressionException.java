package io.pvfhost.common.blob;

/**
 * A maybe-compressed blob could not be decompressed. For code this is the deterministic
 * preparation error {@code CouldNotDecompressCodeBlob}; for a PoV it makes the candidate invalid.
 */
public final class DecompressionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The reference's two errors: {@code PossibleBomb} and {@code Invalid}. */
    public enum Kind {
        /** More than the limit would come out. */
        BOMB,
        /** Not a well-formed zstd stream: bad header, corrupt block, checksum mismatch, truncated. */
        CORRUPT
    }

    private final Kind kind;

    public DecompressionException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public DecompressionException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
