package io.pvfhost.common;

import java.lang.management.ManagementFactory;

/** Test helper: heap bytes the current thread allocates while running an action. */
public final class Allocation {
    private Allocation() {}

    /** Bytes allocated by {@code action} on this thread, or -1 if the JVM cannot tell. */
    public static long measure(Runnable action) {
        if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean bean)
                || !bean.isThreadAllocatedMemorySupported()) {
            action.run();
            return -1;
        }
        bean.setThreadAllocatedMemoryEnabled(true);
        long id = Thread.currentThread().getId();
        long before = bean.getThreadAllocatedBytes(id);
        action.run();
        return bean.getThreadAllocatedBytes(id) - before;
    }
}
