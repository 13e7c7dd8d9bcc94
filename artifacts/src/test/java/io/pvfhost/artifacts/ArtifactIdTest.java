package io.pvfhost.artifacts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pvfhost.common.Hex;
import io.pvfhost.common.Version;
import io.pvfhost.common.hash.Hashing;
import io.pvfhost.common.params.ExecutorParam;
import io.pvfhost.common.params.ExecutorParams;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ArtifactIdTest {

    static ArtifactId randomId(Random rnd) {
        byte[] a = new byte[32];
        byte[] b = new byte[32];
        rnd.nextBytes(a);
        rnd.nextBytes(b);
        return new ArtifactId(a, b);
    }

    @Test
    void shouldRoundTripThroughItsFileName() {
        Random rnd = new Random(11);
        for (int i = 0; i < 200; i++) {
            ArtifactId id = randomId(rnd);
            assertEquals(Optional.of(id), ArtifactId.fromFileName(id.fileName()));
        }
    }

    @Test
    void shouldNameTheFileWithEngineVersionHashesAndExtension() {
        byte[] code = new byte[32];
        byte[] params = new byte[32];
        code[0] = (byte) 0xab;
        params[31] = 0x01;
        String name = new ArtifactId(code, params).fileName();
        assertEquals(Version.ENGINE_VERSION + "_0xab" + "00".repeat(31) + "_0x" + "00".repeat(31) + "01.pvfa", name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"chicory-1.7.4-a1", "chicory-1.7.5-a0", "chicory-1.7.5", "wasmtime-1.0", "chicory-1.7.5-a1x", ""})
    void shouldRejectFileNamesOfOtherEngineVersions(String engine) {
        String ours = randomId(new Random(5)).fileName();
        String theirs = engine + ours.substring(Version.ENGINE_VERSION.length());
        assertNotEquals(ours, theirs);
        assertEquals(Optional.empty(), ArtifactId.fromFileName(theirs));
    }

    @Test
    void shouldRejectMalformedFileNames() {
        String ok = randomId(new Random(6)).fileName();
        String hexPart = ok.substring(Version.ENGINE_VERSION.length());
        List<String> bad = List.of(
                ok + ".123.tmp",                                  // our temp file
                ok.replace(".pvfa", ".pvf"),
                ok.substring(0, ok.length() - ".pvfa".length()), // no extension
                Version.ENGINE_VERSION + hexPart.toUpperCase().replace("0X", "0x").replace(".PVFA", ".pvfa"),
                Version.ENGINE_VERSION + hexPart.replace("_0x", "_"), // no 0x prefixes
                Version.ENGINE_VERSION + hexPart.replaceFirst("[0-9a-f]_", "_"), // 63 digits
                "x" + ok,
                ok + "x",
                "notes.txt",
                "");
        for (String name : bad) {
            assertEquals(Optional.empty(), ArtifactId.fromFileName(name), name);
        }
    }

    @Test
    void shouldRejectHashesThatAreNot32Bytes() {
        assertThrows(IllegalArgumentException.class, () -> new ArtifactId(new byte[31], new byte[32]));
        assertThrows(IllegalArgumentException.class, () -> new ArtifactId(new byte[32], new byte[33]));
    }

    @Test
    void shouldCopyTheHashArraysSoLaterChangesDoNotAlterTheId() {
        byte[] code = new byte[32];
        byte[] params = new byte[32];
        ArtifactId id = new ArtifactId(code, params);
        int hash = id.hashCode();
        code[0] = 1;
        params[0] = 1;
        assertEquals(new ArtifactId(new byte[32], new byte[32]), id);
        assertEquals(hash, id.hashCode());
    }

    @Test
    void shouldCompareByContent() {
        ArtifactId a = new ArtifactId(new byte[32], new byte[32]);
        ArtifactId b = new ArtifactId(new byte[32], new byte[32]);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        byte[] other = new byte[32];
        other[5] = 9;
        assertNotEquals(a, new ArtifactId(other, new byte[32]));
        assertNotEquals(a, new ArtifactId(new byte[32], other));
    }

    @Test
    void shouldDeriveTheIdFromBlake2bOfTheStoredCodeAndTheArtifactHash() {
        byte[] code = {0, 0x61, 0x73, 0x6d, 1, 0, 0, 0};
        ExecutorParams params = new ExecutorParams(List.of(new ExecutorParam.MaxMemoryPages(4096)));
        ArtifactId id = ArtifactId.of(code, params);
        assertArrayEquals(Hashing.blake2b256(code), id.codeHash());
        assertArrayEquals(params.artifactHash(), id.paramsHash());
        assertEquals(Hex.toHex(Hashing.blake2b256(code)), id.codeHashHex());
    }

    @Test
    void shouldGiveTheSameIdWhenOnlyTimeoutsDiffer() {
        byte[] code = {1, 2, 3};
        ExecutorParams a = new ExecutorParams(List.of(new ExecutorParam.MaxMemoryPages(4096)));
        ExecutorParams b = new ExecutorParams(List.of(
                new ExecutorParam.MaxMemoryPages(4096), new ExecutorParam.PvfExecTimeout(0, 1000)));
        ExecutorParams c = new ExecutorParams(List.of(new ExecutorParam.MaxMemoryPages(4097)));
        assertEquals(ArtifactId.of(code, a), ArtifactId.of(code, b));
        assertNotEquals(ArtifactId.of(code, a), ArtifactId.of(code, c));
        assertNotEquals(ArtifactId.of(code, a), ArtifactId.of(new byte[] {1, 2, 4}, a));
    }

    @Test
    void shouldShowTheCodeHashInToString() {
        ArtifactId id = randomId(new Random(8));
        assertTrue(id.toString().contains(id.codeHashHex()), id.toString());
    }
}
