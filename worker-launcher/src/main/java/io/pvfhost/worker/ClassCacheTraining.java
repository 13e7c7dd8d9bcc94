package io.pvfhost.worker;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.Parser;
import io.pvfhost.artifacts.ArtifactContent;
import io.pvfhost.artifacts.ArtifactFile;
import io.pvfhost.artifacts.ArtifactStore;
import io.pvfhost.common.Hex;
import io.pvfhost.common.Version;
import io.pvfhost.common.params.ExecutorParams;
import io.pvfhost.common.wire.Frames;
import io.pvfhost.common.wire.Message;
import io.pvfhost.worker.execute.ExecuteWorker;
import io.pvfhost.worker.execute.LoadedArtifact;
import io.pvfhost.worker.execute.crypto.Ed25519;
import io.pvfhost.worker.execute.crypto.Secp256k1;
import io.pvfhost.worker.execute.crypto.Sr25519;
import io.pvfhost.worker.host.WorkerHandle;
import io.pvfhost.worker.prepare.PrepareWorker;
import io.pvfhost.worker.prepare.Preparation;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.FutureTask;

/**
 * The training run of the worker JVMs' class cache ({@link io.pvfhost.worker.host.ClassCache}), in
 * two JVMs started like a worker (the worker's java, options and class path). The first ({@code
 * --prepare DIR}) prepares what the second runs: the adder ({@code pvfs/adder.wasm}, a resource of
 * this jar) through a prepare worker served over a Unix socket as {@link WorkerMain} does, and a
 * large generated module ({@link TrainingModule}) in-process; it writes their artifacts and
 * checksums into DIR. The second, started with {@code -XX:AOTCacheOutput} (or {@code
 * -XX:ArchiveClassesAtExit}), does an execute worker's real work so that the cache holds the
 * classes an execute worker loads (linked, with their profiles on JDK 25): the adder run {@value
 * #EXECUTIONS} times with its genesis params, each time by a fresh execute worker over a Unix socket
 * (hello, frames, the wire codec, the job runner) that loads the artifact again, since a worker's
 * first job is a load and a first call; the adder on malformed params {@value #PANICS} times (it
 * logs a panic and traps: the invalid-candidate path a runtime's rejection takes); {@code
 * pvfs/trieproof.wasm} run {@value #HASHING_EXECUTIONS}
 * times the same way, whose calls hash with blake2 and keccak (a runtime's first block hashes from
 * its first host call on); the signature checks a block makes (sr25519, ed25519, secp256k1
 * recovery) {@value #CRYPTO_ROUNDS} times each on published vectors; then the large module loaded
 * and run {@value #LARGE_LOADS} times, in-process and by a fresh execute worker whose
 * validate_block enters the interpreter (the bodies decoded then), as a worker's first load of a
 * large runtime is.
 *
 * <p>Only the execute side is in the cache: on JDK 25 the JVM loads and links every class of an AOT
 * cache at start, and without the compiler's classes (ASM, Chicory's compiler, our instrumenter) a
 * worker starts 10-30 ms sooner (docs/PREPARATION.md). Prepare workers use the same cache for the
 * JDK's and the shared classes; measured, they were no slower for it.
 * BouncyCastle's classes in it come from our unsigned subset (module {@code bouncycastle}): a class
 * of the signed release jar in the cache would make every worker verify the jar's signature at start.
 *
 * <pre>
 * ClassCacheTraining --prepare DIR   prepare the training's artifacts into DIR
 * ClassCacheTraining DIR             the execute training, on the artifacts in DIR (removed after)
 * ClassCacheTraining --check         exit at once (started with -XX:AOTMode=on or -Xshare:on: checks a cache)
 * </pre>
 * Exit codes: 0 every answer was the expected one, 64 bad usage, 70 anything else.
 */
