package io.pvfhost.worker.execute;

import static io.pvfhost.worker.execute.FreeingBumpAllocator.HEADER_SIZE;
import static io.pvfhost.worker.execute.FreeingBumpAllocator.MAX_POSSIBLE_ALLOCATION;
import static io.pvfhost.worker.execute.FreeingBumpAllocator.MIN_POSSIBLE_ALLOCATION;
import static io.pvfhost.worker.execute.FreeingBumpAllocator.NIL;
import static io.pvfhost.worker.execute.FreeingBumpAllocator.N_ORDERS;
import static io.pvfhost.worker.execute.FreeingBumpAllocator.OCCUPIED;
import static io.pvfhost.worker.execute.FreeingBumpAllocator.PAGE_SIZE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import io.pvfhost.worker.execute.AllocatorException.Kind;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Port of {@code mod tests} in Substrate's {@code freeing_bump.rs} (same names, camelCase, same
 * numbers), followed by a few extra tests marked as such.
 */
class FreeingBumpAllocatorTest {

    /** Reference MemoryInstance::with_pages: max defaults to 65536 pages (Chicory caps it to 32767). */
    private static Memory memory(int pages) {
        return new ByteArrayMemory(new MemoryLimits(pages));
    }

    /** MemoryInstance::with_pages + set_max_wasm_pages. */
    private static Memory memory(int pages, int maxPages) {
        return new ByteArrayMemory(new MemoryLimits(pages, maxPages));
    }

    private static AllocatorException assertError(Kind kind, Runnable call) {
        AllocatorException e = assertThrows(AllocatorException.class, call::run);
        assertEquals(kind, e.kind(), e.getMessage());
        return e;
    }

    private static int[] heads(FreeingBumpAllocator heap) {
        int[] heads = new int[N_ORDERS];
        for (int i = 0; i < N_ORDERS; i++) {
            heads[i] = heap.freeListHead(i);
        }
        return heads;
    }

    @Test
    void testPagesFromSize() {
        assertEquals(0, FreeingBumpAllocator.pagesFromSize(0));
        assertEquals(1, FreeingBumpAllocator.pagesFromSize(1));
        assertEquals(1, FreeingBumpAllocator.pagesFromSize(65536));
        assertEquals(2, FreeingBumpAllocator.pagesFromSize(65536 + 1));
        assertEquals(2, FreeingBumpAllocator.pagesFromSize(2 * 65536));
        assertEquals(3, FreeingBumpAllocator.pagesFromSize(2 * 65536 + 1));
    }

    @Test
    void shouldAllocateProperly() {
        Memory mem = memory(1);
        var heap = new FreeingBumpAllocator(0);
        // returned pointer must start right after HEADER_SIZE
        assertEquals(HEADER_SIZE, heap.allocate(mem, 1));
    }

    @Test
    void shouldAlwaysAlignPointersToMultiplesOf8() {
        Memory mem = memory(1);
        var heap = new FreeingBumpAllocator(13);
        // next multiple of 8 from 13, plus the 8-byte prefix
        assertEquals(24, heap.allocate(mem, 1));
    }

    @Test
    void shouldIncrementPointersProperly() {
        Memory mem = memory(1);
        var heap = new FreeingBumpAllocator(0);

        int ptr1 = heap.allocate(mem, 1);
        int ptr2 = heap.allocate(mem, 9);
        int ptr3 = heap.allocate(mem, 1);

        assertEquals(HEADER_SIZE, ptr1);
        // prefix of ptr1 + its 8 bytes + prefix of ptr2
        assertEquals(24, ptr2);
        // ptr2 + its content of 16 bytes + the prefix of 8 bytes
        assertEquals(24 + 16 + HEADER_SIZE, ptr3);
    }

    @Test
    void shouldFreeProperly() {
        Memory mem = memory(1);
        var heap = new FreeingBumpAllocator(0);
        int ptr1 = heap.allocate(mem, 1);
        assertEquals(HEADER_SIZE, ptr1);
        int ptr2 = heap.allocate(mem, 1);
        assertEquals(24, ptr2);

        heap.deallocate(mem, ptr2);

        // the order-0 list head points at ptr2's header
        assertEquals(ptr2 - HEADER_SIZE, heap.freeListHead(0));
    }

