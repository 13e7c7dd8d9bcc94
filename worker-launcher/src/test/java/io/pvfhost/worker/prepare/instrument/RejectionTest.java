package io.pvfhost.worker.prepare.instrument;

import static io.pvfhost.worker.prepare.instrument.TestModules.parse;
import static io.pvfhost.worker.prepare.instrument.TestModules.wasm;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.WasmModule;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Modules outside the accepted feature set are refused with a message saying what and where. */
class RejectionTest {

    private static InstrumentationException refused(byte[] module, WasmFeatures features) {
        return assertThrows(InstrumentationException.class,
                () -> Instrumenter.instrument(module, 65_536, true, features));
    }

    private static InstrumentationException refused(String name) {
        return refused(wasm(name), WasmFeatures.DEFAULT);
    }

    @Test
    void shouldRejectAFunctionWithMoreLocalsThanWasmparserAllows() {
        byte[] limit = io.pvfhost.worker.testing.TinyWasm.withLocals(ModuleRewriter.MAX_FUNCTION_LOCALS);
        Instrumenter.instrument(limit, 65_536, true, WasmFeatures.DEFAULT); // 50 000: accepted
        InstrumentationException e = refused(io.pvfhost.worker.testing.TinyWasm.withLocals(ModuleRewriter.MAX_FUNCTION_LOCALS + 1),
                WasmFeatures.DEFAULT);
        assertTrue(e.getMessage().contains("too many locals: 50001"), e.getMessage());
        // 2^31 locals: refused the same way, no int overflow on the way
        InstrumentationException huge = refused(io.pvfhost.worker.testing.TinyWasm.withLocals(1L << 31), WasmFeatures.DEFAULT);
        assertTrue(huge.getMessage().contains("too many locals: 2147483648"), huge.getMessage());
    }

    @Test
    void shouldRejectABodyWithoutItsFinalEnd() {
        InstrumentationException e = refused(io.pvfhost.worker.testing.TinyWasm.noFinalEnd(), WasmFeatures.DEFAULT);
        assertTrue(e.getMessage().contains("no final end"), e.getMessage());
    }

