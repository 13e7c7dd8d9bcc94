package io.pvfhost.common.wire;

/** A frame or message from the other side is malformed, too large, or the stream ended. */
public final class WireException extends RuntimeException {
    public WireException(String message) {
        super(message);
    }

    public WireException(String message, Throwable cause) {
        super(message, cause);
    }
}
