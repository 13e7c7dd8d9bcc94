package io.pvfhost.host;

/**
 * Why a candidate is executed, as the reference's {@code PvfExecKind}. It sets the preparation
 * priority, the default timeout and the execution queue's level (dispute, then approval, then
 * backing of system parachains, then backing). Backing kinds may carry a relay parent; such a job
 * is dropped once its relay parent leaves the active leaves.
 */
public enum ExecKind {
    BACKING(PreparePriority.NORMAL),
    BACKING_SYSTEM_PARAS(PreparePriority.NORMAL),
    APPROVAL(PreparePriority.CRITICAL),
    DISPUTE(PreparePriority.CRITICAL);

    private final PreparePriority priority;

    ExecKind(PreparePriority priority) {
        this.priority = priority;
    }

    public PreparePriority preparePriority() {
        return priority;
    }

    /** Approval and dispute retry an ambiguous failure once; backing never does. */
    public boolean retriesAmbiguous() {
        return this == APPROVAL || this == DISPUTE;
    }

    /**
     * The reference's {@code PvfExecKind::as_str}: {@code backing}, {@code backing_system_paras},
     * {@code approval}, {@code dispute}. Used in metric labels and logs.
     */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Backing kinds: their jobs may name a relay parent and go stale with it. */
    public boolean isBacking() {
        return this == BACKING || this == BACKING_SYSTEM_PARAS;
    }
}
