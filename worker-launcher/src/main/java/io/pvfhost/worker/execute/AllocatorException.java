package io.pvfhost.worker.execute;

/**
 * An error of {@link FreeingBumpAllocator}; mirrors {@code sc_allocator::Error}. Messages are the
 * reference's {@code Display} strings, so they can be surfaced to callers unchanged.
 */
public final class AllocatorException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The variants of {@code sc_allocator::Error}. */
    public enum Kind {
        /** A single request was larger than the 32 MiB maximum. */
        REQUESTED_ALLOCATION_TOO_LARGE,
        /** The bumper would pass the end of memory and memory cannot grow enough. */
        ALLOCATOR_OUT_OF_SPACE,
        /** Memory is smaller than on a previous call. */
        MEMORY_SHRINKED,
        /** Anything else (corrupted headers, bad pointers, poisoned allocator...). */
        OTHER
    }

    private final Kind kind;

    private AllocatorException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    static AllocatorException requestedAllocationTooLarge() {
        return new AllocatorException(
                Kind.REQUESTED_ALLOCATION_TOO_LARGE, "Requested allocation size is too large");
    }

    static AllocatorException outOfSpace() {
        return new AllocatorException(Kind.ALLOCATOR_OUT_OF_SPACE, "Allocator ran out of space");
    }

    static AllocatorException memoryShrinked() {
        return new AllocatorException(
                Kind.MEMORY_SHRINKED, "Shrinking of the underlying memory is observed");
    }

    /** {@code Error::Other(msg)}, displayed by the reference as {@code "Other: {msg}"}. */
    static AllocatorException other(String msg) {
        return new AllocatorException(Kind.OTHER, "Other: " + msg);
    }

    public Kind kind() {
        return kind;
    }
}