public final class ClassCacheTraining {
    /** Executions of the adder, each on a fresh execute worker. */
    public static final int EXECUTIONS = 20;
    /** Adder executions that panic (malformed params). */
    static final int PANICS = 5;
    /** Executions of pvfs/trieproof.wasm, each on a fresh execute worker. */
    static final int HASHING_EXECUTIONS = 5;
    /** Runs of each signature check. */
    static final int CRYPTO_ROUNDS = 20;
    /** Loads of the large training module. */
    static final int LARGE_LOADS = 3;
    public static final String CHECK = "--check";
    public static final String PREPARE = "--prepare";
    private static final String ADDER = "training/adder.wasm";
    private static final String ADDER_ARTIFACT = "training-adder.pvfa";
    private static final String HASHING = "training/trieproof.wasm";
    private static final String HASHING_ARTIFACT = "training-trieproof.pvfa";
    private static final String LARGE_ARTIFACT = "training-large.pvfa";
    private static final String CHECKSUMS = "training-checksums.txt";
    private static final int MAX_SOCKET_PATH = 100;

    private ClassCacheTraining() {}

    public static void main(String[] args) {
        if (args.length == 1 && args[0].equals(CHECK)) {
            System.exit(0);
        }
        boolean prepare = args.length == 2 && args[0].equals(PREPARE);
        if (!prepare && (args.length != 1 || args[0].startsWith("--"))) {
            System.err.println("usage: ClassCacheTraining " + PREPARE + " DIR | DIR | " + CHECK);
            System.exit(WorkerMain.EXIT_USAGE);
        }
        int code = 0;
        try {
            if (prepare) {
                prepare(Path.of(args[1]));
            } else {
                execute(Path.of(args[0]));
            }
        } catch (Exception | LinkageError e) {
            e.printStackTrace();
            code = WorkerMain.EXIT_INTERNAL;
        }
        // as a worker does: a job thread must not keep the JVM alive (the cache is written at exit either way)
        System.exit(code);
    }

    /** Both steps in this JVM (tests, and a check that the training works): prepare, then execute. */
    public static void train(Path dir) throws Exception {
        prepare(dir);
        execute(dir);
    }

