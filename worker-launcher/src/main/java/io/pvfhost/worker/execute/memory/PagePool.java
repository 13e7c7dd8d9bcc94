package io.pvfhost.worker.execute.memory;

import com.dylibso.chicory.runtime.Memory;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Wasm memory pages (64 KiB arrays) kept for the next execution. A new 64 KiB array costs the
 * JVM far more than zeroing one it has: in a warm JDK 25 JVM, Chicory's memory of the adder's 17
 * pages took 131-164 us to make against 18-24 us to zero 17 pages it had, and the adder's whole
 * {@code validate_block} went from 160-190 us to 41-73 us with this pool (docs/BENCHMARKS.md); a
 * block that grows its heap pays it per page, plus the garbage collections of pages that live through
 * a long execution.
 *
 * <p>Every page handed out is zero, as a new array is, so an execution sees exactly the memory a
 * fresh one would: zeroing happens when a page is taken, never trusting who gave it back. The pages
 * kept stay on the heap between executions, so they are capped ({@link #forThisJvm}: an eighth of
 * the heap, 128 MiB of a worker's default 1 GiB, about the reference's largest wasm memory of 130
 * MiB). Thread-safe.
 */
public final class PagePool {
    private final ArrayDeque<byte[]> pages = new ArrayDeque<>();
    private final int maxPages;
    private long reused;

    /** @param maxPages the most pages kept; more given back are left to the garbage collector */
    public PagePool(int maxPages) {
        if (maxPages < 0) {
            throw new IllegalArgumentException("maxPages < 0: " + maxPages);
        }
        this.maxPages = maxPages;
    }

    /** A pool that keeps at most an eighth of the heap this JVM may grow to. */
    public static PagePool forThisJvm() {
        long eighth = Runtime.getRuntime().maxMemory() / 8;
        return new PagePool((int) Math.min(Integer.MAX_VALUE, eighth / Memory.PAGE_SIZE));
    }

    /** A zeroed page: a kept one, or a new one. */
    public byte[] take() {
        byte[] p;
        synchronized (this) {
            p = pages.pollLast(); // the most recently used: likeliest still in the CPU's caches
            if (p != null) {
                reused++;
            }
        }
        if (p == null) {
            return new byte[Memory.PAGE_SIZE];
        }
        Arrays.fill(p, (byte) 0);
        return p;
    }

    /** Keeps a page for a later {@link #take()}, if there is room; a page of another size is dropped. */
    public void give(byte[] page) {
        if (page == null || page.length != Memory.PAGE_SIZE) {
            return;
        }
        synchronized (this) {
            if (pages.size() < maxPages) {
                pages.addLast(page);
            }
        }
    }

    /** Pages handed out again so far (for tests and figures). */
    public synchronized long reused() {
        return reused;
    }

    /** Pages kept now. */
    public synchronized int size() {
        return pages.size();
    }
}
