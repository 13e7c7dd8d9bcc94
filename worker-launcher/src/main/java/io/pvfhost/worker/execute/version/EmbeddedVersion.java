package io.pvfhost.worker.execute.version;

import io.pvfhost.common.blob.DecompressionException;
import io.pvfhost.common.blob.MaybeCompressed;
import io.pvfhost.common.scale.ScaleException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The runtime version embedded in wasm code, as the PVF execute worker's
 * {@code ReadRuntimeVersion} finds it for {@code ext_misc_runtime_version}:
 *
 * <ol>
 *   <li>{@code RuntimeBlob::uncompress_if_needed}: a maybe-compressed blob is decompressed with
 *       {@code CODE_BLOB_BOMB_LIMIT} (50 MiB), then read as a wasm module
 *       ({@link WasmSections});</li>
 *   <li>{@code sc_executor::read_embedded_version}: no {@code runtime_version} custom section
 *       means no version; a {@code runtime_apis} section, if present, is a list of 12-byte
 *       entries (8-byte id, u32 little-endian version; a clipped entry is an error) that gives the
 *       {@code Core} version hint and replaces the decoded {@code apis};</li>
 *   <li>the version is SCALE-encoded again ({@link RuntimeVersion#encode}).</li>
 * </ol>
 *
 * Any failure along the way, and a missing section, is "no version".
 */
public final class EmbeddedVersion {
    /** {@code sp_maybe_compressed_blob::CODE_BLOB_BOMB_LIMIT}. */
    public static final long CODE_BLOB_BOMB_LIMIT = 50L * 1024 * 1024;
    /** {@code sp_api::RUNTIME_API_INFO_SIZE}. */
    static final int RUNTIME_API_INFO_SIZE = 12;

    private EmbeddedVersion() {}

    /** The encoded version of {@code code} (maybe compressed), or empty when the reference finds none. */
    public static Optional<byte[]> readEncoded(byte[] code) {
        return read(code).map(RuntimeVersion::encode);
    }

    /** The version of {@code code} (maybe compressed), or empty when the reference finds none. */
    public static Optional<RuntimeVersion> read(byte[] code) {
        try {
            byte[] wasm = MaybeCompressed.decompress(code, CODE_BLOB_BOMB_LIMIT);
            return fromSections(WasmSections.read(wasm));
        } catch (DecompressionException | WasmSections.MalformedWasmException | ScaleException e) {
            return Optional.empty();
        }
    }

    /** {@code read_embedded_version} on an already parsed module. */
    static Optional<RuntimeVersion> fromSections(WasmSections sections) {
        Optional<byte[]> versionSection = sections.customSection("runtime_version");
        if (versionSection.isEmpty()) {
            return Optional.empty();
        }
        Optional<List<RuntimeVersion.Api>> apis = sections.customSection("runtime_apis").map(EmbeddedVersion::decodeApis);
        Long coreVersion = apis.map(RuntimeVersion::coreVersion).orElse(null);
        RuntimeVersion decoded = RuntimeVersion.decodeWithVersionHint(versionSection.get(), coreVersion);
        return Optional.of(apis.isPresent() ? decoded.withApis(apis.get()) : decoded);
    }

    /** {@code decode_runtime_apis}: consecutive 12-byte entries. */
    static List<RuntimeVersion.Api> decodeApis(byte[] section) {
        if (section.length % RUNTIME_API_INFO_SIZE != 0) {
            throw new ScaleException("a clipped runtime api info declaration");
        }
        List<RuntimeVersion.Api> apis = new ArrayList<>(section.length / RUNTIME_API_INFO_SIZE);
        for (int at = 0; at < section.length; at += RUNTIME_API_INFO_SIZE) {
            byte[] id = Arrays.copyOfRange(section, at, at + 8);
            long version = (section[at + 8] & 0xffL) | (section[at + 9] & 0xffL) << 8
                    | (section[at + 10] & 0xffL) << 16 | (section[at + 11] & 0xffL) << 24;
            apis.add(new RuntimeVersion.Api(id, version));
        }
        return apis;
    }
}
