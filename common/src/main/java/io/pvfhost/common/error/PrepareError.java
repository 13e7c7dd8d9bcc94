package io.pvfhost.common.error;

/**
 * Why a preparation failed, with the reference's kinds (section 5). Deterministic kinds are
 * stored as an error artifact and never retried; transient ones may be retried after a cooldown.
 */
public record PrepareError(Kind kind, String detail) {

    public enum Kind {
        PREVALIDATION(false),
        PREPARATION(false),
        RUNTIME_CONSTRUCTION(true),
        JOB_ERROR(false),
        TIMED_OUT(true),
        IO_ERR(true),
        CREATE_TMP_FILE(true),
        RENAME_TMP_FILE(true),
        OUT_OF_MEMORY(false),
        CLEAR_WORKER_DIR(true),
        JOB_DIED(true),
        KERNEL(true),
        COULD_NOT_DECOMPRESS_CODE_BLOB(false);

        private final boolean transientError;

        Kind(boolean transientError) {
            this.transientError = transientError;
        }

        /** May be retried after a cooldown (the reference's "non-deterministic"). */
        public boolean isTransient() {
            return transientError;
        }

        /** The reference's CamelCase name, used in JSON and logs. */
        public String displayName() {
            StringBuilder b = new StringBuilder();
            for (String part : name().split("_")) {
                b.append(part.charAt(0)).append(part.substring(1).toLowerCase(java.util.Locale.ROOT));
            }
            return b.toString();
        }
    }

    /**
     * Characters of a detail kept: details quote untrusted input (a duplicate export's name may be
     * a megabyte), and an error artifact must read back what was written, as must a frame.
     */
    public static final int MAX_DETAIL_CHARS = 8192;

    public PrepareError {
        java.util.Objects.requireNonNull(kind);
        detail = detail == null ? "" : detail;
        if (detail.length() > MAX_DETAIL_CHARS) {
            // the cut detail, its mark included, is within the limit: cutting again changes nothing
            int cut = MAX_DETAIL_CHARS - 32;
            if (Character.isHighSurrogate(detail.charAt(cut - 1))) {
                cut--; // never half a character
            }
            detail = detail.substring(0, cut) + "\u2026 (" + detail.length() + " characters)";
        }
    }

    public boolean isTransient() {
        return kind.isTransient();
    }

    @Override
    public String toString() {
        return kind.displayName() + ": " + detail;
    }
}
