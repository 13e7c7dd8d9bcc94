package io.pvfhost.worker.execute.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PooledMemoryTest {

    @Test
    void shouldHandOutZeroedPagesWhateverWasGivenBack() {
        PagePool pool = new PagePool(4);
        byte[] dirty = new byte[Memory.PAGE_SIZE];
        Arrays.fill(dirty, (byte) 0x5a);
        pool.give(dirty);
        assertEquals(1, pool.size());
        byte[] p = pool.take();
        assertSame(dirty, p); // reused, not a new array
        assertArrayEquals(new byte[Memory.PAGE_SIZE], p);
        assertEquals(0, pool.size());
        assertNotSame(p, pool.take()); // empty: a new one
    }

    @Test
    void shouldKeepAtMostItsLimitAndOnlyWholePages() {
        PagePool pool = new PagePool(2);
        pool.give(new byte[100]);
        pool.give(null);
        assertEquals(0, pool.size());
        for (int i = 0; i < 5; i++) {
            pool.give(new byte[Memory.PAGE_SIZE]);
        }
        assertEquals(2, pool.size());
        assertThrows(IllegalArgumentException.class, () -> new PagePool(-1));
    }

    @Test
    void aMemoryMadeFromReleasedPagesShouldBeLikeANewOne() {
        PagePool pool = new PagePool(100);
        PooledMemory first = new PooledMemory(new MemoryLimits(3, 10), pool);
        assertEquals(3, first.pages());
        assertEquals(3, first.grow(2));
        for (int page = 0; page < 5; page++) {
            first.fill((byte) 0x77, page * Memory.PAGE_SIZE, (page + 1) * Memory.PAGE_SIZE);
        }
        first.release();
        assertEquals(5, pool.size());
        assertEquals(0, first.pages());
        assertThrows(WasmRuntimeException.class, () -> first.read(0)); // nothing left to reach

        PooledMemory second = new PooledMemory(new MemoryLimits(3, 10), pool);
        assertEquals(3, second.pages()); // the initial size, not what the last one grew to
        assertArrayEquals(new byte[3 * Memory.PAGE_SIZE], second.readBytes(0, 3 * Memory.PAGE_SIZE));
        assertEquals(3, second.grow(2));
        assertArrayEquals(new byte[5 * Memory.PAGE_SIZE], second.readBytes(0, 5 * Memory.PAGE_SIZE));
        assertEquals(0, pool.size()); // all five pages taken again
        assertEquals(5, pool.reused());
        assertEquals(-1, second.grow(6)); // over the maximum, as Chicory's memory
        second.release();
        second.release(); // twice: no page given back twice
        assertEquals(5, pool.size());
    }
}
