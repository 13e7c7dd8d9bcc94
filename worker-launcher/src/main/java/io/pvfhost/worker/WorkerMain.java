package io.pvfhost.worker;

import io.pvfhost.common.Version;
import io.pvfhost.common.wire.Frames;
import io.pvfhost.common.wire.Message;
import io.pvfhost.worker.execute.ExecuteWorker;
import io.pvfhost.worker.prepare.PrepareWorker;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The worker executable: checks its arguments, connects back to the host over the Unix socket,
 * says hello with its version, then serves one request at a time until the host closes the socket.
 *
 * <pre>
 * WorkerMain prepare-worker|execute-worker --socket-path P --worker-dir D --version V [--kept-artifacts N]
 * </pre>
 * {@code --kept-artifacts} (execute workers only): how many artifacts stay loaded for later requests.
 * Exit codes: 0 host closed the socket, 64 bad usage, 65 version mismatch, 70 internal error.
 */
public final class WorkerMain {
    public static final int EXIT_USAGE = 64;
    public static final int EXIT_VERSION_MISMATCH = 65;
    public static final int EXIT_INTERNAL = 70;
    /** Largest frame the worker accepts from the host (code or params plus headroom). */
    public static final int MAX_REQUEST_FRAME = Message.MAX_BLOB + 1024 * 1024;

    /** A worker serves requests of one kind. */
    public interface RequestHandler {
        /** Handles one request; returns the response and whether the worker must exit after it. */
        Reply handle(Message request) throws Exception;
    }

    public record Reply(Message response, boolean exitAfter) {}

    private WorkerMain() {}

    public static void main(String[] args) {
        Args a;
        try {
            a = Args.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("pvf worker: " + e.getMessage());
            System.err.println("usage: WorkerMain prepare-worker|execute-worker --socket-path P --worker-dir D --version V"
                    + " [--kept-artifacts N]");
            System.exit(EXIT_USAGE);
            return;
        }
        if (!a.version().equals(Version.NODE_VERSION)) {
            System.err.println("pvf worker: version mismatch: host " + a.version() + ", worker " + Version.NODE_VERSION);
            System.exit(EXIT_VERSION_MISMATCH);
        }
        int code;
        try {
            RequestHandler handler = switch (a.kind()) {
                case "prepare-worker" -> new PrepareWorker(a.workerDir());
                case "execute-worker" -> new ExecuteWorker(a.workerDir(), a.keptArtifacts());
                default -> throw new IllegalStateException();
            };
            code = serve(a.socketPath(), handler);
        } catch (Throwable t) {
            t.printStackTrace();
            code = EXIT_INTERNAL;
        }
        // halt: a job thread that ignores interruption must not keep the JVM alive
        Runtime.getRuntime().halt(code);
    }

    static int serve(Path socketPath, RequestHandler handler) throws Exception {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socketPath));
            Frames.write(ch, Message.encode(new Message.Hello(Version.NODE_VERSION, ProcessHandle.current().pid())));
            while (true) {
                byte[] frame;
                try {
                    frame = Frames.read(ch, MAX_REQUEST_FRAME);
                } catch (EOFException e) {
                    return 0;
                }
                Reply reply = handler.handle(Message.decode(frame));
                Frames.write(ch, Message.encode(reply.response()));
                if (reply.exitAfter()) {
                    return 0;
                }
            }
        }
    }

    record Args(String kind, Path socketPath, Path workerDir, String version, int keptArtifacts) {
        static Args parse(String[] args) {
            if (args.length == 0) {
                throw new IllegalArgumentException("missing worker kind");
            }
            String kind = args[0];
            if (!kind.equals("prepare-worker") && !kind.equals("execute-worker")) {
                throw new IllegalArgumentException("unknown worker kind: " + kind);
            }
            Path socket = null;
            Path dir = null;
            String version = null;
            int kept = ExecuteWorker.DEFAULT_KEPT_ARTIFACTS;
            for (int i = 1; i < args.length; i += 2) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value for " + args[i]);
                }
                String v = args[i + 1];
                switch (args[i]) {
                    case "--socket-path" -> socket = Path.of(v);
                    case "--worker-dir" -> dir = Path.of(v);
                    case "--version" -> version = v;
                    case "--kept-artifacts" -> {
                        if (!kind.equals("execute-worker")) {
                            throw new IllegalArgumentException("--kept-artifacts is for execute workers only");
                        }
                        kept = keptArtifacts(v);
                    }
                    default -> throw new IllegalArgumentException("unknown option: " + args[i]);
                }
            }
            if (socket == null || dir == null || version == null) {
                throw new IllegalArgumentException("--socket-path, --worker-dir and --version are required");
            }
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException("worker dir does not exist: " + dir);
            }
            return new Args(kind, socket, dir, version, kept);
        }

        private static int keptArtifacts(String v) {
            int n;
            try {
                n = Integer.parseInt(v);
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 1 || n > ExecuteWorker.MAX_KEPT_ARTIFACTS) {
                throw new IllegalArgumentException("--kept-artifacts must be 1 to " + ExecuteWorker.MAX_KEPT_ARTIFACTS
                        + ", not " + v);
            }
            return n;
        }
    }
}
