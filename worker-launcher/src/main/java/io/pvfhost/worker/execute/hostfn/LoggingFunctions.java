package io.pvfhost.worker.execute.hostfn;

import static io.pvfhost.worker.execute.hostfn.HostFn.I32;
import static io.pvfhost.worker.execute.hostfn.HostFn.I64;
import static io.pvfhost.worker.execute.hostfn.HostFn.fn;

import io.pvfhost.worker.execute.HostEnv;
import java.util.List;
import java.util.Map;

/** ext_logging_*: messages are kept so that a trap can say what the runtime panicked with. */
public final class LoggingFunctions {
    /** LogLevelFilter::Error: fixed, so that every validator's runtime takes the same paths. */
    public static final int MAX_LEVEL = 1;

    private LoggingFunctions() {}

    public static Map<String, HostFn> functions() {
        return Map.ofEntries(
                fn("ext_logging_log_version_1", List.of(I32, I64, I64), List.of(), (env, mem, a) -> {
                    // target is a &str in the reference (malformed UTF-8 fails the call), message bytes
                    env.log((int) a[0], HostEnv.readUtf8(mem, a[1]), HostEnv.readString(mem, a[2]));
                    return null;
                }),
                fn("ext_logging_max_level_version_1", List.of(), List.of(I32), (env, mem, a) -> new long[] {MAX_LEVEL}));
    }
}
