package io.pvfhost.worker.host;

import io.pvfhost.artifacts.ArtifactStore;
import io.pvfhost.common.Version;
import io.pvfhost.common.wire.Frames;
import io.pvfhost.common.wire.Message;
import io.pvfhost.common.wire.WireException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's end of one worker subprocess: starts it with a cleared environment in its own
 * owner-only folder, waits for it to connect over a Unix socket and say hello with the host's
 * version, then sends one request at a time. Blocking: call it from a dedicated thread pool.
 *
 * <p>Every request has a wall-clock backstop: when it passes, the process is killed, which also
 * ends the blocked read, and the caller gets {@link WorkerException.Kind#TIMED_OUT}.
 */
public final class WorkerHandle implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerHandle.class);
    private static final AtomicLong IDS = new AtomicLong();
    /** Largest frame the host accepts from a worker: a result, an error text. */
    public static final int MAX_RESPONSE_FRAME = Message.MAX_BLOB + 1024 * 1024;
    /** Unix socket paths are limited to about 107 bytes; longer cache paths use the temp folder. */
    private static final int MAX_SOCKET_PATH = 100;
    private static final ScheduledExecutorService WATCHDOG = watchdog();

    /** One daemon thread for every worker's backstop timers; it ends when idle, so no host leaves it behind. */
    private static ScheduledExecutorService watchdog() {
        var pool = new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "pvf-worker-watchdog");
            t.setDaemon(true);
            return t;
        });
        pool.setKeepAliveTime(10, TimeUnit.SECONDS);
        pool.allowCoreThreadTimeOut(true);
        pool.setRemoveOnCancelPolicy(true);
        return pool;
    }

    private final String id;
    private final WorkerKind kind;
    private final Process process;
    private final SocketChannel channel;
    private final Path workerDir;
    private final Path socketDir;
    private final AtomicBoolean killed = new AtomicBoolean();

    private WorkerHandle(String id, WorkerKind kind, Process process, SocketChannel channel, Path workerDir, Path socketDir) {
        this.id = id;
        this.kind = kind;
        this.process = process;
        this.channel = channel;
        this.workerDir = workerDir;
        this.socketDir = socketDir;
    }

    public String id() {
        return id;
    }

    public WorkerKind kind() {
        return kind;
    }

    public long pid() {
        return process.pid();
    }

    public Path workerDir() {
        return workerDir;
    }

    /** Completes when the process has exited, however it ended. */
    public java.util.concurrent.CompletableFuture<Process> onExit() {
        return process.onExit();
    }

    public boolean isAlive() {
        return process.isAlive() && !killed.get();
    }

    /** Starts a worker and waits for its hello, at most {@code spawnTimeout}. */
    public static WorkerHandle spawn(WorkerSpec spec, WorkerKind kind, Path cacheDir, Duration spawnTimeout)
            throws WorkerException {
        return spawn(spec, kind, cacheDir, spawnTimeout, List.of());
    }

    /**
     * As {@link #spawn(WorkerSpec, WorkerKind, Path, Duration)}, with options of the worker's own
     * after the required ones (an execute worker's {@code --kept-artifacts N}).
     */
    public static WorkerHandle spawn(WorkerSpec spec, WorkerKind kind, Path cacheDir, Duration spawnTimeout,
            List<String> workerOptions) throws WorkerException {
        String id = kind.name().toLowerCase() + "-" + IDS.incrementAndGet();
        Path workerDir = null;
        Path socketDir = null;
        Process process = null;
        ServerSocketChannel server = null;
        SocketChannel ch = null;
        try {
            workerDir = Files.createTempDirectory(cacheDir, ArtifactStore.WORKER_DIR_PREFIX,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            socketDir = workerDir;
            if (workerDir.resolve("s.sock").toString().length() > MAX_SOCKET_PATH) {
                socketDir = Files.createTempDirectory("pvf-sock-",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            Path socket = socketDir.resolve("s.sock");
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));

            List<String> cmd = new ArrayList<>(spec.commandPrefix());
            cmd.add(spec.javaExecutable().toString());
            cmd.addAll(kind.jvmOptions(spec.jvmOptions()));
            cmd.add("-cp");
            cmd.add(spec.classPath());
            cmd.add(spec.mainClass());
            cmd.add(kind.command());
            cmd.addAll(List.of("--socket-path", socket.toString(), "--worker-dir", workerDir.toString(),
                    "--version", Version.NODE_VERSION));
            cmd.addAll(workerOptions);
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(workerDir.toFile()).redirectErrorStream(true);
            pb.environment().clear(); // the worker must not see the host's secrets
            process = pb.start();
            forwardOutput(id, process);

            ch = accept(server, process, spawnTimeout);
            Message hello = readWithBackstop(ch, process, spawnTimeout);
            if (!(hello instanceof Message.Hello h)) {
                throw new WorkerException(WorkerException.Kind.PROTOCOL, "worker " + id + " did not say hello");
            }
            if (!h.version().equals(Version.NODE_VERSION)) {
                throw new WorkerException(WorkerException.Kind.VERSION_MISMATCH,
                        "worker " + id + " is version " + h.version() + ", host is " + Version.NODE_VERSION);
            }
            LOG.debug("worker {} (pid {}) ready", id, process.pid());
            return new WorkerHandle(id, kind, process, ch, workerDir, socketDir);
        } catch (WorkerException e) {
            closeQuietly(ch); // a worker that connected but was refused (wrong version, no hello)
            cleanupFailedSpawn(process, workerDir, socketDir);
            throw e;
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch);
            cleanupFailedSpawn(process, workerDir, socketDir);
            throw new WorkerException(WorkerException.Kind.SPAWN_FAILED, "cannot start worker " + id + ": " + e, e);
        } finally {
            if (server != null) {
                try {
                    server.close();
                } catch (IOException ignored) {
                    // the socket file goes with the folder
                }
            }
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing a socket we give up on: nothing more to do
            }
        }
    }

    private static SocketChannel accept(ServerSocketChannel server, Process process, Duration timeout)
            throws IOException, WorkerException {
        server.configureBlocking(false);
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Selector sel = Selector.open()) {
            server.register(sel, SelectionKey.OP_ACCEPT);
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new WorkerException(WorkerException.Kind.SPAWN_FAILED,
                            "worker did not connect within " + timeout.toMillis() + " ms");
                }
                sel.select(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 50)));
                SocketChannel ch = server.accept();
                if (ch != null) {
                    ch.configureBlocking(true);
                    return ch;
                }
                if (!process.isAlive()) {
                    throw new WorkerException(WorkerException.Kind.SPAWN_FAILED,
                            "worker exited with status " + process.exitValue() + " before connecting"
                                    + (process.exitValue() == 65 ? " (version mismatch)" : ""));
                }
            }
        }
    }

    private static Message readWithBackstop(SocketChannel ch, Process process, Duration timeout) throws WorkerException {
        AtomicBoolean fired = new AtomicBoolean();
        ScheduledFuture<?> f = WATCHDOG.schedule(() -> {
            fired.set(true);
            process.destroyForcibly();
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing only to unblock the reader
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            return Message.decode(Frames.read(ch, MAX_RESPONSE_FRAME));
        } catch (WireException e) {
            if (!fired.get() && exitsSoon(process)) {
                // half a frame from a process that is gone: it died answering (a kill), not garbage
                throw new WorkerException(WorkerException.Kind.DIED,
                        "worker died while answering (" + e.getMessage() + "): " + describeExit(process), e);
            }
            throw new WorkerException(WorkerException.Kind.PROTOCOL, "garbage from worker: " + e.getMessage(), e);
        } catch (IOException e) {
            if (fired.get()) {
                throw new WorkerException(WorkerException.Kind.TIMED_OUT,
                        "no answer within " + timeout.toMillis() + " ms (wall clock); worker killed", e);
            }
            throw new WorkerException(WorkerException.Kind.DIED, "worker died: " + describeExit(process), e);
        } finally {
            f.cancel(false);
        }
    }

    private static boolean exitsSoon(Process p) {
        try {
            return p.waitFor(200, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !p.isAlive();
        }
    }

    private static String describeExit(Process p) {
        try {
            if (p.waitFor(200, TimeUnit.MILLISECONDS)) {
                int code = p.exitValue();
                return code > 128 ? "killed by signal " + (code - 128) : "exit status " + code;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "connection lost";
    }

    /**
     * Sends one request and waits for its response, killing the worker if none comes within the
     * wall-clock backstop. A failure leaves the worker unusable: the caller must {@link #close()} it.
     */
    public Message request(Message request, Duration backstop) throws WorkerException {
        try {
            Frames.write(channel, Message.encode(request));
        } catch (IOException e) {
            throw new WorkerException(WorkerException.Kind.DIED, "worker " + id + " died: " + describeExit(process), e);
        }
        return readWithBackstop(channel, process, backstop);
    }

    /** Kills the process (if alive) and removes its folders. Idempotent. */
    @Override
    public void close() {
        if (!killed.compareAndSet(false, true)) {
            return;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // the process goes anyway
        }
        process.destroyForcibly();
        try {
            process.waitFor(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deleteQuietly(workerDir);
        if (!socketDir.equals(workerDir)) {
            deleteQuietly(socketDir);
        }
    }

    private static void cleanupFailedSpawn(Process process, Path workerDir, Path socketDir) {
        if (process != null) {
            process.destroyForcibly();
        }
        deleteQuietly(workerDir);
        if (socketDir != null && !socketDir.equals(workerDir)) {
            deleteQuietly(socketDir);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try {
            ArtifactStore.deleteTree(dir);
        } catch (IOException e) {
            LOG.warn("cannot remove worker folder {}: {}", dir, e.toString());
        }
    }

    /** Forwards the worker's stdout and stderr to the host's log, tagged with the worker id. */
    private static void forwardOutput(String id, Process p) {
        Thread t = new Thread(() -> {
            Logger log = LoggerFactory.getLogger("io.pvfhost.worker." + id);
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    log.info("{}", line.length() > 2000 ? line.substring(0, 2000) + "…" : line);
                }
            } catch (IOException ignored) {
                // process gone
            }
        }, "pvf-worker-output-" + id);
        t.setDaemon(true);
        t.start();
    }
}
