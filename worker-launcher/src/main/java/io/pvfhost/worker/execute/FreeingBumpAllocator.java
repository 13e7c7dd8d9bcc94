package io.pvfhost.worker.execute;

import com.dylibso.chicory.runtime.Memory;
import java.util.Arrays;

/**
 * Port of Substrate's freeing-bump heap allocator ({@code sc-allocator}, {@code freeing_bump.rs},
 * on-chain configuration). It must be byte-compatible with the reference: runtimes observe the
 * addresses it returns and the 8-byte headers it writes into linear memory.
 *
 * <p>Blocks are powers of two from 8 bytes to 32 MiB ("orders" 0..22), each preceded by an 8-byte
 * little-endian header: occupied = {@code 1 << 32 | order}, free = link to the next free header
 * ({@code 0xFFFFFFFF} ends the list). Allocation pops the order's free list, else bumps. Freed
 * blocks go back on their order's list; nothing is ever split, coalesced or returned to the bumper.
 *
 * <p>Addresses are unsigned 32-bit values carried in {@code int}. Any error poisons the allocator:
 * every later call fails. Not thread-safe (one instance per wasm instance / call).
 */
public final class FreeingBumpAllocator {
    static final int PAGE_SIZE = 65536;
    /** 4 GiB / PAGE_SIZE: the reference's cap when memory declares no maximum. */
    static final long MAX_WASM_PAGES = 65536;
    /** i64's natural alignment, the largest wasm32 primitive. */
    static final int ALIGNMENT = 8;
    static final int HEADER_SIZE = 8;
    static final int MIN_POSSIBLE_ALLOCATION = 8;
    /** {@code sp_core::MAX_POSSIBLE_ALLOCATION}: 32 MiB, the on-chain limit. */
    static final int MAX_POSSIBLE_ALLOCATION = 1 << 25;
    /** Orders 2^3..2^25 inclusive. */
    static final int N_ORDERS = 23;
    /** u32::MAX terminates a free list (a real header can never live there). */
    static final int NIL = 0xFFFFFFFF;
    /** Bit 32 of a header marks it occupied; the low 32 bits are order or next link. */
    static final long OCCUPIED = 1L << 32;

    /** Statistics, as {@code AllocationStats} (u32/u128 fields widened to long). */
    public record Stats(
            long bytesAllocated, long bytesAllocatedPeak, long bytesAllocatedSum, long addressSpaceUsed) {}

    private final int originalHeapBase;
    private int bumper;
    private final int[] freeLists = new int[N_ORDERS];
    private boolean poisoned;
    private long lastObservedMemorySize;
    private long bytesAllocated;
    private long bytesAllocatedPeak;
    private long bytesAllocatedSum;
    private long addressSpaceUsed;

    /** @param heapBase offset (unsigned) where the heap starts, normally the runtime's {@code __heap_base}. */
    public FreeingBumpAllocator(int heapBase) {
        // Reference: (heap_base + 7) / 8 * 8 in u32. Int arithmetic wraps exactly like a release
        // build of the reference, and clearing the low bits equals the unsigned division.
        this.originalHeapBase = (heapBase + ALIGNMENT - 1) & -ALIGNMENT;
        this.bumper = originalHeapBase;
        Arrays.fill(freeLists, NIL);
    }

    /**
     * Allocates {@code size} (unsigned) bytes, rounded up to a power of two of at least 8.
     *
     * @return the (unsigned) address of the block, 8-aligned, right after its header
     */
    public int allocate(Memory memory, int size) throws AllocatorException {
        if (poisoned) {
            throw AllocatorException.other("the allocator has been poisoned");
        }
        boolean ok = false; // PoisonBomb: anything thrown below, even a runtime exception, poisons
        try {
            observeMemorySize(memory);
            int order = orderFromSize(size);
            int blockSize = orderSize(order);
            int headerPtr = freeLists[order];
            if (headerPtr != NIL) {
                // The head is only trusted to be in bounds; the runtime may have scribbled on it.
                if (u(headerPtr) + blockSize + HEADER_SIZE > memorySize(memory)) {
                    throw AllocatorException.other("Invalid header pointer detected");
                }
                long header = readHeader(memory, headerPtr);
                if ((header & OCCUPIED) != 0) {
                    throw AllocatorException.other("free list points to a occupied header");
                }
                freeLists[order] = (int) header;
            } else {
                headerPtr = bump(blockSize + HEADER_SIZE, memory);
            }
            writeLeU64(memory, headerPtr, OCCUPIED | order);

            bytesAllocated += blockSize + HEADER_SIZE;
            bytesAllocatedSum += blockSize + HEADER_SIZE;
            bytesAllocatedPeak = Math.max(bytesAllocatedPeak, bytesAllocated);
            addressSpaceUsed = u(bumper - originalHeapBase);
            ok = true;
            return headerPtr + HEADER_SIZE;
        } finally {
            if (!ok) {
                poisoned = true;
            }
        }
    }

