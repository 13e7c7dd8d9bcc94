package io.pvfhost.worker.execute.hostfn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import io.pvfhost.common.Corpus;
import io.pvfhost.common.scale.ScaleReader;
import io.pvfhost.worker.execute.HostEnv;
import io.pvfhost.worker.execute.HostEnvFixture;
import io.pvfhost.worker.execute.HostTrap;
import io.pvfhost.worker.execute.version.RuntimeVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MiscFunctionsTest {
    private static final String RUNTIME_VERSION = "ext_misc_runtime_version_version_1";

    private final HostCall host = new HostCall(MiscFunctions.functions(), 64);

    @Test
    void shouldPrintWithoutResultsOrSideEffects() {
        long span = host.span("hello".getBytes(StandardCharsets.UTF_8));
        long notUtf8 = host.span(new byte[] {(byte) 0xff, (byte) 0xfe});
        assertEmpty(host.call("ext_misc_print_utf8_version_1", span));
        assertEmpty(host.call("ext_misc_print_utf8_version_1", notUtf8));
        assertEmpty(host.call("ext_misc_print_hex_version_1", notUtf8));
        assertEmpty(host.call("ext_misc_print_num_version_1", -1L));
        // Nothing was allocated by the calls: the next block follows the two inputs.
        int next = host.env.allocate(host.memory, 8);
        assertEquals((int) notUtf8 + 8 + 8, next);
        assertEquals(null, host.env.lastErrorMessage());
    }

    private static void assertEmpty(long[] result) {
        assertTrue(result == null || result.length == 0);
    }

    @Test
    void shouldTrapWhenAPrintedSpanLiesOutsideMemory() {
        assertThrows(HostTrap.class, () -> host.call("ext_misc_print_utf8_version_1", host.outOfBounds(3)));
        assertThrows(HostTrap.class, () -> host.call("ext_misc_print_hex_version_1", host.outOfBounds(3)));
    }

    @Test
    void shouldReturnNoneForCodeWithoutAVersion() {
        for (byte[] code : List.of(new byte[0], new byte[] {1, 2, 3}, new byte[] {0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0})) {
            long[] result = host.call(RUNTIME_VERSION, host.span(code));
            int ptr = (int) result[0];
            int len = (int) (result[0] >>> 32);
            assertEquals(1, len);
            assertTrue(ptr >= HostEnvFixture.HEAP_BASE, "allocated through the allocator");
            assertArrayEquals(new byte[] {0}, host.memory.readBytes(ptr, 1));
        }
    }

    @Test
    void shouldReturnTheEncodedVersionOfACorpusRuntime() throws Exception {
        Path root = Corpus.root().orElse(null);
        assumeTrue(root != null, Corpus.missingMessage());
        byte[] code = Files.readAllBytes(root.resolve("cumulus/coretime-polkadot-v1003000.code"));
        byte[] option = host.callForSpan(RUNTIME_VERSION, host.span(code));

        ScaleReader r = new ScaleReader(option);
        assertEquals(1, r.u8(), "Some");
        byte[] encoded = r.bytes(Integer.MAX_VALUE);
        r.expectEnd();
        RuntimeVersion v = RuntimeVersion.decodeWithVersionHint(encoded, 5L);
        assertEquals("coretime-polkadot", v.specName());
        assertEquals(1_003_000, v.specVersion());
        assertArrayEquals(encoded, v.encode());

        byte[] statemine = Files.readAllBytes(root.resolve("cumulus/statemine-genesis.code"));
        assertArrayEquals(new byte[] {0}, host.callForSpan(RUNTIME_VERSION, host.span(statemine)),
                "no runtime_version section: None");
    }

    @Test
    void shouldTrapWhenTheCodeSpanLiesOutsideMemory() {
        assertThrows(HostTrap.class, () -> host.call(RUNTIME_VERSION, host.outOfBounds(100)));
    }

    @Test
    void shouldEncodeAnOption() {
        assertArrayEquals(new byte[] {0}, MiscFunctions.encodeOption(Optional.empty()));
        assertArrayEquals(new byte[] {1, 8, 7, 9}, MiscFunctions.encodeOption(Optional.of(new byte[] {7, 9})));
    }

    @Test
    void shouldHaveTheReferenceSignatures() {
        FunctionType print = FunctionType.of(List.of(ValType.I64), List.of());
        for (String name : List.of("ext_misc_print_num_version_1", "ext_misc_print_utf8_version_1",
                "ext_misc_print_hex_version_1")) {
            assertEquals(print, MiscFunctions.functions().get(name).type(), name);
        }
        assertEquals(FunctionType.of(List.of(ValType.I64), List.of(ValType.I64)),
                MiscFunctions.functions().get(RUNTIME_VERSION).type());
        assertEquals(4, MiscFunctions.functions().size());
    }

    @Test
    void shouldReadTheResultBackAsAPackedSpan() {
        long[] result = host.call(RUNTIME_VERSION, host.span(new byte[] {9}));
        assertArrayEquals(new byte[] {0}, HostEnv.readSpan(host.memory, result[0]));
    }
}