    @Test
    void shouldDeallocateAndReallocateProperly() {
        Memory mem = memory(1);
        int paddedOffset = 16;
        var heap = new FreeingBumpAllocator(13);

        int ptr1 = heap.allocate(mem, 1);
        assertEquals(paddedOffset + HEADER_SIZE, ptr1);
        int ptr2 = heap.allocate(mem, 9);
        assertEquals(paddedOffset + 16 + HEADER_SIZE, ptr2);

        heap.deallocate(mem, ptr2);
        int ptr3 = heap.allocate(mem, 9);

        // should have re-allocated
        assertEquals(paddedOffset + 16 + HEADER_SIZE, ptr3);
        int[] allNil = new int[N_ORDERS];
        Arrays.fill(allNil, NIL);
        assertArrayEquals(allNil, heads(heap));
    }

    @Test
    void shouldBuildLinkedListOfFreeAreasProperly() {
        Memory mem = memory(1);
        var heap = new FreeingBumpAllocator(0);

        int ptr1 = heap.allocate(mem, 8);
        int ptr2 = heap.allocate(mem, 8);
        int ptr3 = heap.allocate(mem, 8);

        heap.deallocate(mem, ptr1);
        heap.deallocate(mem, ptr2);
        heap.deallocate(mem, ptr3);

        assertEquals(ptr3 - HEADER_SIZE, heap.freeListHead(0));
        int ptr4 = heap.allocate(mem, 8);
        assertEquals(ptr3, ptr4);
        assertEquals(ptr2 - HEADER_SIZE, heap.freeListHead(0));
    }

    @Test
    void shouldNotAllocateIfTooLarge() {
        Memory mem = memory(1, 1);
        var heap = new FreeingBumpAllocator(13);
        assertError(Kind.ALLOCATOR_OUT_OF_SPACE, () -> heap.allocate(mem, PAGE_SIZE - 13));
    }

    @Test
    void shouldNotAllocateIfFull() {
        Memory mem = memory(1, 1);
        var heap = new FreeingBumpAllocator(0);
        int ptr1 = heap.allocate(mem, PAGE_SIZE / 2 - HEADER_SIZE);
        assertEquals(HEADER_SIZE, ptr1);

        // there is no room for another half page incl. its 8 byte prefix
        var e = assertError(Kind.ALLOCATOR_OUT_OF_SPACE, () -> heap.allocate(mem, PAGE_SIZE / 2));
        assertEquals("Allocator ran out of space", e.getMessage());
    }

    @Test
    void shouldAllocateMaxPossibleAllocationSize() {
        Memory mem = memory(1);
        var heap = new FreeingBumpAllocator(0);
        assertEquals(HEADER_SIZE, heap.allocate(mem, MAX_POSSIBLE_ALLOCATION));
        // interpretation: also check the growth the reference only implies (32 MiB + 8 -> 513 pages)
        assertEquals(513, mem.pages());
    }

    @Test
    void shouldNotAllocateIfRequestedSizeTooLarge() {
        Memory mem = memory(1);
        var heap = new FreeingBumpAllocator(0);
        var e = assertError(
                Kind.REQUESTED_ALLOCATION_TOO_LARGE,
                () -> heap.allocate(mem, MAX_POSSIBLE_ALLOCATION + 1));
        assertEquals("Requested allocation size is too large", e.getMessage());
    }

