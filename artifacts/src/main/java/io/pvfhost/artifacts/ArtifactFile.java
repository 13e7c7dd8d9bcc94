package io.pvfhost.artifacts;

import io.pvfhost.common.Version;
import io.pvfhost.common.error.PrepareError;
import io.pvfhost.common.scale.ScaleException;
import io.pvfhost.common.scale.ScaleReader;
import io.pvfhost.common.scale.ScaleWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The on-disk artifact format and its checksum.
 *
 * <p>Layout: magic {@code PVFA}, format byte, engine version, then a kind byte: 0 compiled (module
 * image, main class, classes by name in sorted order, interpreted function indices sorted) or 1
 * failed (error kind, detail). Everything is SCALE. Sorting makes the bytes a function of the
 * content, so two preparations of the same code give the same file.
 *
 * <p>Not compressed: deflate made the largest runtime's file 4x smaller, but inflating its 8.5 MB
 * took a worker 30-60 ms on every load, warm or cold, against 2-6 ms for a warm SHA-256 of the
 * whole file (zstd decodes faster, but loading zstd-jni's native library costs a fresh JVM 140 ms).
 *
 * <p>The checksum (SHA-256 of the whole file) is recorded when the artifact is written and
 * checked before a single class is loaded: loading an unverified artifact would run foreign
 * bytecode.
 */
public final class ArtifactFile {
    private static final byte[] MAGIC = {'P', 'V', 'F', 'A', 2};
    /** Bounds for decoding; a file bigger than these is corrupt, not a reason to run out of memory. */
    private static final int MAX_IMAGE = 64 * 1024 * 1024;
    private static final int MAX_CLASS = 64 * 1024 * 1024;
    private static final int MAX_CLASSES = 100_000;
    public static final String TEMP_SUFFIX = ".tmp";
    private ArtifactFile() {}

    public static byte[] encode(ArtifactContent content) {
        ScaleWriter w = new ScaleWriter();
        w.raw(MAGIC);
        w.bytes(Version.ENGINE_VERSION.getBytes(StandardCharsets.UTF_8));
        if (content instanceof ArtifactContent.Compiled c) {
            w.u8(0);
            w.bytes(c.moduleImage());
            w.bytes(c.mainClass().getBytes(StandardCharsets.UTF_8));
            Map<String, byte[]> sorted = new TreeMap<>(c.classes());
            w.compact(sorted.size());
            for (Map.Entry<String, byte[]> e : sorted.entrySet()) {
                w.bytes(e.getKey().getBytes(StandardCharsets.UTF_8));
                w.bytes(e.getValue());
            }
            int[] interp = c.interpretedFunctions().stream().mapToInt(Integer::intValue).sorted().toArray();
            w.compact(interp.length);
            for (int i : interp) {
                w.u32(i);
            }
        } else if (content instanceof ArtifactContent.Failed f) {
            w.u8(1);
            w.u8(f.error().kind().ordinal());
            w.bytes(f.error().detail().getBytes(StandardCharsets.UTF_8));
        }
        return w.toByteArray();
    }

    /**
     * SHA-256 of the file, from the JDK: the execute worker computes it on every cold load, and the
     * JDK's digest needs no class from a signed jar (BouncyCastle's costs a fresh JVM up to a
     * second of signature checks).
     */
    public static byte[] checksum(byte[] fileBytes) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(fileBytes);
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

    /** Decodes an artifact's bytes strictly; anything unexpected is corruption. */
    public static ArtifactContent decode(byte[] bytes) throws CorruptedArtifactException {
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
            ArtifactContent out;
            int kind = r.u8();
            if (kind == 0) {
                out = decodeCompiled(r);
            } else if (kind == 1) {
                int k = r.u8();
                PrepareError.Kind[] kinds = PrepareError.Kind.values();
                if (k >= kinds.length) {
                    throw new CorruptedArtifactException("unknown error kind " + k);
                }
                out = new ArtifactContent.Failed(new PrepareError(kinds[k], new String(r.bytes(1 << 20), StandardCharsets.UTF_8)));
            } else {
                throw new CorruptedArtifactException("unknown artifact kind " + kind);
            }
            r.expectEnd();
            return out;
        } catch (ScaleException e) {
            throw new CorruptedArtifactException("malformed artifact: " + e.getMessage(), e);
        }
    }

    private static ArtifactContent.Compiled decodeCompiled(ScaleReader r) throws CorruptedArtifactException {
        byte[] image = r.bytes(MAX_IMAGE);
        String main = new String(r.bytes(1024), StandardCharsets.UTF_8);
        // counts are Compact<u32>: compact() would give a u64 over 2^63 back negative,
        // which passed the limit checks and read as "no entries"
        long n = r.compactU32();
        if (n > MAX_CLASSES) {
            throw new CorruptedArtifactException("too many classes: " + n);
        }
        Map<String, byte[]> classes = new LinkedHashMap<>();
        for (long i = 0; i < n; i++) {
            String name = new String(r.bytes(1024), StandardCharsets.UTF_8);
            if (classes.put(name, r.bytes(MAX_CLASS)) != null) {
                throw new CorruptedArtifactException("class " + name + " appears twice");
            }
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
        if (!classes.containsKey(main)) {
            throw new CorruptedArtifactException("main class " + main + " missing");
        }
        r.expectEnd();
        return new ArtifactContent.Compiled(image, main, classes, interp);
    }
}