    /** The first step: the adder, trieproof and the large module prepared into {@code dir}, with their checksums. */
    public static void prepare(Path dir) throws Exception {
        Path adder = dir.resolve(ADDER_ARTIFACT);
        Path hashing = dir.resolve(HASHING_ARTIFACT);
        // the reference's default limits (max code size 3 MiB, bomb limit 10x)
        List<Message> prepared = serve(dir, new PrepareWorker(dir), List.of(
                new Message.PrepareRequest(resource(ADDER), 3L << 20, 30L << 20, ExecutorParams.DEFAULT, adder.toString(), 60_000),
                new Message.PrepareRequest(resource(HASHING), 3L << 20, 30L << 20, ExecutorParams.DEFAULT, hashing.toString(),
                        60_000)));
        if (!(prepared.get(0) instanceof Message.Prepared p)) {
            throw new IllegalStateException("preparing the adder: " + prepared.get(0));
        }
        if (!(prepared.get(1) instanceof Message.Prepared h)) {
            throw new IllegalStateException("preparing trieproof: " + prepared.get(1));
        }
        ArtifactContent.Compiled large = Preparation.prepare(TrainingModule.bytes(), new Preparation.Limits(3L << 20, 30L << 20),
                ExecutorParams.DEFAULT);
        if (!large.interpretedFunctions().equals(java.util.Set.of(0))) {
            throw new IllegalStateException("the big function should be left to the interpreter, not "
                    + large.interpretedFunctions());
        }
        byte[] largeChecksum = ArtifactFile.write(dir.resolve(LARGE_ARTIFACT), large);
        Files.writeString(dir.resolve(CHECKSUMS), Hex.toHexNoPrefix(p.checksum()) + "\n" + Hex.toHexNoPrefix(largeChecksum) + "\n"
                + Hex.toHexNoPrefix(h.checksum()) + "\n");
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = ClassCacheTraining.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("resource " + name + " is missing from the class path");
            }
            return in.readAllBytes();
        }
    }

    /**
     * The second step, on the artifacts of {@link #prepare} in {@code dir} (removed after): the
     * adder run {@value #EXECUTIONS} times and trieproof {@value #HASHING_EXECUTIONS} times by fresh
     * execute workers, the large module loaded and run
     * {@value #LARGE_LOADS} times, its results checked against Chicory's interpreter on the plain wasm.
     */
    public static void execute(Path dir) throws Exception {
        Path adder = dir.resolve(ADDER_ARTIFACT);
        Path large = dir.resolve(LARGE_ARTIFACT);
        Path hashing = dir.resolve(HASHING_ARTIFACT);
        try {
            List<String> checksums = Files.readAllLines(dir.resolve(CHECKSUMS));
            byte[] expected = AdderVectors.genesisExpected();
            Message request = new Message.ExecuteRequest(adder.toString(), Hex.decode(checksums.get(0)), AdderVectors.genesisParams(),
                    ExecutorParams.DEFAULT, 10_000, 40L << 20);
            for (int i = 0; i < EXECUTIONS; i++) {
                Message answer = serve(dir, new ExecuteWorker(dir), List.of(request)).get(0);
                if (!(answer instanceof Message.ExecuteResponse r) || r.status() != Message.Status.OK
                        || !Arrays.equals(r.resultBytes(), expected)) {
                    throw new IllegalStateException("executing the adder: " + answer);
                }
            }
            // a panic: the runtime logs and traps, and the worker answers with an invalid candidate, as a
            // large runtime's first call on malformed params does
            Message panicking = new Message.ExecuteRequest(adder.toString(), Hex.decode(checksums.get(0)),
                    AdderVectors.malformedParams(), ExecutorParams.DEFAULT, 10_000, 40L << 20);
            for (int i = 0; i < PANICS; i++) {
                Message answer = serve(dir, new ExecuteWorker(dir), List.of(panicking)).get(0);
                if (!(answer instanceof Message.ExecuteResponse r) || r.status() != Message.Status.INVALID
                        || !r.detail().contains("runtime said")) {
                    throw new IllegalStateException("executing the adder on malformed params: " + answer);
                }
            }
            byte[] hashingExpected = TrieproofVectors.expected();
            Message hashingRequest = new Message.ExecuteRequest(hashing.toString(), Hex.decode(checksums.get(2)),
                    AdderVectors.genesisParams(), ExecutorParams.DEFAULT, 10_000, 40L << 20);
            for (int i = 0; i < HASHING_EXECUTIONS; i++) {
                Message answer = serve(dir, new ExecuteWorker(dir), List.of(hashingRequest)).get(0);
                if (!(answer instanceof Message.ExecuteResponse r) || r.status() != Message.Status.OK
                        || !Arrays.equals(r.resultBytes(), hashingExpected)) {
                    throw new IllegalStateException("executing trieproof: " + answer);
                }
            }
            signatures();
            byte[] largeChecksum = Hex.decode(checksums.get(1));
            Instance plain = Instance.builder(Parser.parse(TrainingModule.bytes())).build();
            byte[] largeExpected = TrainingModule.validateBlockResult((int) plain.export("big").apply(7)[0]);
            Message largeRequest = new Message.ExecuteRequest(large.toString(), largeChecksum, AdderVectors.genesisParams(),
                    ExecutorParams.DEFAULT, 10_000, 40L << 20);
            for (int i = 0; i < LARGE_LOADS; i++) {
                LoadedArtifact a = LoadedArtifact.read(large, largeChecksum);
                Instance instance = Instance.builder(a.module()).withMachineFactory(a.machineFactory()).build();
                for (String export : new String[] {"big", "run"}) {
                    long got = instance.export(export).apply(i + 1)[0];
                    long want = plain.export(export).apply(i + 1)[0];
                    if (got != want) {
                        throw new IllegalStateException(export + "(" + (i + 1) + ") gave " + got + ", the interpreter " + want);
                    }
                }
                // and as an execute worker runs it: a load, then a call that enters the interpreter
                Message answer = serve(dir, new ExecuteWorker(dir), List.of(largeRequest)).get(0);
                if (!(answer instanceof Message.ExecuteResponse r) || r.status() != Message.Status.OK
                        || !Arrays.equals(r.resultBytes(), largeExpected)) {
                    throw new IllegalStateException("executing the large module: " + answer);
                }
            }
        } finally {
            Files.deleteIfExists(adder);
            Files.deleteIfExists(large);
            Files.deleteIfExists(hashing);
            Files.deleteIfExists(dir.resolve(CHECKSUMS));
        }
    }

    /**
     * The signature checks of a block's first host calls (a block's seal and its extrinsics), on
     * published vectors (RFC 8032 test 2, schnorrkel's wasm-crypto, noble-secp256k1), each answer checked.
     */
    private static void signatures() {
        java.util.HexFormat hex = java.util.HexFormat.of();
        byte[] edSig = hex.parseHex("92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
                + "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");
        byte[] edPub = hex.parseHex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
        byte[] srSig = hex.parseHex("5c615859e83784eed75e54e94c2cc3764e241471748c5af0f01fd939c5a1126c"
                + "cabc8afacda4ecb6b01ea881cc2caff3437bf2dcdd6e9c33fc55bc14b499ee84");
        byte[] srPub = hex.parseHex("44a996beb1eef7bdcab976ab6d2ca26104834164ecf28fb375600576fcc6eb0f");
        byte[] ecSig = hex.parseHex("33813b2845b10960ae93544bde8986d800e22df5d2f4f90a425159414ed1c1af"
                + "3a793e37be0688630659a4d093a46e31820d2978304a43cf300f1be8e42f5a3801");
        byte[] ecDigest = hex.parseHex("71333068f1de78f6af1d7cc78bfe81957a4ea6ca147db4a628b577c5ad4d615e");
        String ecPub = "04e688d76a719983a39f7ffcb9c5e3d7e4591c51c38a85641fe54f09e2924e6079"
                + "6ae13df88b51421ae1b91667669404cd6e90108506467877b79db935d2775bdb";
        for (int i = 0; i < CRYPTO_ROUNDS; i++) {
            if (!Ed25519.verify(edSig, hex.parseHex("72"), edPub) || !Sr25519.verify(srSig, new byte[0], srPub)) {
                throw new IllegalStateException("a published signature did not verify");
            }
            Secp256k1.Recovery r = Secp256k1.recoverSpIo(ecSig, ecDigest, Secp256k1.Parsing.OVERFLOWING);
            if (r.publicKey() == null || !hex.formatHex(r.publicKey().getEncoded(false)).equals(ecPub)) {
                throw new IllegalStateException("secp256k1 recovered " + r);
            }
        }
    }

    /**
     * Plays the host for one worker session: the handler serves on a thread through
     * {@link WorkerMain#serve}, as in a worker JVM, and gets the requests one at a time.
     */
    private static List<Message> serve(Path dir, WorkerMain.RequestHandler handler, List<Message> requests)
            throws Exception {
        Path socketDir = dir;
        if (dir.resolve("t.sock").toString().length() > MAX_SOCKET_PATH) {
            socketDir = Files.createTempDirectory("pvf-sock-"); // Unix socket paths are short
        }
        Path socket = socketDir.resolve("t.sock");
        List<Message> answers = new ArrayList<>();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            server.configureBlocking(false);
            FutureTask<Integer> worker = new FutureTask<>(() -> WorkerMain.serve(socket, handler));
            Thread t = new Thread(worker, "pvf-training-worker");
            t.setDaemon(true);
            t.start();
            try (SocketChannel ch = accept(server, worker)) {
                Message hello = Message.decode(Frames.read(ch, WorkerHandle.MAX_RESPONSE_FRAME));
                if (!(hello instanceof Message.Hello h) || !h.version().equals(Version.NODE_VERSION)) {
                    throw new IllegalStateException("the worker said " + hello);
                }
                for (Message r : requests) {
                    Frames.write(ch, Message.encode(r));
                    answers.add(Message.decode(Frames.read(ch, WorkerHandle.MAX_RESPONSE_FRAME)));
                }
            }
            worker.get(); // the session ends when we close the socket
        } finally {
            Files.deleteIfExists(socket);
            if (!socketDir.equals(dir)) {
                ArtifactStore.deleteTree(socketDir);
            }
        }
        return answers;
    }

    private static SocketChannel accept(ServerSocketChannel server, FutureTask<Integer> worker) throws Exception {
        while (true) {
            SocketChannel ch = server.accept();
            if (ch != null) {
                ch.configureBlocking(true);
                return ch;
            }
            if (worker.isDone()) {
                worker.get(); // its failure, if it failed
                throw new IllegalStateException("the worker ended before it connected");
            }
            Thread.sleep(1);
        }
    }
}
