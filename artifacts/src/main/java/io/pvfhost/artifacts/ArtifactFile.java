package io.pvfhost.artifacts;

import io.pvfhost.common.Version;
import io.pvfhost.common.error.PrepareError;
import io.pvfhost.common.scale.ScaleException;
import io.pvfhost.common.scale.ScaleReader;
import io.pvfhost.common.scale.ScaleWriter;
import java.io.IOException;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The on-disk artifact format and its checksum.
 *
 * <p>Layout: magic {@code PVFA}, format byte, engine version, then a kind byte: 0 compiled, 1
 * failed (error kind, detail). A compiled artifact has a <em>head</em> (module image, the
 * interpreted bodies' length (u32) and SHA-256, main class, the class table: per class in sorted
 * order its name, length (u32) and SHA-256, then the interpreted function indices sorted) followed
 * by the interpreted bodies and then the classes' bytes, in table order. Everything is SCALE.
 * Sorting makes the bytes a function of the content, so two preparations of the same code give
 * the same file.
 *
 * <p>The checksum, recorded when the artifact is written, is the SHA-256 of a byte 0 and the head of
 * a compiled artifact (of a byte 1 and the whole file for a failed one); the head holds the SHA-256
 * of every class and of the interpreted bodies, so the checksum pins every byte of the file. An
 * execute worker verifies the head before it uses anything, each class when it first defines it
 * ({@link Lazy#classBytes}) and the interpreted bodies when a call first enters the interpreter
 * ({@link Lazy#interpretedBodies}): a first call of the largest runtime on the MANIFEST's params
 * defines 12 of its 55 classes (8 of them function groups) and never needs the bodies, so it hashes
 * the 0.36 MB head and 1.2 MB of classes, not 9.1 MB (a fresh JVM hashes 10-90 MB/s before the JIT
 * has compiled SHA-256). Nothing unverified is ever defined: loading an unverified class would run
 * foreign bytecode.
 *
 * <p>Not compressed: deflate made the largest runtime's file 4x smaller, but inflating its 8.5 MB
 * took a worker 30-60 ms on every load, warm or cold, against 2-6 ms for a warm SHA-256 of the
 * whole file (measured with format 2, which hashed it all) (zstd decodes faster, but loading zstd-jni's native library costs a fresh JVM 140 ms).
 */
public final class ArtifactFile {
    private static final byte[] MAGIC = {'P', 'V', 'F', 'A', 4};
    /** Bounds for decoding; a file bigger than these is corrupt, not a reason to run out of memory. */
    private static final int MAX_IMAGE = 64 * 1024 * 1024;
    private static final int MAX_CLASS = 64 * 1024 * 1024;
    private static final int MAX_CLASSES = 100_000;
    private static final int SHA256_BYTES = 32;
    public static final String TEMP_SUFFIX = ".tmp";
    private ArtifactFile() {}

    public static byte[] encode(ArtifactContent content) {
        ScaleWriter w = new ScaleWriter();
        w.raw(MAGIC);
        w.bytes(Version.ENGINE_VERSION.getBytes(StandardCharsets.UTF_8));
        if (content instanceof ArtifactContent.Compiled c) {
            w.u8(0);
            w.bytes(c.moduleImage());
            w.u32(c.interpretedBodies().length);
            w.raw(sha256(c.interpretedBodies(), 0, c.interpretedBodies().length));
            w.bytes(c.mainClass().getBytes(StandardCharsets.UTF_8));
            Map<String, byte[]> sorted = new TreeMap<>(c.classes());
            w.compact(sorted.size());
            for (Map.Entry<String, byte[]> e : sorted.entrySet()) {
                w.bytes(e.getKey().getBytes(StandardCharsets.UTF_8));
                w.u32(e.getValue().length);
                w.raw(sha256(e.getValue(), 0, e.getValue().length));
            }
            int[] interp = c.interpretedFunctions().stream().mapToInt(Integer::intValue).sorted().toArray();
            w.compact(interp.length);
            for (int i : interp) {
                w.u32(i);
            }
            w.raw(c.interpretedBodies());
            for (byte[] b : sorted.values()) {
                w.raw(b);
            }
        } else if (content instanceof ArtifactContent.Failed f) {
            w.u8(1);
            w.u8(f.error().kind().ordinal());
            w.bytes(f.error().detail().getBytes(StandardCharsets.UTF_8));
        }
        return w.toByteArray();
    }

    /**
     * The checksum of an artifact file's bytes: SHA-256 of a compiled artifact's head (which holds
     * each class's SHA-256), else of the whole file, also when the bytes are no artifact at all.
     */
    public static byte[] checksum(byte[] fileBytes) {
        Lazy lazy;
        try {
            lazy = layout(fileBytes).lazy();
        } catch (CorruptedArtifactException e) {
            lazy = null;
        }
        return lazy != null ? lazy.headChecksum() : tagged(WHOLE_FILE, fileBytes, fileBytes.length);
    }

    /**
     * The hashed bytes start with what they are, so that a compiled artifact's head and a whole
     * file (a failed artifact, or bytes that are no artifact, such as a head cut off from its
     * classes) never hash alike.
     */
    private static final byte HEAD = 0;
    private static final byte WHOLE_FILE = 1;

    private static byte[] tagged(byte tag, byte[] bytes, int length) {
        return digest(new byte[] {tag}, bytes, 0, length);
    }

    /**
     * SHA-256 from the JDK: the execute worker computes it on every cold load, and the JDK's digest
     * needs no library class (chosen when BouncyCastle's signed jar cost a fresh JVM up to a second
     * of signature checks; the workers now get an unsigned subset).
     */
    public static byte[] sha256(byte[] bytes, int offset, int length) {
        return digest(new byte[0], bytes, offset, length);
    }

    private static byte[] digest(byte[] prefix, byte[] bytes, int offset, int length) {
        try {
            var md = java.security.MessageDigest.getInstance("SHA-256");
            md.update(prefix);
            md.update(bytes, offset, length);
            return md.digest();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * Writes the artifact next to its final path and renames it into place, so a reader never sees
     * a half-written file. Returns the checksum of what was written.
     */
    public static byte[] write(Path target, ArtifactContent content) throws IOException {
        byte[] bytes = encode(content);
        Path tmp = target.resolveSibling(target.getFileName() + "." + ProcessHandle.current().pid() + TEMP_SUFFIX);
        Files.write(tmp, bytes);
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return checksum(bytes);
    }

    /** Reads and verifies the file against the expected checksum, then decodes it. */
    public static ArtifactContent readVerified(Path path, byte[] expectedChecksum)
            throws IOException, CorruptedArtifactException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw e;
        }
        byte[] actual = checksum(bytes);
        if (!Arrays.equals(actual, expectedChecksum)) {
            throw new CorruptedArtifactException("artifact checksum mismatch: " + path.getFileName());
        }
        return decode(bytes);
    }

    /** Decodes an artifact's bytes strictly, every class verified against its hash; anything unexpected is corruption. */
    public static ArtifactContent decode(byte[] bytes) throws CorruptedArtifactException {
        Layout l = layout(bytes);
        if (l.failed() != null) {
            return l.failed();
        }
        Lazy lazy = l.lazy();
        Map<String, byte[]> classes = new LinkedHashMap<>();
        for (String name : lazy.classNames()) {
            classes.put(name, lazy.classBytes(name));
        }
        return new ArtifactContent.Compiled(lazy.moduleImage(), lazy.interpretedBodies(), lazy.mainClass(), classes,
                lazy.interpretedFunctions());
    }

    /**
     * Decodes a compiled artifact's head only; its classes stay in {@code bytes} until asked for,
     * and are verified then. The caller checks {@link Lazy#headChecksum} first.
     */
    public static Lazy decodeLazy(byte[] bytes) throws CorruptedArtifactException {
        Layout l = layout(bytes);
        if (l.failed() != null) {
            throw new CorruptedArtifactException("artifact holds a preparation error, not code");
        }
        return l.lazy();
    }

    private static boolean startsWithMagic(byte[] bytes) {
        return bytes.length >= MAGIC.length && Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC);
    }

    /** Where a class's (or the interpreted bodies') bytes are in the file, and their SHA-256 as the head records it. */
    record ClassSlice(long offset, int length, byte[] sha256) {}

    /**
     * A compiled artifact whose head is decoded and whose classes (and interpreted bodies) are read
     * and verified one by one, on demand. Every value here comes from the head: trust it only after {@link #headChecksum}
     * matched the recorded checksum.
     */
    public static final class Lazy {
        /** The file's bytes from its start: all of them, or a prefix holding the head. */
        private final byte[] file;
        /** The open file, for classes beyond {@link #file}; null when {@code file} is the whole file. */
        private final FileChannel rest;
        private final int headLength;
        private final byte[] moduleImage;
        private final ClassSlice bodies;
        private final String mainClass;
        private final Map<String, ClassSlice> classes;
        private final Set<Integer> interpreted;

        private Lazy(byte[] file, FileChannel rest, int headLength, byte[] moduleImage, ClassSlice bodies, String mainClass,
                Map<String, ClassSlice> classes, Set<Integer> interpreted) {
            this.file = file;
            this.rest = rest;
            this.headLength = headLength;
            this.moduleImage = moduleImage;
            this.bodies = bodies;
            this.mainClass = mainClass;
            this.classes = classes;
            this.interpreted = Set.copyOf(interpreted);
        }

        /** SHA-256 of the head (tagged as a head): the artifact's checksum. */
        public byte[] headChecksum() {
            return tagged(HEAD, file, headLength);
        }

        public byte[] moduleImage() {
            return moduleImage;
        }

        public String mainClass() {
            return mainClass;
        }

        public Set<String> classNames() {
            return java.util.Collections.unmodifiableSet(classes.keySet());
        }

        public Set<Integer> interpretedFunctions() {
            return interpreted;
        }

        /** Bytes of all classes together (for sizes in reports). */
        public long classBytesTotal() {
            long n = 0;
            for (ClassSlice c : classes.values()) {
                n += c.length();
            }
            return n;
        }

        /** A class's bytes, verified against the hash in the head; a mismatch is corruption. */
        public byte[] classBytes(String name) throws CorruptedArtifactException {
            ClassSlice c = classes.get(name);
            if (c == null) {
                throw new CorruptedArtifactException("no class " + name + " in the artifact");
            }
            return verified(c, "class " + name);
        }

        /**
         * The interpreted functions' bodies, verified against the hash in the head: stored after
         * it, so that a load hashes them only if a call enters the interpreter.
         */
        public byte[] interpretedBodies() throws CorruptedArtifactException {
            return verified(bodies, "the interpreted functions' bodies");
        }

        /** Bytes of the interpreted functions' bodies (for sizes in reports). */
        public int interpretedBodiesLength() {
            return bodies.length();
        }

        private byte[] verified(ClassSlice c, String what) throws CorruptedArtifactException {
            byte[] b = read(c, what);
            if (!java.security.MessageDigest.isEqual(sha256(b, 0, b.length), c.sha256())) {
                throw new CorruptedArtifactException(what + " does not match its checksum");
            }
            return b;
        }

        /**
         * Closes the file the classes and the interpreted bodies are read from, at once instead of
         * when this is collected (so the disk space of a deleted artifact is freed). A class or the
         * bodies read afterwards, lying past the first read, are a {@link CorruptedArtifactException}.
         * Idempotent.
         */
        public void close() {
            if (rest != null) {
                closeQuietly(rest);
            }
        }

        private byte[] read(ClassSlice c, String what) throws CorruptedArtifactException {
            if (c.offset() + c.length() <= file.length) {
                return Arrays.copyOfRange(file, (int) c.offset(), (int) c.offset() + c.length());
            }
            try {
                return readFully(rest, c.offset(), c.length());
            } catch (IOException e) {
                throw new CorruptedArtifactException("cannot read " + what + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Bytes read first by {@link #open} and {@link #scan}: the head of every runtime in the corpus
     * fits (coretime's, the largest, is 0.36 MB of its 9.1 MB); a bigger head makes them read four
     * times as much, and again, up to the whole file. Reading 2 MiB took a fresh worker 4-7 ms
     * (NIO copies through a temporary direct buffer as large), 512 KiB 1.3-1.8 ms.
     */
    static final int HEAD_READ = 512 * 1024;
    /** Closes the files of {@link Lazy}s no longer reachable (a holder: its thread starts only in a JVM that opens one). */
    private static final class FileCleaner {
        static final Cleaner CLEANER = Cleaner.create();
    }

    /**
     * The cleaning action of a {@link Lazy}'s file: a class, not a lambda, whose first linkage cost
     * a fresh worker 3-6 ms on its first artifact.
     */
    private record CloseFile(FileChannel channel) implements Runnable {
        @Override
        public void run() {
            closeQuietly(channel);
        }
    }

    /** The file ended before its own size said (changed while in use): corruption, not an I/O failure. */
    private static final class ShortFileException extends IOException {
        ShortFileException(int missing) {
            super("the file ended " + missing + " bytes early (changed while in use?)");
        }
    }

    /**
     * Opens an artifact file for an execute worker: reads and decodes its head only, and keeps the
     * file open to read each class when it is asked for (a first call of the largest runtime needs
     * 12 of its 55 classes; a fresh JVM read its whole 9.1 MB in 18-24 ms, the head in a fraction).
     * The file is closed by {@link Lazy#close}, or else once the returned {@link Lazy} is unreachable. A file whose head does not
     * decode, or holds an error, is a {@link CorruptedArtifactException}; the caller checks
     * {@link Lazy#headChecksum} first, as with {@link #decodeLazy}. The channel is interruptible: a
     * class read on an interrupted thread closes it and later reads fail as corrupted (the execute
     * worker interrupts a job only on a timeout, after which it exits).
     *
     * @param maxBytes a bigger file is refused before anything is read
     */
    public static Lazy open(Path path, long maxBytes) throws IOException, CorruptedArtifactException {
        if (maxBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxBytes " + maxBytes + " is over what an array holds");
        }
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        boolean keep = false;
        try {
            long size = ch.size();
            if (size > maxBytes) {
                throw new CorruptedArtifactException("artifact of " + size + " bytes, over the " + maxBytes + " allowed");
            }
            Layout l = readHead(ch, size).layout();
            if (l.failed() != null) {
                throw new CorruptedArtifactException("artifact holds a preparation error, not code");
            }
            Lazy lazy = l.lazy();
            if (lazy.rest != null) {
                FileCleaner.CLEANER.register(lazy, new CloseFile(ch));
                keep = true;
            }
            return lazy;
        } catch (ShortFileException e) {
            throw new CorruptedArtifactException(e.getMessage(), e);
        } finally {
            if (!keep) {
                ch.close();
            }
        }
    }

    /** What {@link #scan} finds in an artifact file: its checksum, and the stored error of an error artifact. */
    public record Scanned(byte[] checksum, ArtifactContent.Failed failed) {}

    /**
     * What the host records of an artifact file it finds in its cache folder at start: the checksum
     * as {@link #checksum} computes it, from the head alone for a compiled artifact (its classes are
     * not read: the head holds each class's SHA-256, which the execute worker checks when it defines
     * the class, so a class changed on disk is found then and the code prepared again), the whole
     * file for an error artifact. A file that is no artifact of this engine is a
     * {@link CorruptedArtifactException}. Reading only the first 512 KiB, which hold the head (more only
     * for a bigger head), makes a start read a sixteenth of the largest runtime's 8.7 MiB file
     * (smaller files whole) and hash no class.
     */
    public static Scanned scan(Path path) throws IOException, CorruptedArtifactException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE - 8) {
                throw new CorruptedArtifactException("artifact of " + size + " bytes, over what this host reads");
            }
            Head h = readHead(ch, size);
            Layout l = h.layout();
            if (l.failed() != null) {
                if (h.bytes().length != size) { // cannot be: its end is checked when it decodes
                    throw new CorruptedArtifactException("error artifact longer than its content");
                }
                return new Scanned(tagged(WHOLE_FILE, h.bytes(), h.bytes().length), l.failed());
            }
            return new Scanned(l.lazy().headChecksum(), null);
        } catch (ShortFileException e) {
            throw new CorruptedArtifactException(e.getMessage(), e);
        }
    }

    /** The bytes read from a file's start (the first read, or all of it) and their layout. */
    private record Head(byte[] bytes, Layout layout) {}

    /**
     * Reads the first {@link #HEAD_READ} bytes and lays them out, the rest of a compiled artifact
     * left in {@code ch}; when that does not decode (a head bigger than the read, or a corrupt one),
     * reads four times as much and tries again, up to the whole file, unless it does not even start
     * as an artifact.
     */
    private static Head readHead(FileChannel ch, long size) throws IOException, CorruptedArtifactException {
        byte[] prefix = readFully(ch, 0, (int) Math.min(size, HEAD_READ));
        while (true) {
            try {
                return new Head(prefix, layout(prefix, size, prefix.length < size ? ch : null));
            } catch (CorruptedArtifactException e) {
                if (prefix.length == size || !startsWithMagic(prefix)) {
                    throw e; // reading more would not help
                }
                // the bytes after those read, up to four times as many in all (the array's index is the file's offset)
                byte[] longer = Arrays.copyOf(prefix, (int) Math.min(size, 4L * prefix.length));
                ByteBuffer buf = ByteBuffer.wrap(longer, prefix.length, longer.length - prefix.length);
                while (buf.hasRemaining()) {
                    if (ch.read(buf, buf.position()) < 0) {
                        throw new ShortFileException(buf.remaining());
                    }
                }
                prefix = longer;
            }
        }
    }

    /**
     * The whole file, for its checksum when its head did not decode: refused, before anything is
     * read, when it is over {@code max}; a file that shrank meanwhile gives what it still holds.
     */
    public static byte[] readAtMost(Path path, long max) throws IOException, CorruptedArtifactException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Math.min(max, Integer.MAX_VALUE - 8)) {
                throw new CorruptedArtifactException("artifact of " + size + " bytes, over the " + max + " allowed");
            }
            ByteBuffer buf = ByteBuffer.allocate((int) size);
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // until full, or the end of a file that shrank
            }
            return Arrays.copyOf(buf.array(), buf.position());
        }
    }

    private static byte[] readFully(FileChannel ch, long position, int length) throws IOException {
        byte[] b = new byte[length];
        ByteBuffer buf = ByteBuffer.wrap(b);
        while (buf.hasRemaining()) {
            int n = ch.read(buf, position + buf.position());
            if (n < 0) {
                throw new ShortFileException(buf.remaining());
            }
        }
        return b;
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // a read-only file: nothing was lost
        }
    }

    /** A decoded file: a failed artifact, or a compiled one's head. */
    private record Layout(ArtifactContent.Failed failed, Lazy lazy) {}

    private static Layout layout(byte[] bytes) throws CorruptedArtifactException {
        return layout(bytes, bytes.length, null);
    }

    /**
     * @param bytes the file's bytes from its start: all of them, or a prefix holding at least the head
     * @param fileSize the file's size
     * @param rest where class bytes beyond {@code bytes} are read from; null when {@code bytes} is the whole file
     */
    private static Layout layout(byte[] bytes, long fileSize, FileChannel rest) throws CorruptedArtifactException {
        try {
            if (bytes.length < MAGIC.length || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
                throw new CorruptedArtifactException("not an artifact file (bad magic)");
            }
            ScaleReader r = new ScaleReader(bytes);
            r.fixed(MAGIC.length);
            String engine = new String(r.bytes(256), StandardCharsets.UTF_8);
            if (!engine.equals(Version.ENGINE_VERSION)) {
                throw new CorruptedArtifactException("artifact of engine " + engine + ", expected " + Version.ENGINE_VERSION);
            }
            int kind = r.u8();
            if (kind == 0) {
                return new Layout(null, decodeHead(bytes, fileSize, rest, r));
            } else if (kind == 1) {
                int k = r.u8();
                PrepareError.Kind[] kinds = PrepareError.Kind.values();
                if (k >= kinds.length) {
                    throw new CorruptedArtifactException("unknown error kind " + k);
                }
                var failed = new ArtifactContent.Failed(new PrepareError(kinds[k], new String(r.bytes(1 << 20), StandardCharsets.UTF_8)));
                r.expectEnd();
                return new Layout(failed, null);
            } else {
                throw new CorruptedArtifactException("unknown artifact kind " + kind);
            }
        } catch (ScaleException e) {
            throw new CorruptedArtifactException("malformed artifact: " + e.getMessage(), e);
        }
    }

    private static Lazy decodeHead(byte[] bytes, long fileSize, FileChannel rest, ScaleReader r)
            throws CorruptedArtifactException {
        byte[] image = r.bytes(MAX_IMAGE);
        long bodiesLength = r.u32();
        if (bodiesLength > MAX_IMAGE) {
            throw new CorruptedArtifactException("interpreted bodies of " + bodiesLength + " bytes");
        }
        byte[] bodiesHash = r.fixed(SHA256_BYTES);
        String main = new String(r.bytes(1024), StandardCharsets.UTF_8);
        // counts are Compact<u32>: compact() would give a u64 over 2^63 back negative,
        // which passed the limit checks and read as "no entries"
        long n = r.compactU32();
        if (n > MAX_CLASSES) {
            throw new CorruptedArtifactException("too many classes: " + n);
        }
        Map<String, long[]> lengths = new LinkedHashMap<>();
        Map<String, byte[]> hashes = new LinkedHashMap<>();
        for (long i = 0; i < n; i++) {
            String name = new String(r.bytes(1024), StandardCharsets.UTF_8);
            long length = r.u32();
            if (length > MAX_CLASS) {
                throw new CorruptedArtifactException("class " + name + " of " + length + " bytes");
            }
            if (lengths.put(name, new long[] {length}) != null) {
                throw new CorruptedArtifactException("class " + name + " appears twice");
            }
            hashes.put(name, r.fixed(SHA256_BYTES));
        }
        long m = r.compactU32();
        if (m > 1_000_000) {
            throw new CorruptedArtifactException("too many interpreted functions: " + m);
        }
        Set<Integer> interp = new HashSet<>();
        for (long i = 0; i < m; i++) {
            long f = r.u32();
            if (f > Integer.MAX_VALUE) {
                throw new CorruptedArtifactException("interpreted function index " + f + " out of range");
            }
            interp.add((int) f);
        }
        if (!lengths.containsKey(main)) {
            throw new CorruptedArtifactException("main class " + main + " missing");
        }
        int head = r.position();
        long offset = head;
        if (offset + bodiesLength > fileSize) {
            throw new CorruptedArtifactException("truncated artifact: the interpreted bodies end after the file");
        }
        ClassSlice bodies = new ClassSlice(offset, (int) bodiesLength, bodiesHash);
        offset += bodiesLength;
        Map<String, ClassSlice> slices = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : lengths.entrySet()) {
            long length = e.getValue()[0];
            if (offset + length > fileSize) {
                throw new CorruptedArtifactException("truncated artifact: class " + e.getKey() + " ends after the file");
            }
            slices.put(e.getKey(), new ClassSlice(offset, (int) length, hashes.get(e.getKey())));
            offset += length;
        }
        if (offset != fileSize) {
            throw new CorruptedArtifactException((fileSize - offset) + " trailing bytes after the classes");
        }
        return new Lazy(bytes, rest, head, image, bodies, main, slices, interp);
    }
}
