package io.pvfhost.worker.execute.version;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.UnknownCustomSection;
import io.pvfhost.common.Corpus;
import io.pvfhost.common.blob.MaybeCompressed;
import io.pvfhost.worker.execute.version.WasmSections.MalformedWasmException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class WasmSectionsTest {
    private static final byte[] ONE = {1};

    private static void assertMalformed(byte[] module) {
        assertThrows(MalformedWasmException.class, () -> WasmSections.read(module));
    }

    @Test
    void shouldReadAnEmptyModule() throws Exception {
        assertEquals(List.of(), WasmSections.read(WasmBuilder.module().build()).customSections());
    }

    @Test
    void shouldFindTheFirstCustomSectionOfAName() throws Exception {
        byte[] module = WasmBuilder.module()
                .custom("other", new byte[] {9})
                .section(1, 0x00) // empty type section
                .custom("runtime_version", new byte[] {1, 2, 3})
                .section(3, 0x00)
                .section(10, 0x00)
                .custom("runtime_version", new byte[] {4})
                .build();
        WasmSections sections = WasmSections.read(module);
        assertArrayEquals(new byte[] {1, 2, 3}, sections.customSection("runtime_version").orElseThrow());
        assertArrayEquals(new byte[] {9}, sections.customSection("other").orElseThrow());
        assertTrue(sections.customSection("runtime_apis").isEmpty());
        assertEquals(3, sections.customSections().size());
    }

    @Test
    void shouldAcceptAnEmptyNameAndAnEmptyPayload() throws Exception {
        WasmSections sections = WasmSections.read(WasmBuilder.module().custom("", new byte[0]).build());
        assertArrayEquals(new byte[0], sections.customSection("").orElseThrow());
    }

    @Test
    void shouldRejectABadMagicOrVersion() {
        assertMalformed(new byte[0]);
        assertMalformed(new byte[] {0x00, 0x61, 0x73});
        assertMalformed(new byte[] {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00});
        assertMalformed(new byte[] {0x00, 0x61, 0x73, 0x6e, 0x01, 0x00, 0x00, 0x00});
        assertMalformed(new byte[] {0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00});
        assertMalformed("PVM\0rest".getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void shouldRejectSectionsOutOfOrderOrTwice() {
        assertMalformed(WasmBuilder.module().section(2, 0x00).section(1, 0x00).build());
        assertMalformed(WasmBuilder.module().section(5, 0x00).section(5, 0x00).build());
        assertMalformed(WasmBuilder.module().section(11, 0x00).section(12, 0x00).build()); // data count after data
        assertMalformed(WasmBuilder.module().section(3, 0x00).section(10, 0x00).section(12, 0x00).build());
    }

    @Test
    void shouldPlaceTheDataCountSectionBetweenElementAndCode() throws Exception {
        WasmSections.read(WasmBuilder.module().section(9, 0x00).section(12, 0x00).section(10, 0x00).section(11, 0x00)
                .build());
        assertMalformed(WasmBuilder.module().section(12, 0x00).section(9, 0x00).build());
    }

    @Test
    void shouldAllowCustomSectionsAnywhere() throws Exception {
        WasmSections.read(WasmBuilder.module().custom("a", ONE).section(1, 0x00).custom("b", ONE).section(7, 0x00)
                .custom("c", ONE).build());
    }

    @Test
    void shouldRejectAnUnknownSectionId() {
        assertMalformed(WasmBuilder.module().section(13, 0x00).build());
        assertMalformed(WasmBuilder.module().section(0x80, 0x00).build());
    }

    @Test
    void shouldRejectATruncatedSection() {
        byte[] module = WasmBuilder.module().custom("runtime_version", new byte[] {1, 2, 3}).build();
        assertMalformed(Arrays.copyOf(module, module.length - 1));
        assertMalformed(WasmBuilder.module().raw(0x01).build()); // id without a size
        assertMalformed(WasmBuilder.module().raw(0x01, 0x80).build()); // unterminated size
    }

    @Test
    void shouldRejectACustomNameThatIsNotUtf8OrRunsPastItsSection() {
        assertMalformed(WasmBuilder.module().custom(new byte[] {(byte) 0xc3, 0x28}, ONE).build());
        assertMalformed(WasmBuilder.module().custom(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, ONE).build());
        assertMalformed(WasmBuilder.module().section(0, 0x05, 0x61).build()); // name of 5 bytes in a 2-byte section
        assertMalformed(WasmBuilder.module().section(0).build()); // no name length at all
    }

    @Test
    void shouldRequireAsManyCodeBodiesAsFunctions() throws Exception {
        assertMalformed(WasmBuilder.module().section(3, 0x01, 0x00).build());
        assertMalformed(WasmBuilder.module().section(10, 0x01, 0x02, 0x00, 0x0b).build());
        assertMalformed(WasmBuilder.module().section(3, 0x01, 0x00).section(10, 0x00).build());
        WasmSections.read(WasmBuilder.module().section(3, 0x01, 0x00).section(10, 0x01, 0x02, 0x00, 0x0b).build());
        assertMalformed(WasmBuilder.module().section(3).build()); // no count in the function section
    }

    @Test
    void shouldRequireStartAndDataCountToHoldExactlyOneIndex() throws Exception {
        WasmSections.read(WasmBuilder.module().section(8, 0x05).build());
        assertMalformed(WasmBuilder.module().section(8, 0x05, 0x00).build());
        assertMalformed(WasmBuilder.module().section(8).build());
        assertMalformed(WasmBuilder.module().section(12, 0x01, 0x01).build());
    }

    /** parity-wasm's VarUint32: over-long forms pass, a fifth byte must be below 0x10. */
    @Test
    void shouldReadLeb128LikeParityWasm() throws Exception {
        WasmSections.read(WasmBuilder.module().raw(0x01, 0x81, 0x00, 0x00).build()); // size 1 in two bytes
        WasmSections.read(WasmBuilder.module().section(8, 0xff, 0xff, 0xff, 0xff, 0x0f).build());
        assertMalformed(WasmBuilder.module().section(8, 0xff, 0xff, 0xff, 0xff, 0x10).build());
        assertMalformed(WasmBuilder.module().section(8, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00).build());
    }

    /**
     * Chicory's own parser, a second reading of the same bytes, finds the same custom sections.
     * Chicory also validates every function body, which takes seconds for the biggest runtimes,
     * so only modules up to 2 MiB are compared.
     */
    @Test
    void shouldFindWhatChicoryFindsInTheCorpus() throws Exception {
        Path root = Corpus.root().orElse(null);
        assumeTrue(root != null, Corpus.missingMessage());
        List<Path> codes;
        try (Stream<Path> files = Files.walk(root)) {
            codes = files.filter(p -> p.toString().endsWith(".code")).sorted().toList();
        }
        int compared = 0;
        for (Path p : codes) {
            byte[] wasm = MaybeCompressed.decompress(read(p), EmbeddedVersion.CODE_BLOB_BOMB_LIMIT);
            if (wasm.length > 2 << 20) {
                continue;
            }
            compared++;
            WasmModule chicory = Parser.parse(wasm);
            WasmSections ours = WasmSections.read(wasm);
            assertEquals(chicory.customSections().size(), ours.customSections().size(), p.toString());
            for (var cs : chicory.customSections()) {
                if (cs instanceof UnknownCustomSection u) {
                    assertArrayEquals(u.bytes(), ours.customSection(u.name()).orElseThrow(), p + " " + u.name());
                } else {
                    assertTrue(ours.customSection(cs.name()).isPresent(), p + " " + cs.name());
                }
            }
        }
        assertTrue(compared >= 3, "compared " + compared + " modules");
    }

    private static byte[] read(Path p) throws IOException {
        return Files.readAllBytes(p);
    }
}
