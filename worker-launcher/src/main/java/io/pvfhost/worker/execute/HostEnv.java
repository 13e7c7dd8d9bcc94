package io.pvfhost.worker.execute;

import com.dylibso.chicory.runtime.Memory;
import java.nio.charset.StandardCharsets;

/**
 * The state host functions share during one call of validate_block: the allocator and what the
 * runtime logged. A fresh one per call, like the instance.
 */
public final class HostEnv {
    /** RuntimeInterfaceLogLevel::Error. */
    public static final int LOG_LEVEL_ERROR = 0;
    private static final int MAX_KEPT_MESSAGE = 4096;

    private FreeingBumpAllocator allocator;
    private String lastErrorMessage;

    void setAllocator(FreeingBumpAllocator allocator) {
        this.allocator = allocator;
    }

    public int allocate(Memory memory, int size) {
        if (allocator == null) {
            throw new HostTrap("allocator used before validate_block was called");
        }
        try {
            return allocator.allocate(memory, size);
        } catch (AllocatorException e) {
            throw new HostTrap("allocator: " + e.getMessage());
        }
    }

    public void free(Memory memory, int ptr) {
        if (allocator == null) {
            throw new HostTrap("allocator used before validate_block was called");
        }
        try {
            allocator.deallocate(memory, ptr);
        } catch (AllocatorException e) {
            throw new HostTrap("allocator: " + e.getMessage());
        }
    }

    /** Copies data into freshly allocated wasm memory and returns its address. */
    public int allocateAndWrite(Memory memory, byte[] data) {
        int ptr = allocate(memory, data.length);
        memory.write(ptr, data);
        return ptr;
    }

    public void log(int level, String target, String message) {
        if (level == LOG_LEVEL_ERROR) {
            lastErrorMessage = message.length() > MAX_KEPT_MESSAGE ? message.substring(0, MAX_KEPT_MESSAGE) + "…" : message;
        }
    }

    /** The last error-level message: a runtime's panic text. */
    public String lastErrorMessage() {
        return lastErrorMessage;
    }

    /** Reads a packed (low 32 bits pointer, high 32 bits length) span, bounds-checked. */
    public static byte[] readSpan(Memory memory, long packed) {
        long ptr = packed & 0xFFFFFFFFL;
        long len = packed >>> 32;
        long size = (long) memory.pages() * Memory.PAGE_SIZE;
        if (ptr + len > size) {
            throw new HostTrap("out of bounds span " + ptr + "+" + len + " (memory " + size + " bytes)");
        }
        return memory.readBytes((int) ptr, (int) len);
    }

    /** A span as text, malformed UTF-8 replaced (for bytes the reference takes as bytes). */
    public static String readString(Memory memory, long packed) {
        return new String(readSpan(memory, packed), StandardCharsets.UTF_8);
    }

    /**
     * A span that must be UTF-8 (the reference's {@code &str} arguments): malformed bytes trap, as
     * the reference's host call fails on them.
     */
    public static String readUtf8(Memory memory, long packed) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(readSpan(memory, packed))).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new HostTrap("invalid UTF-8 in a string argument");
        }
    }
}
