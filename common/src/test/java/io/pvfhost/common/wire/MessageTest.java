package io.pvfhost.common.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.pvfhost.common.Hex;
import io.pvfhost.common.error.PrepareError;
import io.pvfhost.common.params.ExecutorParam;
import io.pvfhost.common.params.ExecutorParams;
import io.pvfhost.common.scale.ScaleWriter;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class MessageTest {

    private static final ExecutorParams PARAMS = new ExecutorParams(List.of(
            new ExecutorParam.MaxMemoryPages(8192),
            new ExecutorParam.PvfExecTimeout(1, 12_000),
            ExecutorParam.WasmExtBulkMemory.INSTANCE));

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** At least one value of every message variant, with edge values in the fields. */
    static List<Message> samples() {
        List<Message> all = new ArrayList<>();
        all.add(new Message.Hello("pvf-host-0.1.0", 4242));
        all.add(new Message.Hello("", -1L)); // u64::MAX
        all.add(new Message.Hello("ünïcødé ✓", 0));
        all.add(new Message.PrepareRequest(bytes(300, 1), 3L << 20, 30L << 20, PARAMS, "/tmp/cache/a.pvfa", 360_000));
        all.add(new Message.PrepareRequest(new byte[0], 0, 0, ExecutorParams.DEFAULT, "", 0));
        all.add(new Message.Prepared(bytes(32, 2), 123_456_789L, 1500, 0x7fff_ffff, 1L << 33));
        all.add(new Message.Prepared(new byte[0], 0, 0, 0, 0));
        for (PrepareError.Kind k : PrepareError.Kind.values()) {
            all.add(new Message.PrepareFailed(new PrepareError(k, "detail of " + k)));
        }
        all.add(new Message.ExecuteRequest("/c/x.pvfa", bytes(32, 3), bytes(1000, 4), PARAMS, 2_000, 40L << 20));
        all.add(new Message.ExecuteRequest("", new byte[0], new byte[0], ExecutorParams.DEFAULT, 0, 0));
        for (Message.Status s : Message.Status.values()) {
            all.add(new Message.ExecuteResponse(s, bytes(70, s.ordinal()), "status " + s, 17));
        }
        all.add(new Message.ExecuteResponse(Message.Status.OK, null, null, 0));
        return all;
    }

    /** Records hold byte arrays, whose equals is identity: compare each component by content. */
    static void assertSameMessage(Message expected, Message actual) {
        assertSame(expected.getClass(), actual.getClass());
        for (RecordComponent c : expected.getClass().getRecordComponents()) {
            Object e;
            Object a;
            try {
                e = c.getAccessor().invoke(expected);
                a = c.getAccessor().invoke(actual);
            } catch (ReflectiveOperationException x) {
                throw new AssertionError(x);
            }
            if (e instanceof byte[] eb) {
                assertArrayEquals(eb, (byte[]) a, c.getName());
            } else {
                assertEquals(e, a, c.getName());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("samples")
    void shouldRoundTripEveryMessageVariant(Message m) {
        assertSameMessage(m, Message.decode(Message.encode(m)));
    }

    @Test
    void shouldCoverEveryMessageVariantInTheSamples() {
        long variants = samples().stream().map(Object::getClass).distinct().count();
        assertEquals(Message.class.getPermittedSubclasses().length, variants);
    }

    @Test
    void shouldEncodeHelloWithTagThenScaleFields() {
        // tag 1, compact length 1 ('v'), u64 little-endian
        assertEquals("0x01" + "04" + "76" + "0201000000000000", Hex.toHex(Message.encode(new Message.Hello("v", 258))));
    }

    @Test
    void shouldRejectAnEmptyFrame() {
        assertThrows(WireException.class, () -> Message.decode(new byte[0]));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 7, 8, 0x7f, 0x80, 0xff})
    void shouldRejectUnknownTags(int tag) {
        byte[] frame = Message.encode(new Message.Hello("x", 1));
        frame[0] = (byte) tag;
        WireException e = assertThrows(WireException.class, () -> Message.decode(frame));
        assertTrue(e.getMessage().contains("tag"), e.getMessage());
    }

    @Test
    void shouldRejectUnknownPrepareErrorKind() {
        byte[] frame = new ScaleWriter().u8(4).u8(PrepareError.Kind.values().length).bytes(new byte[0]).toByteArray();
        WireException e = assertThrows(WireException.class, () -> Message.decode(frame));
        assertTrue(e.getMessage().contains("variant"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {7, 8, 0xff})
    void shouldRejectUnknownExecuteStatus(int status) {
        byte[] frame = Message.encode(new Message.ExecuteResponse(Message.Status.OK, new byte[] {1}, "d", 5));
        frame[1] = (byte) status;
        WireException e = assertThrows(WireException.class, () -> Message.decode(frame));
        assertTrue(e.getMessage().contains("variant"), e.getMessage());
    }

    @Test
    void shouldAcceptTheLastExecuteStatus() {
        Message.Status[] all = Message.Status.values();
        byte[] frame = Message.encode(new Message.ExecuteResponse(Message.Status.OK, new byte[0], "", 0));
        frame[1] = (byte) (all.length - 1);
        assertEquals(all[all.length - 1], ((Message.ExecuteResponse) Message.decode(frame)).status());
    }

    @Test
    void shouldRejectUnknownExecutorParamInsideARequest() {
        byte[] frame = Message.encode(new Message.PrepareRequest(new byte[] {1}, 5, 5, new ExecutorParams(
                List.of(ExecutorParam.WasmExtBulkMemory.INSTANCE)), "p", 9));
        // tag, code (2 bytes), max code size (8), bomb limit (8), params count, params variant index
        int variantAt = 1 + 2 + 8 + 8 + 1;
        assertEquals(7, frame[variantAt]);
        frame[variantAt] = 9;
        assertThrows(WireException.class, () -> Message.decode(frame));
    }

    @ParameterizedTest
    @MethodSource("samples")
    void shouldRejectTrailingBytes(Message m) {
        byte[] enc = Message.encode(m);
        byte[] longer = Arrays.copyOf(enc, enc.length + 1);
        WireException e = assertThrows(WireException.class, () -> Message.decode(longer));
        assertTrue(e.getMessage().contains("trailing"), e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("samples")
    void shouldRejectEveryTruncationOfAFrame(Message m) {
        byte[] enc = Message.encode(m);
        for (int n = 0; n < enc.length; n++) {
            byte[] cut = Arrays.copyOf(enc, n);
            assertThrows(WireException.class, () -> Message.decode(cut), "prefix of " + n + " of " + enc.length);
        }
    }

    @Test
    void shouldRejectStringOverTheLimitEvenWhenAllBytesArePresent() {
        byte[] s = new byte[Message.MAX_STRING + 1];
        Arrays.fill(s, (byte) 'a');
        byte[] frame = new ScaleWriter().u8(1).bytes(s).u64(1).toByteArray();
        WireException e = assertThrows(WireException.class, () -> Message.decode(frame));
        assertTrue(e.getMessage().contains("exceeds the limit"), e.getMessage());
    }

    @Test
    void shouldAcceptStringOfExactlyTheLimit() {
        String s = "b".repeat(Message.MAX_STRING);
        Message.Hello h = (Message.Hello) Message.decode(Message.encode(new Message.Hello(s, 1)));
        assertEquals(s, h.version());
    }

    @Test
    void shouldCutOverlongStringsOnEncodeSoThePeerCanDecodeThem() {
        String s = "c".repeat(Message.MAX_STRING + 100);
        Message.ExecuteResponse r = (Message.ExecuteResponse) Message.decode(
                Message.encode(new Message.ExecuteResponse(Message.Status.INVALID, new byte[0], s, 0)));
        assertEquals(s.substring(0, Message.MAX_STRING), r.detail());
    }

    @Test
    void shouldRejectBlobOverTheLimitFromItsLengthPrefix() {
        // a PrepareRequest whose code claims MAX_BLOB + 1 bytes, followed by enough bytes that only
        // the limit (not the end of input) can be the reason
        byte[] frame = new ScaleWriter().u8(2).compact(Message.MAX_BLOB + 1L).raw(new byte[64]).toByteArray();
        WireException e = assertThrows(WireException.class, () -> Message.decode(frame));
        assertTrue(e.getMessage().contains("exceeds the limit"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 5})
    void shouldRejectChecksumLongerThan64Bytes(int tag) {
        ScaleWriter w = new ScaleWriter().u8(tag);
        if (tag == 5) {
            w.bytes("p".getBytes(StandardCharsets.UTF_8));
        }
        byte[] frame = w.bytes(new byte[65]).raw(new byte[64]).toByteArray();
        WireException e = assertThrows(WireException.class, () -> Message.decode(frame));
        assertTrue(e.getMessage().contains("exceeds the limit"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(longs = {0x8000_0000L, 0xffff_ffffL})
    void shouldRejectInterpretedFunctionCountThatDoesNotFitAnInt(long count) {
        byte[] frame = new ScaleWriter().u8(3).bytes(new byte[32]).u64(1).u64(2).u32(count).u64(3).toByteArray();
        assertThrows(WireException.class, () -> Message.decode(frame));
    }

    @ParameterizedTest
    @EnumSource(PrepareError.Kind.class)
    void shouldCarryThePrepareErrorKindByOrdinal(PrepareError.Kind kind) {
        byte[] frame = Message.encode(new Message.PrepareFailed(new PrepareError(kind, "")));
        assertEquals(kind.ordinal(), frame[1]);
    }

    // Untrusted input: whatever the bytes, decode returns a message or throws WireException.
    @Test
    void shouldThrowOnlyWireExceptionForRandomFrames() {
        Random rnd = new Random(0x5eed_0001L);
        for (int i = 0; i < 4000; i++) {
            byte[] frame = new byte[rnd.nextInt(80)];
            rnd.nextBytes(frame);
            if (frame.length > 0 && rnd.nextBoolean()) {
                frame[0] = (byte) (1 + rnd.nextInt(6)); // mostly valid tags, to get past the first byte
            }
            decodeExpectingOnlyWireException(frame);
        }
    }

    @Test
    void shouldThrowOnlyWireExceptionForMutatedValidFrames() {
        Random rnd = new Random(0x5eed_0002L);
        List<byte[]> valid = samples().stream().map(Message::encode).toList();
        for (int i = 0; i < 6000; i++) {
            byte[] frame = mutate(valid.get(rnd.nextInt(valid.size())), rnd);
            decodeExpectingOnlyWireException(frame);
        }
    }

    static byte[] mutate(byte[] in, Random rnd) {
        byte[] b = in.clone();
        int edits = 1 + rnd.nextInt(4);
        for (int e = 0; e < edits; e++) {
            switch (rnd.nextInt(6)) {
                case 0 -> { // flip one bit
                    if (b.length > 0) {
                        b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
                    }
                }
                case 1 -> { // random byte, biased to interesting values
                    if (b.length > 0) {
                        int[] pick = {0x00, 0xff, 0x03, 0x13, 0xfe, 0xfc, rnd.nextInt(256)};
                        b[rnd.nextInt(b.length)] = (byte) pick[rnd.nextInt(pick.length)];
                    }
                }
                case 2 -> b = Arrays.copyOf(b, rnd.nextInt(b.length + 1)); // truncate
                case 3 -> { // append junk
                    int old = b.length;
                    b = Arrays.copyOf(b, old + 1 + rnd.nextInt(8));
                    for (int i = old; i < b.length; i++) {
                        b[i] = (byte) rnd.nextInt(256);
                    }
                }
                case 4 -> { // delete a byte
                    if (b.length > 0) {
                        int at = rnd.nextInt(b.length);
                        byte[] c = new byte[b.length - 1];
                        System.arraycopy(b, 0, c, 0, at);
                        System.arraycopy(b, at + 1, c, at, b.length - at - 1);
                        b = c;
                    }
                }
                default -> { // insert a byte
                    int at = rnd.nextInt(b.length + 1);
                    byte[] c = new byte[b.length + 1];
                    System.arraycopy(b, 0, c, 0, at);
                    c[at] = (byte) rnd.nextInt(256);
                    System.arraycopy(b, at, c, at + 1, b.length - at);
                    b = c;
                }
            }
        }
        return b;
    }

    private static void decodeExpectingOnlyWireException(byte[] frame) {
        try {
            Message m = Message.decode(frame);
            // what decodes must encode again: strings may differ (invalid UTF-8 is replaced), so
            // only check that encoding does not blow up
            Message.encode(m);
        } catch (WireException expected) {
            // fine
        } catch (Throwable t) {
            fail("decode of " + Hex.toHex(frame) + " threw " + t, t);
        }
    }

    @Test
    void shouldReencodeDecodedStringFreeFramesToTheSameBytes() {
        Random rnd = new Random(0x5eed_0003L);
        int decoded = 0;
        for (int i = 0; i < 3000; i++) {
            byte[] frame = new byte[1 + 8 + 8 + 4 + 8 + 33];
            rnd.nextBytes(frame);
            frame[0] = 3; // Prepared: no strings, so decoding is canonical
            frame[1] = (byte) (rnd.nextInt(33) << 2); // checksum length 0..32
            int len = (frame[1] & 0xff) >> 2;
            frame[1 + 1 + len + 8 + 8 + 3] &= 0x7f; // interpreted functions: a non-negative int
            byte[] exact = Arrays.copyOf(frame, 1 + 1 + len + 8 + 8 + 4 + 8);
            assertArrayEquals(exact, Message.encode(Message.decode(exact)));
            decoded++;
        }
        assertEquals(3000, decoded);
    }
}
