package io.pvfhost.worker.execute.hostfn;

import static io.pvfhost.worker.execute.hostfn.HostFn.I32;
import static io.pvfhost.worker.execute.hostfn.HostFn.I64;
import static io.pvfhost.worker.execute.hostfn.HostFn.fn;

import io.pvfhost.worker.execute.HostEnv;
import io.pvfhost.worker.execute.HostTrap;
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
                    // the reference takes the level's low byte and only 0 (error) to 4 (trace); the target is
                    // a &str there (malformed UTF-8 fails the call), the message bytes
                    int level = (int) (a[0] & 0xFF);
                    if (level > 4) {
                        throw new HostTrap("invalid log level " + level);
                    }
                    env.log(level, HostEnv.readUtf8(mem, a[1]), HostEnv.readString(mem, a[2]));
                    return null;
                }),
                fn("ext_logging_max_level_version_1", List.of(), List.of(I32), (env, mem, a) -> new long[] {MAX_LEVEL}));
    }
}
