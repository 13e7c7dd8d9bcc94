package io.pvfhost.common.params;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pvfhost.common.Hex;
import io.pvfhost.common.params.ExecutorParam.MaxMemoryPages;
import io.pvfhost.common.params.ExecutorParam.PrecheckingMaxMemory;
import io.pvfhost.common.params.ExecutorParam.PvfExecTimeout;
import io.pvfhost.common.params.ExecutorParam.PvfPrepTimeout;
import io.pvfhost.common.params.ExecutorParam.StackLogicalMax;
import io.pvfhost.common.params.ExecutorParam.StackNativeMax;
import io.pvfhost.common.params.ExecutorParam.WasmExtBulkMemory;
import io.pvfhost.common.scale.ScaleException;
import io.pvfhost.common.scale.ScaleReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExecutorParamsTest {

    /** One of each variant, both kinds of each timeout, extreme values where a field allows. */
    private static final ExecutorParams ALL = new ExecutorParams(List.of(
            new MaxMemoryPages(8192),
            new StackLogicalMax(0xffff_ffffL),
            new StackNativeMax(256L * 1024 * 1024),
            new PrecheckingMaxMemory(-1L), // u64::MAX
            new PvfPrepTimeout(0, 60_000),
            new PvfPrepTimeout(1, 360_000),
            new PvfExecTimeout(0, 2_000),
            new PvfExecTimeout(1, 12_000),
            WasmExtBulkMemory.INSTANCE,
            new ExecutorParam.EnabledHostFunction(ExecutorParam.EnabledHostFunction.ECC_RFC_163)));

    private static ExecutorParams of(ExecutorParam... ps) {
        return new ExecutorParams(List.of(ps));
    }

    private static ExecutorParams decodeHex(String hex) {
        return ExecutorParams.decode(Hex.decode(hex));
    }

    @Test
    void shouldRoundTripEveryVariantThroughEncodeAndDecode() {
        assertEquals(ALL, ExecutorParams.decode(ALL.encode()));
        assertEquals(ExecutorParams.DEFAULT, ExecutorParams.decode(ExecutorParams.DEFAULT.encode()));
    }

    @Test
    void shouldDecodeFromAReaderAndStopAtTheEndOfTheList() {
        byte[] enc = ALL.encode();
        byte[] withTail = new byte[enc.length + 3];
        System.arraycopy(enc, 0, withTail, 0, enc.length);
        ScaleReader r = new ScaleReader(withTail);
        assertEquals(ALL, ExecutorParams.decode(r));
        assertEquals(3, r.remaining());
    }

    @Test
    void shouldEncodeEmptyParamsAsAnEmptyVector() {
        assertEquals("0x00", Hex.toHex(ExecutorParams.DEFAULT.encode()));
    }

    // Bytes as parity-scale-codec writes the reference's Vec<ExecutorParam>: compact count, then
    // per element the #[codec(index)] byte and the fields (u32 / u64 little-endian, the kind enums
    // PvfPrepKind {Precheck, Prepare} and PvfExecKind {Backing, Approval} as one byte).
    @Test
    void shouldEncodeWithTheReferenceVariantIndicesAndFieldWidths() {
        assertEquals("0x" + "28"
                        + "01" + "00200000"
                        + "02" + "ffffffff"
                        + "03" + "00000010"
                        + "04" + "ffffffffffffffff"
                        + "05" + "00" + "60ea000000000000"
                        + "05" + "01" + "407e050000000000"
                        + "06" + "00" + "d007000000000000"
                        + "06" + "01" + "e02e000000000000"
                        + "07"
                        + "08" + "01", // EnabledHostFunction(EccRfc163): ExecutorHostFunction {__Unused0, EccRfc163}
                Hex.toHex(ALL.encode()));
    }

    @Test
    void shouldReportTheReferenceVariantIndexForEachParameter() {
        assertEquals(1, new MaxMemoryPages(1).index());
        assertEquals(2, new StackLogicalMax(1).index());
        assertEquals(3, new StackNativeMax(1).index());
        assertEquals(4, new PrecheckingMaxMemory(1).index());
        assertEquals(5, new PvfPrepTimeout(0, 1).index());
        assertEquals(6, new PvfExecTimeout(0, 1).index());
        assertEquals(7, WasmExtBulkMemory.INSTANCE.index());
        assertEquals(8, new ExecutorParam.EnabledHostFunction(1).index());
    }

    @Test
    void shouldDefaultMaxMemoryPagesTo2080() {
        assertEquals(2080, ExecutorParams.DEFAULT.maxMemoryPages());
        assertEquals(2080, of(new StackLogicalMax(1024)).maxMemoryPages());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2048, 8192, 65_504})
    void shouldAddExtraHeapPagesToMaxMemoryPages(long n) {
        assertEquals(n + 32, of(new MaxMemoryPages(n)).maxMemoryPages());
    }

    @Test
    void shouldCapMaxMemoryPagesAtTheWasm32Limit() {
        assertEquals(65_536, of(new MaxMemoryPages(65_536)).maxMemoryPages());
    }

    @Test
    void shouldDefaultStackLogicalMaxTo65536AndHonourTheParameter() {
        assertEquals(65_536, ExecutorParams.DEFAULT.stackLogicalMax());
        assertEquals(1024, of(new StackLogicalMax(1024)).stackLogicalMax());
    }

    @Test
    void shouldReportBulkMemoryOnlyWhenEnabled() {
        assertFalse(ExecutorParams.DEFAULT.bulkMemory());
        assertTrue(of(WasmExtBulkMemory.INSTANCE).bulkMemory());
    }

    @Test
    void shouldFindTimeoutOverridesByKind() {
        assertEquals(Optional.of(60_000L), ALL.prepTimeoutMillis(0));
        assertEquals(Optional.of(360_000L), ALL.prepTimeoutMillis(1));
        assertEquals(Optional.of(2_000L), ALL.execTimeoutMillis(0));
        assertEquals(Optional.of(12_000L), ALL.execTimeoutMillis(1));
        assertEquals(Optional.empty(), ExecutorParams.DEFAULT.prepTimeoutMillis(0));
        assertEquals(Optional.empty(), of(new PvfPrepTimeout(0, 5)).prepTimeoutMillis(1));
    }

    @Test
    void shouldIgnoreTimeoutsAndPrecheckingMemoryInTheArtifactHash() {
        ExecutorParams base = of(new MaxMemoryPages(4096), new StackLogicalMax(1024), WasmExtBulkMemory.INSTANCE);
        ExecutorParams withTimeouts = of(
                new PvfPrepTimeout(0, 1),
                new MaxMemoryPages(4096),
                new PvfExecTimeout(1, 99),
                new StackLogicalMax(1024),
                new PrecheckingMaxMemory(1L << 30),
                WasmExtBulkMemory.INSTANCE,
                new PvfPrepTimeout(1, 7),
                new PvfExecTimeout(0, 3));
        assertArrayEquals(base.artifactHash(), withTimeouts.artifactHash());
        assertArrayEquals(ExecutorParams.DEFAULT.artifactHash(),
                of(new PvfExecTimeout(0, 10), new PrecheckingMaxMemory(1)).artifactHash());
        assertFalse(java.util.Arrays.equals(base.encode(), withTimeouts.encode()), "the full encoding still differs");
    }

    @Test
    void shouldChangeTheArtifactHashWithMaxMemoryPages() {
        assertDifferentHash(ExecutorParams.DEFAULT, of(new MaxMemoryPages(2048)));
        assertDifferentHash(of(new MaxMemoryPages(2048)), of(new MaxMemoryPages(2049)));
    }

    @Test
    void shouldChangeTheArtifactHashWithStackLogicalMax() {
        assertDifferentHash(ExecutorParams.DEFAULT, of(new StackLogicalMax(65_536)));
        assertDifferentHash(of(new StackLogicalMax(1024)), of(new StackLogicalMax(1025)));
    }

    @Test
    void shouldChangeTheArtifactHashWithBulkMemory() {
        assertDifferentHash(ExecutorParams.DEFAULT, of(WasmExtBulkMemory.INSTANCE));
        assertDifferentHash(of(new MaxMemoryPages(10)), of(new MaxMemoryPages(10), WasmExtBulkMemory.INSTANCE));
    }

    @Test
    void shouldGiveA32ByteArtifactHash() {
        assertEquals(32, ALL.artifactHash().length);
    }

    /** Polkadot's session sets EnabledHostFunction(EccRfc163): it decodes, and an artifact does not depend on it. */
    @Test
    void shouldDecodeEnabledHostFunctionWithoutChangingTheArtifact() {
        var p = decodeHex("0x040801");
        assertEquals(of(new ExecutorParam.EnabledHostFunction(1)), p);
        assertArrayEquals(ExecutorParams.DEFAULT.artifactHash(), p.artifactHash());
    }

    private static void assertDifferentHash(ExecutorParams a, ExecutorParams b) {
        assertFalse(java.util.Arrays.equals(a.artifactHash(), b.artifactHash()), a + " vs " + b);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0400", "0409", "04ff", "040800", "040802"})
    void shouldRejectUnknownVariantIndices(String hex) {
        ScaleException e = assertThrows(ScaleException.class, () -> decodeHex(hex));
        assertTrue(e.getMessage().contains("variant"), e.getMessage());
    }

    // PvfPrepKind and PvfExecKind have two variants each: the reference fails to decode any other.
    @ParameterizedTest
    @ValueSource(strings = {"0405020100000000000000", "0406020100000000000000", "0405ff0100000000000000"})
    void shouldRejectUnknownTimeoutKinds(String hex) {
        assertThrows(ScaleException.class, () -> decodeHex(hex));
    }

    @Test
    void shouldRejectTrailingBytes() {
        assertThrows(ScaleException.class, () -> decodeHex("0407" + "00"));
        assertThrows(ScaleException.class, () -> decodeHex("00" + "00"));
    }

    @Test
    void shouldRejectEveryTruncationOfAValidEncoding() {
        byte[] enc = ALL.encode();
        for (int n = 0; n < enc.length; n++) {
            byte[] cut = java.util.Arrays.copyOf(enc, n);
            assertThrows(ScaleException.class, () -> ExecutorParams.decode(cut), "prefix of " + n + " bytes");
        }
    }

    @Test
    void shouldRejectMoreParametersThanTheLimitBeforeReadingThem() {
        List<ExecutorParam> many = new ArrayList<>();
        for (int i = 0; i < 65; i++) {
            many.add(WasmExtBulkMemory.INSTANCE);
        }
        byte[] enc = new ExecutorParams(many).encode();
        assertThrows(ScaleException.class, () -> ExecutorParams.decode(enc));
    }

    // The count is a Compact<u32> length prefix; a u64-sized count must not wrap to "no parameters".
    @ParameterizedTest
    @ValueSource(strings = {"13ffffffffffffffff", "130000000000000080", "0b000000000001"})
    void shouldRejectCountsBeyondU32(String hex) {
        assertThrows(ScaleException.class, () -> decodeHex(hex));
    }

    @Test
    void shouldRejectNonCanonicalCount() {
        assertThrows(ScaleException.class, () -> decodeHex("0100")); // 0 in two-byte mode
    }
}
