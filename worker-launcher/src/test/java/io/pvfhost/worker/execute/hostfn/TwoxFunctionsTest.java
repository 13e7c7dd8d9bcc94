package io.pvfhost.worker.execute.hostfn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import io.pvfhost.worker.execute.HostEnvFixture;
import io.pvfhost.worker.execute.HostTrap;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class TwoxFunctionsTest {
    private static final HexFormat HEX = HexFormat.of();

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The host-api fixtures of the W3F Polkadot conformance tests (w3f/polkadot-tests,
     * fixtures/host-api: inputs {@code value_1}, outputs for ext_hashing_twox_*), produced by the
     * Substrate adapter.
     */
    private static final String[][] W3F = {
        // input, twox_64, twox_128, twox_256
        {"static", "50946b0f6af893d8", "50946b0f6af893d85f16c85eb1eb1724",
            "50946b0f6af893d85f16c85eb1eb1724e268f07177959a25bc26ccc720e3b05a"},
        {"Inverse", "af8418aaca2fede1", "af8418aaca2fede1c98960f89afd3e08",
            "af8418aaca2fede1c98960f89afd3e08ff3db5243130547a0834d6cf7d7d793b"},
        {"even-keeled", "eb1432a77c4299f6", "eb1432a77c4299f66be0951d98e366d1",
            "eb1432a77c4299f66be0951d98e366d14d0a5f991388ac1c640c0636642d9a00"},
        {"Future-proofed", "36810afe7f5049bd", "36810afe7f5049bd79a3896d83624063",
            "36810afe7f5049bd79a3896d8362406390719d0ab5d51533848c33967ff4c208"},
        {"function", "3e9d2bfe76e2bcf0", "3e9d2bfe76e2bcf0e66a63e8053eb6b0",
            "3e9d2bfe76e2bcf0e66a63e8053eb6b01b6002c24e99267832acaf1b0c4157d1"},
        {"Horizontal", "a0146c1fc40e8e56", "a0146c1fc40e8e565f78ab60fa72688a",
            "a0146c1fc40e8e565f78ab60fa72688a9dd4f49085f416916b385e8b3b85fb18"},
        {"Face to face", "27a5de00daecd452", "27a5de00daecd45290375596c92481b4",
            "27a5de00daecd45290375596c92481b4f5d1f1aca694026a2e937a972572a4bb"},
        {"Expanded", "a85fa102cba3e8e9", "a85fa102cba3e8e9765b35b73718bb4a",
            "a85fa102cba3e8e9765b35b73718bb4a8ea135e7dda9488635dd0d00ef12bc6a"},
        {"Integrated", "febde401d103f0f7", "febde401d103f0f7053d574d2eff8879",
            "febde401d103f0f7053d574d2eff8879c2373b203e54c5a83a09fcf14bc71f4c"},
        {"portal", "17542d4a435eddd7", "17542d4a435eddd774861314c6dc2897",
            "17542d4a435eddd774861314c6dc2897babf6e17b7be87ea5d38b2941be485a6"},
    };

    @Test
    void shouldMatchTheW3fConformanceVectors() {
        for (String[] v : W3F) {
            byte[] data = utf8(v[0]);
            assertEquals(v[1], HEX.formatHex(TwoxFunctions.twox64(data)), v[0]);
            assertEquals(v[2], HEX.formatHex(TwoxFunctions.twox128(data)), v[0]);
            assertEquals(v[3], HEX.formatHex(TwoxFunctions.twox256(data)), v[0]);
        }
    }

    /** Well-known FRAME storage prefixes: twox_128(pallet name) ++ twox_128(item name). */
    @Test
    void shouldGiveTheWellKnownStoragePrefixes() {
        assertEquals("26aa394eea5630e07c48ae0c9558cef7", HEX.formatHex(TwoxFunctions.twox128(utf8("System"))));
        assertEquals("b99d880ec681799c0cf30e8886371da9", HEX.formatHex(TwoxFunctions.twox128(utf8("Account"))));
        assertEquals("02a5c1b19ab7a04f536c519aca4983ac", HEX.formatHex(TwoxFunctions.twox128(utf8("Number"))));
        assertEquals("c2261276cc9d1f8598ea4b6a74b15c2f", HEX.formatHex(TwoxFunctions.twox128(utf8("Balances"))));
        assertEquals("57c875e4cff74148e4628f264b974c80", HEX.formatHex(TwoxFunctions.twox128(utf8("TotalIssuance"))));
        assertEquals("f0c365c3cf59d671eb72da0e7a4113c4", HEX.formatHex(TwoxFunctions.twox128(utf8("Timestamp"))));
        assertEquals("9f1f0515f462cdcf84e0f1d6045dfcbb", HEX.formatHex(TwoxFunctions.twox128(utf8("Now"))));
        assertEquals("5c0d1176a568c1f92944340dbfed9e9c", HEX.formatHex(TwoxFunctions.twox128(utf8("Sudo"))));
        assertEquals("530ebca703c85910e7164cb7d1c9e47b", HEX.formatHex(TwoxFunctions.twox128(utf8("Key"))));
    }

    /** XXH64 of nothing with seed 0 is 0xEF46DB3751D8E999 (the xxHash reference value), written little-endian. */
    @Test
    void shouldWriteEachWordLittleEndian() {
        assertEquals("99e9d85137db46ef", HEX.formatHex(TwoxFunctions.twox64(new byte[0])));
        byte[] data = utf8("test1234567890");
        byte[] t256 = TwoxFunctions.twox256(data);
        assertArrayEquals(TwoxFunctions.twox64(data), java.util.Arrays.copyOf(t256, 8));
        assertArrayEquals(TwoxFunctions.twox128(data), java.util.Arrays.copyOf(t256, 16));
    }

    @Test
    void shouldReturnAPointerToTheDigestAllocatedInWasmMemory() {
        HostCall host = new HostCall(TwoxFunctions.functions());
        long span = host.span(utf8("static"));
        int ptr = (int) host.call("ext_hashing_twox_128_version_1", span)[0];
        assertTrue(ptr >= HostEnvFixture.HEAP_BASE, "allocated by the allocator");
        assertEquals("50946b0f6af893d85f16c85eb1eb1724", HEX.formatHex(host.memory.readBytes(ptr, 16)));
        assertEquals("50946b0f6af893d8",
                HEX.formatHex(host.callForPointer("ext_hashing_twox_64_version_1", 8, span)));
        assertEquals("50946b0f6af893d85f16c85eb1eb1724e268f07177959a25bc26ccc720e3b05a",
                HEX.formatHex(host.callForPointer("ext_hashing_twox_256_version_1", 32, span)));
    }

    @Test
    void shouldTakeASpanAndReturnAPointer() {
        FunctionType type = FunctionType.of(List.of(ValType.I64), List.of(ValType.I32));
        for (String name : List.of("ext_hashing_twox_64_version_1", "ext_hashing_twox_128_version_1",
                "ext_hashing_twox_256_version_1")) {
            assertEquals(type, TwoxFunctions.functions().get(name).type(), name);
        }
        assertEquals(3, TwoxFunctions.functions().size());
    }

    @Test
    void shouldTrapOnASpanOutsideMemory() {
        HostCall host = new HostCall(TwoxFunctions.functions());
        assertThrows(HostTrap.class, () -> host.call("ext_hashing_twox_128_version_1", host.outOfBounds(10)));
    }
}
