package io.pvfhost.worker.prepare.instrument;

/**
 * The module cannot be instrumented: it is malformed, uses an instruction or construct outside the
 * accepted feature set, or the stack limiter's cost computation failed the way the reference's
 * would. The message says what and where: the function index (in the function index space,
 * imports first) and the byte offset in the module, when known.
 */
public final class InstrumentationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String reason;
    private final int functionIndex;
    private final int offset;

    public InstrumentationException(String reason) {
        this(reason, -1, -1);
    }

    InstrumentationException(String reason, int functionIndex, int offset) {
        super(describe(reason, functionIndex, offset));
        this.reason = reason;
        this.functionIndex = functionIndex;
        this.offset = offset;
    }

    static InstrumentationException at(int offset, String reason) {
        return new InstrumentationException(reason, -1, offset);
    }

    /** The same failure, located in a function (keeps the offset). */
    InstrumentationException inFunction(int index) {
        if (functionIndex >= 0) {
            return this;
        }
        InstrumentationException e = new InstrumentationException(reason, index, offset);
        e.setStackTrace(getStackTrace());
        return e;
    }

    /** What is wrong, without the location. */
    public String reason() {
        return reason;
    }

    /** Index in the function index space (imports first), or -1 when not about a function. */
    public int functionIndex() {
        return functionIndex;
    }

    /** Byte offset in the module, or -1 when unknown. */
    public int offset() {
        return offset;
    }

    private static String describe(String reason, int functionIndex, int offset) {
        StringBuilder sb = new StringBuilder();
        if (functionIndex >= 0) {
            sb.append("function ").append(functionIndex);
        }
        if (offset >= 0) {
            sb.append(sb.length() > 0 ? " at " : "at ").append("offset 0x").append(Integer.toHexString(offset));
        }
        return sb.length() == 0 ? reason : sb.append(": ").append(reason).toString();
    }
}
