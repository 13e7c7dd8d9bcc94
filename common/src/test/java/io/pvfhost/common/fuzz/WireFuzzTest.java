package io.pvfhost.common.fuzz;

import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.pvfhost.common.error.PrepareError;
import io.pvfhost.common.params.ExecutorParam;
import io.pvfhost.common.params.ExecutorParams;
import io.pvfhost.common.wire.Frames;
import io.pvfhost.common.wire.Message;
import io.pvfhost.common.wire.WireException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing (Jazzer) of what a worker sends the host: the bytes are decoded as one
 * message, and read as a stream of frames whose payloads are decoded as messages. The only
 * allowed failure is {@link WireException} (and {@link EOFException} where the stream ends between
 * frames); a message that decodes must encode to bytes that decode again.
 */
class WireFuzzTest {
    /**
     * Far below the host's 65 MiB frame limit: every limit takes the same paths, and a small one
     * keeps each run from allocating 65 MiB for a header that lies.
     */
    private static final int FRAME_LIMIT = 1 << 16;

    static Stream<Arguments> messages() throws IOException {
        ExecutorParams params = new ExecutorParams(List.of(new ExecutorParam.MaxMemoryPages(8192),
                new ExecutorParam.PvfExecTimeout(1, 12_000), ExecutorParam.WasmExtBulkMemory.INSTANCE));
        List<Message> all = List.of(
                new Message.Hello("pvf-host-0.1.0", 4242),
                new Message.PrepareRequest(new byte[] {0, 97, 115, 109}, 3L << 20, 30L << 20, params, "/c/a.pvfa", 360_000),
                new Message.Prepared(new byte[32], 123_456, 1500, 2, 1L << 33),
                new Message.PrepareFailed(new PrepareError(PrepareError.Kind.PREVALIDATION, "bad magic")),
                new Message.ExecuteRequest("/c/x.pvfa", new byte[32], new byte[80], params, 2_000, 40L << 20),
                new Message.ExecuteResponse(Message.Status.OK, new byte[70], "", 17),
                new Message.ExecuteResponse(Message.Status.INVALID, null, "panicked at 'oops'", 3));
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        Stream.Builder<Arguments> seeds = Stream.builder();
        for (Message m : all) {
            byte[] encoded = Message.encode(m);
            seeds.add(arguments(Named.of(m.getClass().getSimpleName(), encoded)));
            Frames.write(Channels.newChannel(stream), encoded);
        }
        seeds.add(arguments(Named.of("framed stream", stream.toByteArray())));
        return seeds.build();
    }

    @MethodSource("messages")
    @FuzzTest
    void workerBytesShouldOnlyEverBeAWireException(byte[] input) throws IOException {
        decodeMessage(input);
        ReadableByteChannel ch = Channels.newChannel(new ByteArrayInputStream(input));
        while (true) {
            byte[] frame;
            try {
                frame = Frames.read(ch, FRAME_LIMIT);
            } catch (EOFException | WireException expected) {
                return;
            }
            decodeMessage(frame);
        }
    }

    private static void decodeMessage(byte[] frame) {
        Message m;
        try {
            m = Message.decode(frame);
        } catch (WireException expected) {
            return;
        }
        // strings are decoded leniently (bad UTF-8 becomes U+FFFD), so compare by decoding again
        Message.decode(Message.encode(m));
    }
}
