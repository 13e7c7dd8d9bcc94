package io.pvfhost.common.wire;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * Length-prefixed frames: a little-endian u32 length, then that many payload bytes. The reader
 * checks the length against a maximum before it allocates, so a worker that writes garbage
 * cannot make the host allocate gigabytes.
 */
public final class Frames {
    private Frames() {}

    public static void write(WritableByteChannel ch, byte[] payload) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(payload.length).flip();
        ByteBuffer body = ByteBuffer.wrap(payload);
        if (ch instanceof GatheringByteChannel g) {
            // one system call for header and body where it fits: a process killed while answering
            // then rarely leaves half a frame behind
            ByteBuffer[] both = {header, body};
            while (header.hasRemaining() || body.hasRemaining()) {
                g.write(both);
            }
            return;
        }
        while (header.hasRemaining()) {
            ch.write(header);
        }
        while (body.hasRemaining()) {
            ch.write(body);
        }
    }

    /** Reads one frame; {@link EOFException} when the stream ends before a frame starts. */
    public static byte[] read(ReadableByteChannel ch, int maxPayload) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, header, true);
        long len = Integer.toUnsignedLong(header.flip().getInt());
        if (len > maxPayload) {
            throw new WireException("frame of " + len + " bytes exceeds the limit of " + maxPayload);
        }
        ByteBuffer body = ByteBuffer.allocate((int) len);
        readFully(ch, body, false);
        return body.array();
    }

    private static void readFully(ReadableByteChannel ch, ByteBuffer buf, boolean atStart) throws IOException {
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) {
                if (atStart && buf.position() == 0) {
                    throw new EOFException("stream closed");
                }
                throw new WireException("stream closed inside a frame");
            }
        }
    }
}
