package io.pvfhost.host;

/** Preparation priority: Background < Normal < Critical. A job's priority never goes down. */
public enum PreparePriority {
    BACKGROUND,
    NORMAL,
    CRITICAL;

    public PreparePriority max(PreparePriority other) {
        return compareTo(other) >= 0 ? this : other;
    }
}
