package io.pvfhost.host;

/** Why a candidate is executed; it sets the preparation priority and the default timeout. */
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
}
