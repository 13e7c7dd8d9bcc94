package io.pvfhost.common.params;

import io.pvfhost.common.hash.Hashing;
import io.pvfhost.common.scale.ScaleException;
import io.pvfhost.common.scale.ScaleReader;
import io.pvfhost.common.scale.ScaleWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The executor parameters of a session, a typed list like the reference's {@code ExecutorParams}.
 * Encoded as a SCALE vector of variants; {@link #artifactHash()} covers only the parameters that
 * change compilation, so a timeout change does not force a new preparation.
 */
public record ExecutorParams(List<ExecutorParam> params) {
    /** Extra heap pages the reference adds to MaxMemoryPages. */
    public static final int EXTRA_HEAP_PAGES = 32;
    /** Default maximum pages without a MaxMemoryPages parameter (2048 + 32). */
    public static final int DEFAULT_MAX_MEMORY_PAGES = 2048 + EXTRA_HEAP_PAGES;
    /** Default logical stack limit, in values. */
    public static final long DEFAULT_STACK_LOGICAL_MAX = 65_536;

    public static final ExecutorParams DEFAULT = new ExecutorParams(List.of());

    public ExecutorParams {
        params = List.copyOf(params);
    }

    public int maxMemoryPages() {
        return find(ExecutorParam.MaxMemoryPages.class)
                .map(p -> (int) Math.min(65_536, p.pages() + EXTRA_HEAP_PAGES))
                .orElse(DEFAULT_MAX_MEMORY_PAGES);
    }

    public long stackLogicalMax() {
        return find(ExecutorParam.StackLogicalMax.class)
                .map(ExecutorParam.StackLogicalMax::values)
                .orElse(DEFAULT_STACK_LOGICAL_MAX);
    }

    public boolean bulkMemory() {
        return params.contains(ExecutorParam.WasmExtBulkMemory.INSTANCE);
    }

    /** The preparation memory limit in bytes, if the parameters set one (PrecheckingMaxMemory). */
    public Optional<Long> prepareMemoryLimit() {
        return find(ExecutorParam.PrecheckingMaxMemory.class).map(ExecutorParam.PrecheckingMaxMemory::bytes);
    }

    /** Preparation timeout override for the kind (0 precheck, 1 lenient), if any. */
    public Optional<Long> prepTimeoutMillis(int kind) {
        return params.stream()
                .filter(p -> p instanceof ExecutorParam.PvfPrepTimeout t && t.kind() == kind)
                .map(p -> ((ExecutorParam.PvfPrepTimeout) p).millis())
                .findFirst();
    }

    /** Execution timeout override for the kind (0 backing, 1 approval), if any. */
    public Optional<Long> execTimeoutMillis(int kind) {
        return params.stream()
                .filter(p -> p instanceof ExecutorParam.PvfExecTimeout t && t.kind() == kind)
                .map(p -> ((ExecutorParam.PvfExecTimeout) p).millis())
                .findFirst();
    }

    private <T extends ExecutorParam> Optional<T> find(Class<T> type) {
        return params.stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    public byte[] encode() {
        return encodeList(params);
    }

    /** blake2b-256 of the encoded artifact-relevant parameters, in order. */
    public byte[] artifactHash() {
        return Hashing.blake2b256(encodeList(params.stream().filter(ExecutorParam::affectsArtifact).toList()));
    }

    private static byte[] encodeList(List<ExecutorParam> list) {
        ScaleWriter w = new ScaleWriter();
        w.compact(list.size());
        for (ExecutorParam p : list) {
            w.u8(p.index());
            if (p instanceof ExecutorParam.MaxMemoryPages m) {
                w.u32(m.pages());
            } else if (p instanceof ExecutorParam.StackLogicalMax s) {
                w.u32(s.values());
            } else if (p instanceof ExecutorParam.StackNativeMax s) {
                w.u32(s.bytes());
            } else if (p instanceof ExecutorParam.PrecheckingMaxMemory m) {
                w.u64(m.bytes());
            } else if (p instanceof ExecutorParam.PvfPrepTimeout t) {
                w.u8(t.kind());
                w.u64(t.millis());
            } else if (p instanceof ExecutorParam.PvfExecTimeout t) {
                w.u8(t.kind());
                w.u64(t.millis());
            } else if (p instanceof ExecutorParam.EnabledHostFunction f) {
                w.u8(f.function());
            }
        }
        return w.toByteArray();
    }

    public static ExecutorParams decode(ScaleReader r) {
        // a vector length is a Compact<u32>; compact() would hand a u64 over 2^63 back negative,
        // which slipped past the limit below and decoded as an empty list
        long n = r.compactU32();
        if (n > 64) {
            throw new ScaleException("too many executor parameters: " + n);
        }
        List<ExecutorParam> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int tag = r.u8();
            out.add(switch (tag) {
                case 1 -> new ExecutorParam.MaxMemoryPages(r.u32());
                case 2 -> new ExecutorParam.StackLogicalMax(r.u32());
                case 3 -> new ExecutorParam.StackNativeMax(r.u32());
                case 4 -> new ExecutorParam.PrecheckingMaxMemory(r.u64());
                case 5 -> new ExecutorParam.PvfPrepTimeout(kind(r, "PvfPrepKind"), r.u64());
                case 6 -> new ExecutorParam.PvfExecTimeout(kind(r, "PvfExecKind"), r.u64());
                case 7 -> ExecutorParam.WasmExtBulkMemory.INSTANCE;
                case 8 -> {
                    int f = r.u8();
                    if (f != ExecutorParam.EnabledHostFunction.ECC_RFC_163) {
                        throw new ScaleException("unknown ExecutorHostFunction variant " + f);
                    }
                    yield new ExecutorParam.EnabledHostFunction(f);
                }
                default -> throw new ScaleException("unknown executor parameter variant " + tag);
            });
        }
        return new ExecutorParams(out);
    }

    /** The reference's PvfPrepKind (Precheck, Prepare) and PvfExecKind (Backing, Approval): two variants each. */
    private static int kind(ScaleReader r, String type) {
        int k = r.u8();
        if (k > 1) {
            throw new ScaleException("unknown " + type + " variant " + k);
        }
        return k;
    }

    public static ExecutorParams decode(byte[] bytes) {
        ScaleReader r = new ScaleReader(bytes);
        ExecutorParams p = decode(r);
        r.expectEnd();
        return p;
    }
}
