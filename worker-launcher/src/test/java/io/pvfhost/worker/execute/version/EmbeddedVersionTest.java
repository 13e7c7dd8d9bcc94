package io.pvfhost.worker.execute.version;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pvfhost.common.Corpus;
import io.pvfhost.common.blob.MaybeCompressed;
import io.pvfhost.common.scale.ScaleWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.crypto.digests.Blake2bDigest;
import org.junit.jupiter.api.Test;

class EmbeddedVersionTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] CORE = HEX.parseHex("df6acb689907609b");
    private static final byte[] OTHER = HEX.parseHex("37e397fc7c91f5e4");

    /** The {@code runtime_version} section as {@code #[sp_version::runtime_version]} writes it: apis empty. */
    private static ScaleWriter versionSection(String spec, long specVersion) {
        return new ScaleWriter()
                .bytes(spec.getBytes(StandardCharsets.UTF_8))
                .bytes((spec + "-impl").getBytes(StandardCharsets.UTF_8))
                .u32(1).u32(specVersion).u32(2)
                .compact(0);
    }

    /** The {@code runtime_apis} section: 12-byte entries, no length prefix. */
    private static byte[] apisSection(Object... idsAndVersions) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < idsAndVersions.length; i += 2) {
            out.writeBytes((byte[]) idsAndVersions[i]);
            out.writeBytes(new ScaleWriter().u32((Integer) idsAndVersions[i + 1]).toByteArray());
        }
        return out.toByteArray();
    }

    private static byte[] module(byte[] version, byte[] apis) {
        WasmBuilder b = WasmBuilder.module().custom("name", new byte[] {0});
        if (apis != null) {
            b.custom("runtime_apis", apis);
        }
        if (version != null) {
            b.custom("runtime_version", version);
        }
        return b.build();
    }

    @Test
    void shouldReadTheLatestFieldsWhenCoreIsVersion4OrMore() {
        byte[] version = versionSection("statemint", 9430).u32(13).u8(1).toByteArray();
        RuntimeVersion v = EmbeddedVersion.read(module(version, apisSection(OTHER, 2, CORE, 5))).orElseThrow();
        assertEquals("statemint", v.specName());
        assertEquals("statemint-impl", v.implName());
        assertEquals(1, v.authoringVersion());
        assertEquals(9430, v.specVersion());
        assertEquals(2, v.implVersion());
        assertEquals(List.of(new RuntimeVersion.Api(OTHER, 2), new RuntimeVersion.Api(CORE, 5)), v.apis());
        assertEquals(13, v.transactionVersion());
        assertEquals(1, v.systemVersion());
        // Re-encoded: the section with the apis put in.
        byte[] expected = versionSection("statemint", 9430).toByteArray();
        expected = Arrays.copyOf(expected, expected.length - 1); // drop the empty apis
        ScaleWriter w = new ScaleWriter().raw(expected).compact(2).raw(OTHER).u32(2).raw(CORE).u32(5).u32(13).u8(1);
        assertArrayEquals(w.toByteArray(), EmbeddedVersion.readEncoded(module(version, apisSection(OTHER, 2, CORE, 5)))
                .orElseThrow());
    }

    @Test
    void shouldDefaultTheSystemVersionForCore3AndBothForOlder() {
        byte[] v3 = versionSection("x", 1).u32(7).u8(1).toByteArray();
        RuntimeVersion core3 = EmbeddedVersion.read(module(v3, apisSection(CORE, 3))).orElseThrow();
        assertEquals(7, core3.transactionVersion());
        assertEquals(0, core3.systemVersion());

        RuntimeVersion core2 = EmbeddedVersion.read(module(v3, apisSection(CORE, 2))).orElseThrow();
        assertEquals(1, core2.transactionVersion());
        assertEquals(0, core2.systemVersion());
        // Always encoded in full: the defaults are written out.
        byte[] encoded = EmbeddedVersion.readEncoded(module(v3, apisSection(CORE, 2))).orElseThrow();
        assertArrayEquals(new byte[] {1, 0, 0, 0, 0}, Arrays.copyOfRange(encoded, encoded.length - 5, encoded.length));
    }

    @Test
    void shouldTakeTheCoreVersionFromTheSectionsOwnApisWithoutAnApisSection() {
        byte[] version = new ScaleWriter().bytes(new byte[] {'a'}).bytes(new byte[] {'b'}).u32(1).u32(2).u32(3)
                .compact(1).raw(CORE).u32(4).u32(9).u8(1).toByteArray();
        RuntimeVersion v = EmbeddedVersion.read(module(version, null)).orElseThrow();
        assertEquals(List.of(new RuntimeVersion.Api(CORE, 4)), v.apis());
        assertEquals(9, v.transactionVersion());
        assertEquals(1, v.systemVersion());

        // An apis section without Core gives no hint: the section's own list decides, then is replaced.
        RuntimeVersion replaced = EmbeddedVersion.read(module(version, apisSection(OTHER, 1))).orElseThrow();
        assertEquals(9, replaced.transactionVersion());
        assertEquals(List.of(new RuntimeVersion.Api(OTHER, 1)), replaced.apis());
    }

    @Test
    void shouldIgnoreBytesAfterTheVersion() {
        byte[] version = versionSection("x", 1).u32(7).u8(1).raw(new byte[] {9, 9, 9}).toByteArray();
        byte[] exact = versionSection("x", 1).u32(7).u8(1).toByteArray();
        assertArrayEquals(EmbeddedVersion.readEncoded(module(exact, apisSection(CORE, 4))).orElseThrow(),
                EmbeddedVersion.readEncoded(module(version, apisSection(CORE, 4))).orElseThrow());
    }

    @Test
    void shouldFindNoVersionWhenAnythingIsWrong() {
        byte[] good = versionSection("x", 1).u32(7).u8(1).toByteArray();
        assertTrue(EmbeddedVersion.read(module(good, apisSection(CORE, 4))).isPresent());

        assertEquals(Optional.empty(), EmbeddedVersion.read(module(null, apisSection(CORE, 4))), "no section");
        assertEquals(Optional.empty(), EmbeddedVersion.read(module(Arrays.copyOf(good, good.length - 1),
                apisSection(CORE, 4))), "truncated");
        byte[] clipped = Arrays.copyOf(apisSection(CORE, 4), 11);
        assertEquals(Optional.empty(), EmbeddedVersion.read(module(good, clipped)), "clipped api entry");
        byte[] badVersion = good.clone();
        badVersion[1] = (byte) 0xff; // spec name "x" becomes a lone 0xff
        assertEquals(Optional.empty(), EmbeddedVersion.read(module(badVersion, apisSection(CORE, 4))), "non-UTF-8 name");
        assertEquals(Optional.empty(), EmbeddedVersion.read(new byte[] {1, 2, 3}), "not wasm");
        assertEquals(Optional.empty(), EmbeddedVersion.read(new byte[0]), "empty");
        byte[] corruptZstd = Arrays.copyOf(MaybeCompressed.MAGIC, 12);
        assertEquals(Optional.empty(), EmbeddedVersion.read(corruptZstd), "corrupt compressed blob");
        byte[] outOfOrder = WasmBuilder.module().section(2, 0x00).section(1, 0x00)
                .custom("runtime_version", good).build();
        assertEquals(Optional.empty(), EmbeddedVersion.read(outOfOrder), "malformed module");
    }

    @Test
    void shouldReadCompressedCodeLikeRawCode() {
        byte[] raw = module(versionSection("x", 1).u32(7).u8(1).toByteArray(), apisSection(CORE, 4));
        assertArrayEquals(EmbeddedVersion.readEncoded(raw).orElseThrow(),
                EmbeddedVersion.readEncoded(MaybeCompressed.compress(raw, 3)).orElseThrow());
        assertEquals(50L * 1024 * 1024, EmbeddedVersion.CODE_BLOB_BOMB_LIMIT);
    }

    @Test
    void shouldIdentifyCoreByTheBlake2b64OfItsName() {
        Blake2bDigest d = new Blake2bDigest(64);
        byte[] name = "Core".getBytes(StandardCharsets.UTF_8);
        d.update(name, 0, name.length);
        byte[] out = new byte[8];
        d.doFinal(out, 0);
        assertArrayEquals(out, RuntimeVersion.CORE_API_ID);
    }

    /**
     * Real runtimes: the versions cumulus chains embed. Statemine's genesis runtime (2021) has no
     * {@code runtime_version} section, and the PVF host does not fall back to calling
     * {@code Core_version}: no version.
     */
    @Test
    void shouldReadTheVersionsOfTheCorpusRuntimes() throws Exception {
        Path root = Corpus.root().orElse(null);
        assumeTrue(root != null, Corpus.missingMessage());

        RuntimeVersion coretime = EmbeddedVersion.read(Files.readAllBytes(
                root.resolve("cumulus/coretime-polkadot-v1003000.code"))).orElseThrow();
        assertEquals("coretime-polkadot", coretime.specName());
        assertEquals("coretime-polkadot", coretime.implName());
        assertEquals(1_003_000, coretime.specVersion());
        assertEquals(5L, RuntimeVersion.coreVersion(coretime.apis()));
        assertEquals(16, coretime.apis().size());
        assertEquals(1, coretime.systemVersion());

        RuntimeVersion test = EmbeddedVersion.read(Files.readAllBytes(
                root.resolve("cumulus/cumulus-test-parachain-v1.code"))).orElseThrow();
        assertEquals("cumulus-test-parachain", test.specName());
        assertEquals(1, test.specVersion());
        assertEquals(4L, RuntimeVersion.coreVersion(test.apis()));

        assertEquals(Optional.empty(), EmbeddedVersion.read(Files.readAllBytes(root.resolve("cumulus/statemine-genesis.code"))));
        assertEquals(Optional.empty(), EmbeddedVersion.read(Files.readAllBytes(root.resolve("adder/kagome-adder.code"))));
    }

    @Test
    void shouldRoundTripTheEncodingOfTheCorpusVersion() throws Exception {
        Path root = Corpus.root().orElse(null);
        assumeTrue(root != null, Corpus.missingMessage());
        byte[] encoded = EmbeddedVersion.readEncoded(Files.readAllBytes(
                root.resolve("cumulus/coretime-polkadot-v1003000.code"))).orElseThrow();
        RuntimeVersion decoded = RuntimeVersion.decodeWithVersionHint(encoded, 5L);
        assertArrayEquals(encoded, decoded.encode());
        assertEquals("coretime-polkadot", decoded.specName());
    }
}
