package io.pvfhost.common.scale;

/** Malformed SCALE input: truncated, non-canonical, over a limit, or with trailing bytes. */
public class ScaleException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ScaleException(String message) {
        super(message);
    }

    public ScaleException(String message, Throwable cause) {
        super(message, cause);
    }
}
