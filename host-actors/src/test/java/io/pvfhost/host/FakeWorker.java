package io.pvfhost.host;

import io.pvfhost.common.wire.Frames;
import io.pvfhost.common.wire.Message;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * A misbehaving worker for fault tests, started by the pools in place of the real one
 * ({@code pvf.host.worker.main-class}); {@code -Dfake.mode} says how it misbehaves.
 */
public final class FakeWorker {
    private FakeWorker() {}

    public static void main(String[] args) throws Exception {
        String mode = System.getProperty("fake.mode", "exit");
        if (mode.equals("exit")) {
            System.exit(3);
        }
        Path socket = Path.of(args[2]);
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            switch (mode) {
                case "wrong-version" -> Frames.write(ch, Message.encode(new Message.Hello("pvf-host-9.9.9", ProcessHandle.current().pid())));
                case "garbage-hello" -> ch.write(ByteBuffer.wrap(new byte[] {5, 0, 0, 0, 99, 1, 2, 3, 4}));
                case "garbage-reply" -> {
                    Frames.write(ch, Message.encode(new Message.Hello(io.pvfhost.common.Version.NODE_VERSION, ProcessHandle.current().pid())));
                    Frames.read(ch, 1 << 26);
                    ch.write(ByteBuffer.wrap(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f, 1, 2}));
                }
                case "half-reply-exit" -> {
                    // dies while answering, as a worker killed mid-write: a frame header and part of its body
                    Frames.write(ch, Message.encode(new Message.Hello(io.pvfhost.common.Version.NODE_VERSION, ProcessHandle.current().pid())));
                    Frames.read(ch, 1 << 26);
                    ch.write(ByteBuffer.wrap(new byte[] {100, 0, 0, 0, 1, 2, 3}));
                    Runtime.getRuntime().halt(137);
                }
                default -> throw new IllegalArgumentException(mode);
            }
            Thread.sleep(60_000);
        }
    }
}