    /** Frees the block at {@code ptr} (unsigned), as previously returned by {@link #allocate}. */
    public void deallocate(Memory memory, int ptr) throws AllocatorException {
        if (poisoned) {
            throw AllocatorException.other("the allocator has been poisoned");
        }
        boolean ok = false;
        try {
            observeMemorySize(memory);
            if (Integer.compareUnsigned(ptr, HEADER_SIZE) < 0) {
                throw AllocatorException.other("Invalid pointer for deallocation");
            }
            int headerPtr = ptr - HEADER_SIZE;
            long header = readHeader(memory, headerPtr);
            // A free header here means a double free (or a pointer we never handed out).
            if ((header & OCCUPIED) == 0) {
                throw AllocatorException.other("the allocation points to an empty header");
            }
            int order = (int) header;
            int prevHead = freeLists[order];
            freeLists[order] = headerPtr;
            writeLeU64(memory, headerPtr, u(prevHead));

            // Same order as the reference: the list is already updated when this check fails,
            // which does not matter since the allocator is then poisoned.
            long freed = orderSize(order) + HEADER_SIZE;
            if (bytesAllocated < freed) {
                throw AllocatorException.other("underflow of the currently allocated bytes count");
            }
            bytesAllocated -= freed;
            ok = true;
        } finally {
            if (!ok) {
                poisoned = true;
            }
        }
    }

    public boolean isPoisoned() {
        return poisoned;
    }

    public Stats stats() {
        return new Stats(bytesAllocated, bytesAllocatedPeak, bytesAllocatedSum, addressSpaceUsed);
    }

    /** Test hook: the current bump pointer (unsigned). */
    int bumper() {
        return bumper;
    }

    /** Test hook: head of an order's free list, {@link #NIL} if empty. */
    int freeListHead(int order) {
        return freeLists[order];
    }

    /**
     * Advances the bumper by {@code size} and returns its old value, growing memory if needed to
     * max(2 x current pages, required pages), capped at the memory's maximum.
     */
    private int bump(int size, Memory memory) {
        long requiredSize = u(bumper) + size;
        if (requiredSize > memorySize(memory)) {
            long requiredPages = pagesFromSize(requiredSize);
            long currentPages = u(memory.pages());
            // Chicory always reports a maximum (65536 capped to its own 32767 when undeclared).
            long maxPages = Math.min(u(memory.maximumPages()), MAX_WASM_PAGES);
            if (currentPages >= maxPages || requiredPages > maxPages) {
                throw AllocatorException.outOfSpace();
            }
            long nextPages = Math.max(Math.min(currentPages * 2, maxPages), requiredPages);
            if (memory.grow((int) (nextPages - currentPages)) < 0) { // Chicory: -1 on failure
                throw AllocatorException.outOfSpace();
            }
        }
        int res = bumper;
        bumper += size;
        return res;
    }

    /**
     * Memory size is re-read on every call because the runtime can grow memory itself
     * ({@code memory.grow}); it must never shrink between calls.
     */
    private void observeMemorySize(Memory memory) {
        long size = memorySize(memory);
        if (size < lastObservedMemorySize) {
            throw AllocatorException.memoryShrinked();
        }
        lastObservedMemorySize = size;
    }

    /** Reads a header, validating the order of an occupied one (Header::read_from). */
    static long readHeader(Memory memory, int headerPtr) {
        long header = readLeU64(memory, headerPtr);
        if ((header & OCCUPIED) != 0) {
            orderFromRaw((int) header);
        }
        return header;
    }

    static long readLeU64(Memory memory, int ptr) {
        // Explicit bounds check so we fail with the reference's error, not Chicory's trap.
        if (u(ptr) + 8 > memorySize(memory)) {
            throw AllocatorException.other("read out of heap bounds");
        }
        return memory.readLong(ptr); // Chicory memory is little-endian
    }

    static void writeLeU64(Memory memory, int ptr, long value) {
        if (u(ptr) + 8 > memorySize(memory)) {
            throw AllocatorException.other("write out of heap bounds");
        }
        memory.writeLong(ptr, value);
    }

    /** Order for an (unsigned) request size: ceil(log2(max(size, 8))) - 3. */
    static int orderFromSize(int size) {
        long s = u(size);
        if (s > MAX_POSSIBLE_ALLOCATION) {
            throw AllocatorException.requestedAllocationTooLarge();
        }
        int clamped = (int) Math.max(s, MIN_POSSIBLE_ALLOCATION);
        int log2Ceil = 32 - Integer.numberOfLeadingZeros(clamped - 1); // next_power_of_two's exponent
        return log2Ceil - Integer.numberOfTrailingZeros(MIN_POSSIBLE_ALLOCATION);
    }

    static int orderFromRaw(int raw) {
        if (u(raw) >= N_ORDERS) {
            throw AllocatorException.other("invalid order");
        }
        return raw;
    }

    static int orderSize(int order) {
        return MIN_POSSIBLE_ALLOCATION << order;
    }

    /** Pages needed to hold {@code size} bytes (rounded up). */
    static long pagesFromSize(long size) {
        return (size + PAGE_SIZE - 1) / PAGE_SIZE;
    }

    private static long memorySize(Memory memory) {
        return u(memory.pages()) * PAGE_SIZE;
    }

    private static long u(int v) {
        return Integer.toUnsignedLong(v);
    }
}