    @Test
    void shouldRejectSimdNamingTheFunctionAndOffset() {
        byte[] module = wasm("reject/simd");
        InstrumentationException e = refused("reject/simd");
        assertEquals(1, e.functionIndex());
        assertEquals(0xFD, module[e.offset()] & 0xFF, "the offset points at the SIMD prefix");
        assertTrue(e.getMessage().startsWith("function 1 at offset 0x" + Integer.toHexString(e.offset()) + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("unsupported instruction 0xfd (SIMD proposal)"), e.getMessage());
    }

    @Test
    void shouldRejectMultiValueBlockTypes() {
        InstrumentationException e = refused("reject/multi_value_block");
        assertEquals(0, e.functionIndex());
        assertTrue(e.getMessage().contains("block type given by a type index (multi-value proposal)"), e.getMessage());
    }

    @Test
    void shouldRejectFunctionTypesWithSeveralResults() {
        InstrumentationException e = refused("reject/multi_value_function");
        assertTrue(e.getMessage().contains("type 0 has 2 results (multi-value proposal is not supported)"), e.getMessage());
        assertTrue(e.offset() > 8);
    }

    @Test
    void shouldRejectReferenceTypes() {
        InstrumentationException e = refused("reject/reference_types");
        assertEquals(0, e.functionIndex());
        assertTrue(e.getMessage().contains("unsupported instruction 0xd0 (reference-types proposal)"), e.getMessage());
    }

    @Test
    void shouldRejectThreads() {
        InstrumentationException e = refused("reject/threads");
        assertTrue(e.getMessage().contains("unsupported instruction 0xfe (threads proposal)"), e.getMessage());
    }

    @Test
    void shouldRejectImportedGlobals() {
        InstrumentationException e = refused("reject/imported_global");
        assertTrue(e.getMessage().contains("imports 1 globals"), e.getMessage());
    }

    @Test
    void shouldRejectBulkMemoryUnlessEnabled() {
        InstrumentationException e = refused("bulk_memory");
        assertTrue(e.getMessage().contains("instruction 0xfc 10 (bulk-memory proposal) is not enabled"), e.getMessage());
        assertEquals(0, e.functionIndex());

        byte[] out = Instrumenter.instrument(wasm("bulk_memory"), 65_536, true, WasmFeatures.DEFAULT.withBulkMemory(true));
        WasmModule m = parse(out);
        Instance instance = TestModules.interpreted(m);
        instance.memory().write(0, new byte[] {1, 2, 3, 4});
        instance.export("copy").apply(100, 0, 4);
        instance.export("fill").apply(200, 7, 3);
        assertArrayEquals(new byte[] {1, 2, 3, 4}, instance.memory().readBytes(100, 4));
        assertArrayEquals(new byte[] {7, 7, 7}, instance.memory().readBytes(200, 3));
    }

    @Test
    void shouldAcceptSaturatingConversionsAndSignExtensionByDefault() {
        WasmModule m = parse(Instrumenter.instrument(wasm("saturating"), 65_536, true));
        Instance instance = TestModules.interpreted(m);
        assertEquals(Integer.MAX_VALUE, instance.export("sat").apply(Float.floatToRawIntBits(1e20f))[0]);
        assertEquals(-1, (int) instance.export("ext").apply(0xFF)[0]);
    }

    @Test
    void shouldRejectSaturatingConversionsWithTheReferenceFeatureSet() {
        InstrumentationException e = refused(wasm("saturating"), WasmFeatures.REFERENCE);
        assertEquals(0, e.functionIndex());
        assertTrue(e.getMessage().contains("instruction 0xfc 0 (saturating float-to-int proposal) is not enabled"), e.getMessage());
    }

    @Test
    void shouldRejectSignExtensionWithTheReferenceFeatureSet() {
        InstrumentationException e = refused(wasm("saturating"), new WasmFeatures(false, true, false));
        assertEquals(1, e.functionIndex());
        assertTrue(e.getMessage().contains("instruction 0xc0 (sign-extension proposal) is not enabled"), e.getMessage());
        // the adders and Cumulus runtimes of the corpus are pure MVP: the reference set accepts them
        // (CorpusInstrumentationTest counts their post-MVP instructions)
        Instrumenter.instrument(wasm("recursive"), 65_536, true, WasmFeatures.REFERENCE);
    }

    @Test
    void shouldRejectPassiveDataSegmentsUnlessBulkMemoryIsEnabled() {
        // (module (memory 1) (data "x")): a passive data segment, kind 1
        byte[] module = TestModules.concat(
                new byte[] {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00},
                new byte[] {0x05, 0x03, 0x01, 0x00, 0x01}, // memory 1
                new byte[] {0x0C, 0x01, 0x01}, // data count 1
                new byte[] {0x0B, 0x04, 0x01, 0x01, 0x01, 'x'});
        parse(module);
        InstrumentationException e = refused(module, WasmFeatures.DEFAULT);
        assertTrue(e.getMessage().contains("data segment 0 of kind 1 (passive or explicit memory, bulk-memory proposal) is not enabled"),
                e.getMessage());
        parse(Instrumenter.instrument(module, 65_536, true, WasmFeatures.DEFAULT.withBulkMemory(true)));
    }

    /** A module with one function calling through table 0, whose call_indirect table byte is given. */
    private static byte[] callIndirectModule(byte[] tableImmediate) {
        byte[] body = TestModules.concat(
                new byte[] {0x00, 0x41, 0x00, 0x11, 0x00}, // no locals; i32.const 0; call_indirect type 0
                tableImmediate,
                new byte[] {0x0B});
        return TestModules.concat(
                new byte[] {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00},
                new byte[] {0x01, 0x04, 0x01, 0x60, 0x00, 0x00}, // type 0: [] -> []
                new byte[] {0x03, 0x02, 0x01, 0x00}, // function 0: type 0
                new byte[] {0x04, 0x04, 0x01, 0x70, 0x00, 0x01}, // table: funcref, min 1
                new byte[] {0x0A, (byte) (body.length + 2), 0x01, (byte) body.length},
                body);
    }

    @Test
    void shouldRejectAPaddedCallIndirectTableIndex() {
        // both encode table 0; the padded one is what LLVM emits with reference types enabled,
        // and what parity-wasm refuses
        byte[] plain = callIndirectModule(new byte[] {0x00});
        parse(Instrumenter.instrument(plain, 65_536, true));
        byte[] padded = callIndirectModule(new byte[] {(byte) 0x80, 0x00});
        parse(padded); // valid wasm for Chicory
        InstrumentationException e = refused(padded, WasmFeatures.DEFAULT);
        assertEquals(0, e.functionIndex());
        assertTrue(e.getMessage().contains("call_indirect with table byte 0x80"), e.getMessage());
    }

    @Test
    void shouldRejectTruncatedAndForeignInput() {
        byte[] module = wasm("recursive");
        InstrumentationException truncated = refused(Arrays.copyOf(module, module.length - 3), WasmFeatures.DEFAULT);
        assertTrue(truncated.getMessage().contains("runs past the end of the module"), truncated.getMessage());
        InstrumentationException notWasm = refused(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, WasmFeatures.DEFAULT);
        assertEquals("at offset 0x0: not a wasm module (bad magic or version)", notWasm.getMessage());
    }
}
