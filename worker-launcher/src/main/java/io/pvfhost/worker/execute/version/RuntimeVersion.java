package io.pvfhost.worker.execute.version;

import io.pvfhost.common.scale.ScaleException;
import io.pvfhost.common.scale.ScaleReader;
import io.pvfhost.common.scale.ScaleWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * {@code sp_version::RuntimeVersion}. Encoded, it is always all eight fields in declaration
 * order; decoded, the last two depend on the version of the {@code Core} runtime API
 * ({@link #decodeWithVersionHint}).
 */
public record RuntimeVersion(
        String specName,
        String implName,
        long authoringVersion,
        long specVersion,
        long implVersion,
        List<Api> apis,
        long transactionVersion,
        int systemVersion) {

    /** {@code blake2_64(b"Core")}: the id of the {@code Core} runtime API. */
    static final byte[] CORE_API_ID = HexFormat.of().parseHex("df6acb689907609b");

    /** One {@code (ApiId, u32)} pair: an 8-byte API id and its version. */
    public record Api(byte[] id, long version) {
        public Api {
            if (id.length != 8) {
                throw new IllegalArgumentException("an API id has 8 bytes, not " + id.length);
            }
            id = id.clone();
        }

        @Override
        public byte[] id() {
            return id.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Api a && Arrays.equals(id, a.id) && version == a.version;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(id) * 31 + Long.hashCode(version);
        }

        @Override
        public String toString() {
            return HexFormat.of().formatHex(id) + ":" + version;
        }
    }

    public RuntimeVersion {
        Objects.requireNonNull(specName, "specName");
        Objects.requireNonNull(implName, "implName");
        apis = List.copyOf(apis);
    }

    /** A copy with {@code apis} replaced. */
    public RuntimeVersion withApis(List<Api> newApis) {
        return new RuntimeVersion(specName, implName, authoringVersion, specVersion, implVersion, newApis,
                transactionVersion, systemVersion);
    }

    /** {@code sp_version::core_version_from_apis}: the version of the first {@code Core} entry, or null. */
    public static Long coreVersion(List<Api> apis) {
        for (Api a : apis) {
            if (Arrays.equals(a.id, CORE_API_ID)) {
                return a.version;
            }
        }
        return null;
    }

    /**
     * {@code RuntimeVersion::decode_with_version_hint}: five fields and the APIs; then, when the
     * {@code Core} version ({@code coreVersion}, else the one listed in the decoded APIs) is at
     * least 3, the transaction version (else 1); when at least 4, the system version (else 0).
     * Bytes after that are ignored, as {@code Decode::decode} ignores them.
     *
     * @throws ScaleException when the input is too short or a name is not UTF-8
     */
    public static RuntimeVersion decodeWithVersionHint(byte[] input, Long coreVersion) {
        ScaleReader r = new ScaleReader(input);
        String specName = string(r);
        String implName = string(r);
        long authoring = r.u32();
        long spec = r.u32();
        long impl = r.u32();
        int n = r.count(Integer.MAX_VALUE, 12);
        List<Api> apis = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            apis.add(new Api(r.fixed(8), r.u32()));
        }
        Long core = coreVersion != null ? coreVersion : coreVersion(apis);
        long transaction = core != null && core >= 3 ? r.u32() : 1;
        int system = core != null && core >= 4 ? r.u8() : 0;
        return new RuntimeVersion(specName, implName, authoring, spec, impl, apis, transaction, system);
    }

    /** {@code Encode}: every field, whatever the Core version. */
    public byte[] encode() {
        ScaleWriter w = new ScaleWriter();
        w.bytes(specName.getBytes(StandardCharsets.UTF_8));
        w.bytes(implName.getBytes(StandardCharsets.UTF_8));
        w.u32(authoringVersion).u32(specVersion).u32(implVersion);
        w.compact(apis.size());
        for (Api a : apis) {
            w.raw(a.id).u32(a.version);
        }
        w.u32(transactionVersion);
        w.u8(systemVersion);
        return w.toByteArray();
    }

    /** A SCALE {@code String}: a byte string that must be valid UTF-8 ({@code String::from_utf8}). */
    private static String string(ScaleReader r) {
        byte[] b = r.bytes(Integer.MAX_VALUE);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ScaleException("invalid UTF-8 in a String");
        }
    }
}
