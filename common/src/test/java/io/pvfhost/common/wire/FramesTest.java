package io.pvfhost.common.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pvfhost.common.Allocation;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.channels.ReadableByteChannel;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FramesTest {

    private static final int LIMIT = 1 << 20;

    private static ReadableByteChannel channelOf(byte[] bytes) {
        return Channels.newChannel(new ByteArrayInputStream(bytes));
    }

    private static byte[] framed(byte[]... payloads) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        var ch = Channels.newChannel(out);
        for (byte[] p : payloads) {
            Frames.write(ch, p);
        }
        return out.toByteArray();
    }

    private static byte[] header(long len) {
        return new byte[] {(byte) len, (byte) (len >>> 8), (byte) (len >>> 16), (byte) (len >>> 24)};
    }

    @Test
    void shouldWriteLittleEndianLengthThenPayload() throws IOException {
        assertArrayEquals(new byte[] {3, 0, 0, 0, 7, 8, 9}, framed(new byte[] {7, 8, 9}));
        assertArrayEquals(new byte[] {0, 1, 0, 0}, Arrays.copyOf(framed(new byte[256]), 4));
    }

    @Test
    void shouldReadBackSeveralFramesInOrderThenReportEof() throws IOException {
        byte[] a = {1, 2, 3};
        byte[] b = new byte[0];
        byte[] c = new byte[70_000];
        new Random(7).nextBytes(c);
        ReadableByteChannel in = channelOf(framed(a, b, c));
        assertArrayEquals(a, Frames.read(in, LIMIT));
        assertArrayEquals(b, Frames.read(in, LIMIT));
        assertArrayEquals(c, Frames.read(in, LIMIT));
        assertThrows(EOFException.class, () -> Frames.read(in, LIMIT));
    }

    @Test
    void shouldCarryAMessageThroughAPipe() throws IOException {
        Pipe pipe = Pipe.open();
        Message.Hello hello = new Message.Hello("pvf-host-0.1.0", 99);
        Frames.write(pipe.sink(), Message.encode(hello));
        pipe.sink().close();
        assertEquals(hello, Message.decode(Frames.read(pipe.source(), LIMIT)));
        assertThrows(EOFException.class, () -> Frames.read(pipe.source(), LIMIT));
    }

    @Test
    void shouldReadAFrameThatArrivesOneByteAtATime() throws IOException {
        byte[] payload = new byte[300];
        new Random(3).nextBytes(payload);
        byte[] wire = framed(payload);
        ReadableByteChannel trickle = new ReadableByteChannel() {
            int pos;

            @Override
            public int read(ByteBuffer dst) {
                if (pos == wire.length) {
                    return -1;
                }
                if (!dst.hasRemaining()) {
                    return 0;
                }
                dst.put(wire[pos++]);
                return 1;
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {}
        };
        assertArrayEquals(payload, Frames.read(trickle, LIMIT));
    }

    @Test
    void shouldReportCleanCloseBeforeAFrameAsEof() {
        EOFException e = assertThrows(EOFException.class, () -> Frames.read(channelOf(new byte[0]), LIMIT));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void shouldReportCloseInsideTheLengthPrefixAsWireException() {
        for (int n = 1; n < 4; n++) {
            byte[] partial = Arrays.copyOf(header(10), n);
            assertThrows(WireException.class, () -> Frames.read(channelOf(partial), LIMIT), n + " header bytes");
        }
    }

    @Test
    void shouldReportCloseInsideThePayloadAsWireException() throws IOException {
        byte[] wire = framed(new byte[] {1, 2, 3, 4, 5});
        for (int n = 4; n < wire.length; n++) {
            byte[] cut = Arrays.copyOf(wire, n);
            WireException e = assertThrows(WireException.class, () -> Frames.read(channelOf(cut), LIMIT),
                    n + " of " + wire.length + " bytes");
            assertTrue(e.getMessage().contains("inside a frame"), e.getMessage());
        }
    }

    @Test
    void shouldReportAPipeClosedMidFrameAsWireException() throws IOException {
        Pipe pipe = Pipe.open();
        pipe.sink().write(ByteBuffer.wrap(header(100)));
        pipe.sink().write(ByteBuffer.wrap(new byte[40]));
        pipe.sink().close();
        assertThrows(WireException.class, () -> Frames.read(pipe.source(), LIMIT));
    }

    @Test
    void shouldAcceptAFrameOfExactlyTheLimit() throws IOException {
        byte[] payload = new byte[1000];
        assertArrayEquals(payload, Frames.read(channelOf(framed(payload)), 1000));
    }

    @Test
    void shouldRejectFrameLargerThanLimit() throws IOException {
        byte[] wire = framed(new byte[1001]);
        WireException e = assertThrows(WireException.class, () -> Frames.read(channelOf(wire), 1000));
        assertTrue(e.getMessage().contains("exceeds the limit"), e.getMessage());
    }

    @Test
    void shouldRejectHugeLengthBeforeAllocating() {
        // 0xffffffff: 4 GiB as an unsigned length (it must not turn into a negative int), followed
        // by only a few bytes: the limit, not the end of input, must be what stops it
        for (long len : new long[] {0xffff_ffffL, 0x8000_0000L, 0x7fff_ffffL, LIMIT + 1L}) {
            byte[] wire = Arrays.copyOf(header(len), 16);
            long allocated = Allocation.measure(() -> {
                WireException e = assertThrows(WireException.class, () -> Frames.read(channelOf(wire), LIMIT));
                assertTrue(e.getMessage().contains("exceeds the limit"), e.getMessage());
            });
            assertTrue(allocated < 256 * 1024, "allocated " + allocated + " bytes for length " + len);
        }
    }

    @Test
    void shouldNotConsumeMoreThanTheHeaderWhenRejectingALength() throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(Arrays.copyOf(header(LIMIT + 1L), 10));
        assertThrows(WireException.class, () -> Frames.read(Channels.newChannel(in), LIMIT));
        assertEquals(6, in.available());
    }
}
