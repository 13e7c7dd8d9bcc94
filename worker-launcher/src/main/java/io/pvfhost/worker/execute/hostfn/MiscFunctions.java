package io.pvfhost.worker.execute.hostfn;

import static io.pvfhost.worker.execute.hostfn.HostFn.I64;
import static io.pvfhost.worker.execute.hostfn.HostFn.fn;

import io.pvfhost.common.scale.ScaleWriter;
import io.pvfhost.worker.execute.HostEnv;
import io.pvfhost.worker.execute.version.EmbeddedVersion;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * ext_misc_* (sp-io {@code trait Misc}).
 *
 * <ul>
 *   <li>{@code print_num_version_1(u64)}, {@code print_utf8_version_1(span)},
 *       {@code print_hex_version_1(span)}: the reference only logs them at debug level (target
 *       "runtime"), which nothing observes; here they do nothing beyond reading the span, so that
 *       an out-of-bounds span traps as it does in the reference's argument marshalling.</li>
 *   <li>{@code runtime_version_version_1(code: span) -> i64}: a packed span of a SCALE
 *       {@code Option<Vec<u8>>} allocated in wasm memory: {@code Some} of the encoded
 *       {@code RuntimeVersion} embedded in the code, {@code None} when there is none or the
 *       code cannot be read ({@link EmbeddedVersion}).</li>
 * </ul>
 */
public final class MiscFunctions {
    private MiscFunctions() {}

    public static Map<String, HostFn> functions() {
        return Map.ofEntries(
                fn("ext_misc_print_num_version_1", List.of(I64), List.of(), (env, mem, a) -> null),
                fn("ext_misc_print_utf8_version_1", List.of(I64), List.of(), (env, mem, a) -> {
                    HostEnv.readSpan(mem, a[0]);
                    return null;
                }),
                fn("ext_misc_print_hex_version_1", List.of(I64), List.of(), (env, mem, a) -> {
                    HostEnv.readSpan(mem, a[0]);
                    return null;
                }),
                fn("ext_misc_runtime_version_version_1", List.of(I64), List.of(I64), (env, mem, a) -> {
                    byte[] result = encodeOption(EmbeddedVersion.readEncoded(HostEnv.readSpan(mem, a[0])));
                    int ptr = env.allocateAndWrite(mem, result);
                    return new long[] {HostFn.pack(ptr, result.length)};
                }));
    }

    /** SCALE {@code Option<Vec<u8>>}. */
    static byte[] encodeOption(Optional<byte[]> value) {
        ScaleWriter w = new ScaleWriter();
        if (value.isPresent()) {
            w.u8(1).bytes(value.get());
        } else {
            w.u8(0);
        }
        return w.toByteArray();
    }
}