    @Test
    void shouldReturnErrorWhenBumperGreaterThanHeapSize() {
        Memory mem = memory(1, 1);
        var heap = new FreeingBumpAllocator(0);

        List<Integer> ptrs = new ArrayList<>();
        for (int i = 0; i < PAGE_SIZE / 40; i++) {
            ptrs.add(heap.allocate(mem, 32));
        }
        assertEquals(PAGE_SIZE - 16, heap.stats().bytesAllocated());
        assertEquals(PAGE_SIZE - 16, heap.bumper());

        for (int ptr : ptrs) {
            heap.deallocate(mem, ptr);
        }
        assertEquals(0, heap.stats().bytesAllocated());
        assertEquals(PAGE_SIZE - 16, heap.stats().bytesAllocatedPeak());
        assertEquals(PAGE_SIZE - 16, heap.bumper());

        // Allocate another 8 byte to use the full heap.
        heap.allocate(mem, 8);

        // The bumper now equals the memory size: an 8-byte request (no free 8-byte block) must
        // bump and therefore fail.
        assertEquals((long) mem.pages() * PAGE_SIZE, heap.bumper());
        assertError(Kind.ALLOCATOR_OUT_OF_SPACE, () -> heap.allocate(mem, 8));
    }

    @Test
    void shouldIncludePrefixesInTotalHeapSize() {
        Memory mem = memory(1);
        var heap = new FreeingBumpAllocator(1);
        // an item size of 16 must be used then
        heap.allocate(mem, 9);
        assertEquals(HEADER_SIZE + 16, heap.stats().bytesAllocated());
    }

    @Test
    void shouldCalculateTotalHeapSizeToZero() {
        Memory mem = memory(1);
        var heap = new FreeingBumpAllocator(13);
        int ptr = heap.allocate(mem, 42);
        assertEquals(16 + HEADER_SIZE, ptr);
        heap.deallocate(mem, ptr);
        assertEquals(0, heap.stats().bytesAllocated());
    }

    @Test
    void shouldCalculateTotalSizeOfZero() {
        Memory mem = memory(1);
        var heap = new FreeingBumpAllocator(19);
        for (int i = 1; i < 10; i++) {
            int ptr = heap.allocate(mem, 42);
            heap.deallocate(mem, ptr);
        }
        assertEquals(0, heap.stats().bytesAllocated());
    }

    @Test
    void shouldReadAndWriteU64Correctly() {
        Memory mem = memory(1);
        FreeingBumpAllocator.writeLeU64(mem, 40, 4480113);
        assertEquals(4480113, FreeingBumpAllocator.readLeU64(mem, 40));
        // little-endian on the wire, as the runtime sees it
        assertEquals((byte) (4480113 & 0xFF), mem.read(40));
    }

    @Test
    void shouldGetItemSizeFromOrder() {
        assertEquals(8, FreeingBumpAllocator.orderSize(FreeingBumpAllocator.orderFromRaw(0)));
    }

    @Test
    void shouldGetMaxItemSizeFromIndexOnchain() {
        assertEquals(
                MAX_POSSIBLE_ALLOCATION,
                FreeingBumpAllocator.orderSize(FreeingBumpAllocator.orderFromRaw(22)));
    }

    @Test
    void deallocateNeedsToMaintainLinkedList() {
        Memory mem = memory(1);
        var heap = new FreeingBumpAllocator(0);

        List<Integer> ptrs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ptrs.add(heap.allocate(mem, 8));
        }
        for (int i = ptrs.size() - 1; i >= 0; i--) {
            heap.deallocate(mem, ptrs.get(i));
        }

        // Second time we should be able to allocate all of them again and get the same pointers!
        List<Integer> newPtrs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            newPtrs.add(heap.allocate(mem, 8));
        }
        assertEquals(ptrs, newPtrs);
    }

    @Test
    void headerReadWrite() {
        // Header values as encoded: Occupied(0), Occupied(1), Free(Nil), Free(Ptr(0)), Free(Ptr(4))
        long[] headers = {OCCUPIED, OCCUPIED | 1, 0xFFFF_FFFFL, 0, 4};
        for (long header : headers) {
            Memory mem = memory(1);
            FreeingBumpAllocator.writeLeU64(mem, 0, header);
            assertEquals(header, FreeingBumpAllocator.readHeader(mem, 0));
        }
    }

    @Test
    void poisonOom() {
        Memory mem = memory(1, 1);
        var heap = new FreeingBumpAllocator(0);

        int allocPtr = heap.allocate(mem, PAGE_SIZE / 2);
        assertError(Kind.ALLOCATOR_OUT_OF_SPACE, () -> heap.allocate(mem, PAGE_SIZE));

        assertTrue(heap.isPoisoned());
        var e = assertError(Kind.OTHER, () -> heap.deallocate(mem, allocPtr));
        assertEquals("Other: the allocator has been poisoned", e.getMessage());
    }

    @Test
    void testNOrdersOnchain() {
        assertEquals(MAX_POSSIBLE_ALLOCATION, MIN_POSSIBLE_ALLOCATION * (1 << (N_ORDERS - 1)));
    }

    @Test
    void acceptsGrowingMemory() {
        Memory mem = memory(1);
        var heap = new FreeingBumpAllocator(0);

        heap.allocate(mem, PAGE_SIZE / 2);
        heap.allocate(mem, PAGE_SIZE / 2); // grows to 2 pages

        mem.grow(1); // the runtime grows memory behind the allocator's back

        int ptr = heap.allocate(mem, PAGE_SIZE / 2);
        assertEquals(2 * (PAGE_SIZE / 2 + HEADER_SIZE) + HEADER_SIZE, ptr);
        assertEquals(3, mem.pages()); // fits: no extra growth
    }

    @Test
    void doesntAcceptShrinkingMemory() {
        // ByteArrayMemory cannot shrink, so present the same memory through a view whose size we
        // control (the reference truncates its Vec).
        Memory backing = memory(2);
        AtomicInteger visiblePages = new AtomicInteger(2);
        Memory mem = (Memory) Proxy.newProxyInstance(
                Memory.class.getClassLoader(),
                new Class<?>[] {Memory.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("pages")) {
                        return visiblePages.get();
                    }
                    try {
                        return method.invoke(backing, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        var heap = new FreeingBumpAllocator(0);

        heap.allocate(mem, PAGE_SIZE / 2);
        visiblePages.set(1);

        var e = assertError(Kind.MEMORY_SHRINKED, () -> heap.allocate(mem, PAGE_SIZE / 2));
        assertEquals("Shrinking of the underlying memory is observed", e.getMessage());
    }

    @Test
    void shouldGrowMemoryWhenRunningOutOfMemory() {
        Memory mem = memory(1);
        var heap = new FreeingBumpAllocator(0);
        assertEquals(1, mem.pages());
        heap.allocate(mem, PAGE_SIZE * 2);
        // needs 2 pages + 8 bytes = 3 pages, more than the doubled 2
        assertEquals(3, mem.pages());
    }

    @Test
    void modifyingTheHeaderLeadsToAnError() {
        Memory mem = memory(1);
        var heap = new FreeingBumpAllocator(0);

        int ptr = heap.allocate(mem, 5);
        heap.deallocate(mem, ptr);

        // Free(Ptr(u32::MAX - 1))
        FreeingBumpAllocator.writeLeU64(mem, ptr - HEADER_SIZE, 0xFFFF_FFFEL);

        heap.allocate(mem, 5);
        var e = assertError(Kind.OTHER, () -> heap.allocate(mem, 5));
        assertTrue(e.getMessage().contains("Invalid header pointer"), e.getMessage());
    }

    // ---- Extra tests (not in the reference) ----

    @Test
    void extraOrderFromSizeRoundsUpToPowersOfTwo() {
        assertEquals(0, FreeingBumpAllocator.orderFromSize(0));
        assertEquals(0, FreeingBumpAllocator.orderFromSize(8));
        assertEquals(1, FreeingBumpAllocator.orderFromSize(9));
        assertEquals(1, FreeingBumpAllocator.orderFromSize(16));
        assertEquals(2, FreeingBumpAllocator.orderFromSize(17));
        assertEquals(22, FreeingBumpAllocator.orderFromSize(MAX_POSSIBLE_ALLOCATION));
        assertEquals(22, FreeingBumpAllocator.orderFromSize(MAX_POSSIBLE_ALLOCATION / 2 + 1));
        // sizes are u32: a negative int is a huge request
        assertError(Kind.REQUESTED_ALLOCATION_TOO_LARGE, () -> FreeingBumpAllocator.orderFromSize(-1));
        assertError(Kind.OTHER, () -> FreeingBumpAllocator.orderFromRaw(N_ORDERS));
    }

    @Test
    void extraHeadersAreLaidOutAsTheReference() {
        Memory mem = memory(1);
        var heap = new FreeingBumpAllocator(0);
        int a = heap.allocate(mem, 100); // order 4 (128 bytes)
        int b = heap.allocate(mem, 100);
        assertEquals(OCCUPIED | 4, mem.readLong(a - HEADER_SIZE));

        heap.deallocate(mem, a);
        assertEquals(0xFFFF_FFFFL, mem.readLong(a - HEADER_SIZE)); // free, end of list
        heap.deallocate(mem, b);
        assertEquals(a - HEADER_SIZE, mem.readLong(b - HEADER_SIZE)); // free, links to a
    }

    @Test
    void extraDoubleFreePoisons() {
        Memory mem = memory(1);
        var heap = new FreeingBumpAllocator(0);
        int ptr = heap.allocate(mem, 8);
        heap.deallocate(mem, ptr);
        var e = assertError(Kind.OTHER, () -> heap.deallocate(mem, ptr));
        assertEquals("Other: the allocation points to an empty header", e.getMessage());
        assertTrue(heap.isPoisoned());
        assertError(Kind.OTHER, () -> heap.allocate(mem, 8));
    }

    @Test
    void extraFreeingBadPointersPoisons() {
        Memory mem = memory(1);
        var below = new FreeingBumpAllocator(0);
        var e = assertError(Kind.OTHER, () -> below.deallocate(mem, 4));
        assertEquals("Other: Invalid pointer for deallocation", e.getMessage());
        assertTrue(below.isPoisoned());

        var outside = new FreeingBumpAllocator(0);
        e = assertError(Kind.OTHER, () -> outside.deallocate(mem, PAGE_SIZE + HEADER_SIZE));
        assertEquals("Other: read out of heap bounds", e.getMessage());
        assertTrue(outside.isPoisoned());

        // an "occupied" header with an impossible order
        var badOrder = new FreeingBumpAllocator(0);
        mem.writeLong(64, OCCUPIED | N_ORDERS);
        e = assertError(Kind.OTHER, () -> badOrder.deallocate(mem, 72));
        assertEquals("Other: invalid order", e.getMessage());
    }

    @Test
    void extraTooLargeRequestPoisons() {
        Memory mem = memory(1);
        var heap = new FreeingBumpAllocator(0);
        assertError(Kind.REQUESTED_ALLOCATION_TOO_LARGE, () -> heap.allocate(mem, -8));
        assertTrue(heap.isPoisoned());
    }

    @Test
    void extraGrowthDoublesButNeverPassesTheMaximum() {
        Memory mem = memory(2, 5);
        var heap = new FreeingBumpAllocator(0);
        heap.allocate(mem, PAGE_SIZE); // 65544 bytes: fits in 2 pages
        heap.allocate(mem, 8);
        assertEquals(2, mem.pages());
        heap.allocate(mem, PAGE_SIZE); // needs 3 pages -> doubled to 4
        assertEquals(4, mem.pages());
        heap.allocate(mem, PAGE_SIZE); // still fits in 4
        assertEquals(4, mem.pages());
        heap.allocate(mem, PAGE_SIZE); // needs 5 pages -> double (8) capped at max 5
        assertEquals(5, mem.pages());
        assertError(Kind.ALLOCATOR_OUT_OF_SPACE, () -> heap.allocate(mem, PAGE_SIZE));
        assertEquals(5, mem.pages());
    }

    @Test
    void extraStats() {
        Memory mem = memory(1);
        var heap = new FreeingBumpAllocator(3); // aligned to 8
        int a = heap.allocate(mem, 1); // 16 bytes incl. header
        heap.allocate(mem, 20); // 40 bytes incl. header
        heap.deallocate(mem, a);
        assertFalse(heap.isPoisoned());
        assertEquals(new FreeingBumpAllocator.Stats(40, 56, 56, 56), heap.stats());
        heap.allocate(mem, 3); // reuses a's block: address space unchanged
        assertEquals(new FreeingBumpAllocator.Stats(56, 56, 72, 56), heap.stats());
    }
}
