package io.pvfhost.artifacts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.pvfhost.common.Hex;
import io.pvfhost.common.Version;
import io.pvfhost.common.error.PrepareError;
import io.pvfhost.common.hash.Hashing;
import io.pvfhost.common.scale.ScaleWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ArtifactFileTest {

    @TempDir
    Path dir;

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** A compiled artifact with a few classes, inserted in the given order. */
    static ArtifactContent.Compiled compiled(boolean reverse) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            names.add("com/dylibso/chicory/$gen/CompiledMachine$Func" + i);
        }
        names.add("com/dylibso/chicory/$gen/CompiledMachine");
        names.add("Ω/ünicode");
        if (reverse) {
            java.util.Collections.reverse(names);
        }
        Map<String, byte[]> classes = new LinkedHashMap<>();
        for (String n : names) {
            classes.put(n, bytes(50 + n.length(), n.hashCode()));
        }
        Set<Integer> interp = new LinkedHashSet<>();
        List<Integer> idx = new ArrayList<>(List.of(7, 0, 1_000_000, 3, Integer.MAX_VALUE));
        if (reverse) {
            java.util.Collections.reverse(idx);
        }
        interp.addAll(idx);
        return new ArtifactContent.Compiled(bytes(500, 1), bytes(300, 9), "com/dylibso/chicory/$gen/CompiledMachine", classes,
                interp);
    }

    static final ArtifactContent.Failed FAILED =
            new ArtifactContent.Failed(new PrepareError(PrepareError.Kind.PREVALIDATION, "bad magic ✗"));

    static void assertSameContent(ArtifactContent expected, ArtifactContent actual) {
        assertEquals(expected.getClass(), actual.getClass());
        if (expected instanceof ArtifactContent.Compiled e) {
            ArtifactContent.Compiled a = (ArtifactContent.Compiled) actual;
            assertArrayEquals(e.moduleImage(), a.moduleImage());
            assertArrayEquals(e.interpretedBodies(), a.interpretedBodies());
            assertEquals(e.mainClass(), a.mainClass());
            assertEquals(e.classes().keySet(), a.classes().keySet());
            for (var entry : e.classes().entrySet()) {
                assertArrayEquals(entry.getValue(), a.classes().get(entry.getKey()), entry.getKey());
            }
            assertEquals(e.interpretedFunctions(), a.interpretedFunctions());
        } else {
            assertEquals(expected, actual);
        }
    }

    private Path target() {
        return dir.resolve(new ArtifactId(bytes(32, 2), bytes(32, 3)).fileName());
    }

    @Test
    void shouldWriteAndReadBackCompiledContent() throws Exception {
        ArtifactContent.Compiled c = compiled(false);
        Path p = target();
        byte[] checksum = ArtifactFile.write(p, c);
        assertSameContent(c, ArtifactFile.readVerified(p, checksum));
    }

    @ParameterizedTest
    @EnumSource(PrepareError.Kind.class)
    void shouldWriteAndReadBackFailedContentOfEveryKind(PrepareError.Kind kind) throws Exception {
        ArtifactContent.Failed f = new ArtifactContent.Failed(new PrepareError(kind, "why: " + kind));
        Path p = target();
        byte[] checksum = ArtifactFile.write(p, f);
        assertSameContent(f, ArtifactFile.readVerified(p, checksum));
    }

    /** A detail quoting a megabyte of untrusted input (a duplicate export's name) is cut, so the file reads back. */
    @Test
    void shouldReadBackAnErrorWhoseDetailQuotedAMegabyte() throws Exception {
        String name = "\u00e9".repeat(1 << 20); // 2 MiB of UTF-8
        String detail = "duplicate export name \"" + name + "\"";
        var f = new ArtifactContent.Failed(new PrepareError(PrepareError.Kind.PREVALIDATION, detail));
        assertTrue(f.error().detail().length() <= PrepareError.MAX_DETAIL_CHARS, "cut to " + f.error().detail().length());
        assertEquals(f.error(), new PrepareError(f.error().kind(), f.error().detail()), "cutting twice changes nothing");
        assertTrue(f.error().detail().endsWith("(" + detail.length() + " characters)"), f.error().detail().substring(8000));
        Path p = target();
        byte[] checksum = ArtifactFile.write(p, f);
        assertSameContent(f, ArtifactFile.readVerified(p, checksum));
        // never half a surrogate pair at the cut
        String emoji = "\ud83d\ude00".repeat(PrepareError.MAX_DETAIL_CHARS);
        String cut = new PrepareError(PrepareError.Kind.PREPARATION, "x" + emoji).detail();
        assertFalse(Character.isHighSurrogate(cut.charAt(cut.indexOf('\u2026') - 1)), "a high surrogate before the ellipsis");
    }

    @Test
    void shouldRoundTripCompiledContentWithNothingInterpreted() throws Exception {
        var c = new ArtifactContent.Compiled(new byte[0], "M", Map.of("M", new byte[0]), Set.of());
        assertSameContent(c, ArtifactFile.decode(ArtifactFile.encode(c)));
    }

    @Test
    void shouldReturnTheChecksumOfTheBytesOnDisk() throws Exception {
        Path p = target();
        byte[] checksum = ArtifactFile.write(p, compiled(false));
        byte[] onDisk = Files.readAllBytes(p);
        assertArrayEquals(ArtifactFile.checksum(onDisk), checksum);
        assertArrayEquals(ArtifactFile.decodeLazy(onDisk).headChecksum(), checksum);
        assertArrayEquals(ArtifactFile.encode(compiled(false)), onDisk);
        // the head is everything before the interpreted bodies and the classes' bytes, which come
        // last in table (name) order
        var c = compiled(false);
        int classes = c.classes().values().stream().mapToInt(b -> b.length).sum();
        byte[] head = Arrays.copyOf(onDisk, onDisk.length - c.interpretedBodies().length - classes);
        assertArrayEquals(sha256(new byte[] {0}, head), checksum);
        byte[] failed = ArtifactFile.encode(FAILED);
        assertArrayEquals(sha256(new byte[] {1}, failed), ArtifactFile.checksum(failed));
        // a file that is only the head is no artifact: its checksum is not the artifact's
        assertThrows(CorruptedArtifactException.class, () -> ArtifactFile.decode(head));
        assertFalse(Arrays.equals(checksum, ArtifactFile.checksum(head)));
    }

    private static byte[] sha256(byte[] tag, byte[] bytes) throws Exception {
        var md = java.security.MessageDigest.getInstance("SHA-256");
        md.update(tag);
        return md.digest(bytes);
    }

    @Test
    void shouldVerifyEachClassOnlyWhenItIsAskedFor() throws Exception {
        var c = compiled(false);
        byte[] good = ArtifactFile.encode(c);
        byte[] checksum = ArtifactFile.checksum(good);
        String last = new java.util.TreeSet<>(c.classes().keySet()).last();
        // a flipped byte in the last class: the head and its checksum are intact ...
        byte[] bad = good.clone();
        bad[bad.length - 1] ^= 0x40;
        var lazy = ArtifactFile.decodeLazy(bad);
        assertArrayEquals(checksum, lazy.headChecksum());
        // ... every other class reads fine, that one is refused
        for (String name : c.classes().keySet()) {
            if (!name.equals(last)) {
                assertArrayEquals(c.classes().get(name), lazy.classBytes(name), name);
            }
        }
        CorruptedArtifactException e = assertThrows(CorruptedArtifactException.class, () -> lazy.classBytes(last));
        assertTrue(e.getMessage().contains("does not match its checksum"), e.getMessage());
        assertThrows(CorruptedArtifactException.class, () -> lazy.classBytes("no/such/Class"));
        // and the eager decode checks them all
        assertThrows(CorruptedArtifactException.class, () -> ArtifactFile.decode(bad));
    }

    /** A compiled artifact of about {@code classes} MiB of classes after a head with an image of {@code imageBytes}. */
    private static ArtifactContent.Compiled large(int imageBytes, int classes) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("Main", bytes(1000, 1));
        for (int i = 0; i < classes; i++) {
            m.put("F" + i, bytes(1 << 20, 10 + i));
        }
        return new ArtifactContent.Compiled(bytes(imageBytes, 2), bytes(5000, 4), "Main", m, Set.of(3, 7));
    }

    @Test
    void shouldOpenAFileByItsHeadAndReadEachClassFromTheFileWhenAskedFor() throws Exception {
        for (int image : new int[] {1000, ArtifactFile.HEAD_READ + 1000, 5 * ArtifactFile.HEAD_READ}) { // a head within the first read, one past it, one past the second
            // the last: read three times, and still classes past the third read (8 MiB)
            var c = large(image, image > 4 * ArtifactFile.HEAD_READ ? 8 : 4);
            Path p = dir.resolve("big-" + image + ".pvfa");
            byte[] checksum = ArtifactFile.write(p, c);
            assertTrue(Files.size(p) > ArtifactFile.HEAD_READ + (1 << 20), "classes beyond the first read");
            var lazy = ArtifactFile.open(p, 64L << 20);
            assertArrayEquals(checksum, lazy.headChecksum(), "image " + image);
            assertArrayEquals(c.moduleImage(), lazy.moduleImage());
            assertEquals(c.interpretedFunctions(), lazy.interpretedFunctions());
            for (String name : c.classes().keySet()) {
                assertArrayEquals(c.classes().get(name), lazy.classBytes(name), name);
            }
            assertArrayEquals(c.interpretedBodies(), lazy.interpretedBodies());
            assertEquals(5000, lazy.interpretedBodiesLength());
        }
    }

    @Test
    void shouldKeepTheInterpretedBodiesOutOfTheHeadAndRefuseThemChanged() throws Exception {
        var c = large(1000, 2);
        Path p = dir.resolve("bodies.pvfa");
        byte[] checksum = ArtifactFile.write(p, c);
        byte[] bytes = Files.readAllBytes(p);
        // the bodies lie right before the classes (2 MiB and the main class's 1000 bytes)
        int bodiesAt = bytes.length - 2 * (1 << 20) - 1000 - 5000;
        assertArrayEquals(c.interpretedBodies(), Arrays.copyOfRange(bytes, bodiesAt, bodiesAt + 5000));
        bytes[bodiesAt + 100] ^= 1;
        Files.write(p, bytes);
        // the head is intact: the checksum matches, the classes load, the bodies are refused when read
        var lazy = ArtifactFile.open(p, 64L << 20);
        assertArrayEquals(checksum, lazy.headChecksum());
        assertArrayEquals(c.classes().get("F1"), lazy.classBytes("F1"));
        var e = assertThrows(CorruptedArtifactException.class, lazy::interpretedBodies);
        assertTrue(e.getMessage().contains("bodies") && e.getMessage().contains("does not match its checksum"),
                e.getMessage());
        lazy.close();
        assertThrows(CorruptedArtifactException.class, () -> ArtifactFile.decode(Files.readAllBytes(p)));
    }

    @Test
    void shouldScanAFoundFileForTheChecksumWrittenWithIt() throws Exception {
        for (int image : new int[] {1000, ArtifactFile.HEAD_READ + 1000, 5 * ArtifactFile.HEAD_READ}) { // a head within the first read, one past it, one past the second
            var c = large(image, 4);
            Path p = dir.resolve("found-" + image + ".pvfa");
            byte[] checksum = ArtifactFile.write(p, c);
            var found = ArtifactFile.scan(p);
            assertArrayEquals(checksum, found.checksum(), "image " + image);
            assertArrayEquals(ArtifactFile.checksum(Files.readAllBytes(p)), found.checksum());
            assertNull(found.failed());
        }
        Path failed = dir.resolve("found-failed.pvfa");
        byte[] failedChecksum = ArtifactFile.write(failed, FAILED);
        var f = ArtifactFile.scan(failed);
        assertArrayEquals(failedChecksum, f.checksum());
        assertEquals(FAILED, f.failed());
    }

    @Test
    void shouldScanTheHeadOnlySoAChangedClassIsFoundWhenItIsRead() throws Exception {
        var c = large(1000, 4);
        Path p = dir.resolve("scanned.pvfa");
        byte[] checksum = ArtifactFile.write(p, c);
        long at = Files.size(p) - 1000 - 10; // in F3, past the head
        byte[] bytes = Files.readAllBytes(p);
        bytes[(int) at] ^= 1;
        Files.write(p, bytes);
        // the head is as written, so is the checksum taken at start ...
        assertArrayEquals(checksum, ArtifactFile.scan(p).checksum());
        // ... and the class is refused when the worker reads it
        var lazy = ArtifactFile.open(p, 64L << 20);
        assertArrayEquals(checksum, lazy.headChecksum());
        assertThrows(CorruptedArtifactException.class, () -> lazy.classBytes("F3"));
        lazy.close();
    }

    @Test
    void shouldScanAFileThatIsNoArtifactAsCorrupted() throws Exception {
        Path garbage = dir.resolve("garbage.pvfa");
        Files.write(garbage, bytes(3 << 20, 5));
        assertThrows(CorruptedArtifactException.class, () -> ArtifactFile.scan(garbage));
        Path cut = dir.resolve("cut-scan.pvfa");
        byte[] encoded = ArtifactFile.encode(large(1000, 3));
        Files.write(cut, Arrays.copyOf(encoded, encoded.length - 2000));
        assertThrows(CorruptedArtifactException.class, () -> ArtifactFile.scan(cut));
        Path failedWithTail = dir.resolve("failed-tail.pvfa");
        byte[] f = ArtifactFile.encode(FAILED);
        Files.write(failedWithTail, Arrays.copyOf(f, f.length + 1));
        assertThrows(CorruptedArtifactException.class, () -> ArtifactFile.scan(failedWithTail));
        assertThrows(NoSuchFileException.class, () -> ArtifactFile.scan(dir.resolve("missing.pvfa")));
    }

    @Test
    void shouldRefuseAClassChangedOrCutOffAfterTheFileWasOpened() throws Exception {
        var c = large(1000, 4);
        Path p = dir.resolve("changed.pvfa");
        byte[] checksum = ArtifactFile.write(p, c);
        var lazy = ArtifactFile.open(p, 64L << 20);
        assertArrayEquals(checksum, lazy.headChecksum());
        // classes in name order: F0 .. F3 (1 MiB each), then Main (1000 bytes); F3 lies past the first
        // read and is read from the file when asked for: a byte of it changed in place is caught ...
        long at = Files.size(p) - 1000 - 10;
        try (var ch = java.nio.channels.FileChannel.open(p, java.nio.file.StandardOpenOption.READ,
                java.nio.file.StandardOpenOption.WRITE)) {
            var one = java.nio.ByteBuffer.allocate(1);
            ch.read(one, at);
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {(byte) ~one.get(0)}), at);
        }
        var changed = assertThrows(CorruptedArtifactException.class, () -> lazy.classBytes("F3"));
        assertTrue(changed.getMessage().contains("does not match its checksum"), changed.getMessage());
        // ... and so is a file cut short
        try (var ch = java.nio.channels.FileChannel.open(p, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(Files.size(p) - (2 << 20));
        }
        var cut = assertThrows(CorruptedArtifactException.class, () -> lazy.classBytes("F3"));
        assertTrue(cut.getMessage().contains("cannot read class F3"), cut.getMessage());
        assertArrayEquals(c.classes().get("F0"), lazy.classBytes("F0"), "a class within the first read");
    }

    /** A file that starts as an artifact but whose head never decodes: read larger until whole, then refused. */
    @Test
    void shouldRefuseAHeadThatNeverDecodesAfterReadingTheWholeFile() throws Exception {
        byte[] bytes = new byte[3 * ArtifactFile.HEAD_READ + 12345];
        new java.util.Random(5).nextBytes(bytes);
        byte[] valid = Files.readAllBytes(writeSmall());
        System.arraycopy(valid, 0, bytes, 0, 5); // the magic and the format byte, then noise
        Path p = Files.write(dir.resolve("noise.pvfa"), bytes);
        assertThrows(CorruptedArtifactException.class, () -> ArtifactFile.open(p, 64L << 20));
        assertThrows(CorruptedArtifactException.class, () -> ArtifactFile.scan(p));
    }

    private Path writeSmall() throws Exception {
        Path p = dir.resolve("small.pvfa");
        ArtifactFile.write(p, large(1000, 1));
        return p;
    }

    @Test
    void shouldRefuseAClassPastTheFirstReadOnceTheFileIsClosed() throws Exception {
        var big = large(1000, 4);
        Map<String, byte[]> classes = new LinkedHashMap<>(big.classes());
        classes.put("A", bytes(1000, 9)); // first in the file's (sorted) class order: within the first read
        var c = new ArtifactContent.Compiled(big.moduleImage(), big.interpretedBodies(), "Main", classes, big.interpretedFunctions());
        Path p = dir.resolve("closed.pvfa");
        ArtifactFile.write(p, c);
        var lazy = ArtifactFile.open(p, 64L << 20);
        assertArrayEquals(c.classes().get("F3"), lazy.classBytes("F3"), "read from the open file");
        lazy.close();
        lazy.close(); // idempotent
        var e = assertThrows(CorruptedArtifactException.class, () -> lazy.classBytes("F3"));
        assertTrue(e.getMessage().contains("cannot read class F3"), e.getMessage());
        assertArrayEquals(c.classes().get("A"), lazy.classBytes("A"), "a class within the first read needs no file");
    }

    @Test
    void shouldRefuseToOpenAFailedArtifactAFileOverTheLimitOrAMalformedOne() throws Exception {
        Path failed = dir.resolve("failed.pvfa");
        ArtifactFile.write(failed, FAILED);
        assertThrows(CorruptedArtifactException.class, () -> ArtifactFile.open(failed, 64L << 20));
        Path big = dir.resolve("big.pvfa");
        ArtifactFile.write(big, large(1000, 3));
        var over = assertThrows(CorruptedArtifactException.class, () -> ArtifactFile.open(big, 1 << 20));
        assertTrue(over.getMessage().contains("over the"), over.getMessage());
        Path trailing = dir.resolve("trailing.pvfa");
        byte[] encoded = ArtifactFile.encode(large(1000, 3));
        Files.write(trailing, Arrays.copyOf(encoded, encoded.length + 2000));
        var tail = assertThrows(CorruptedArtifactException.class, () -> ArtifactFile.open(trailing, 64L << 20));
        assertTrue(tail.getMessage().contains("2000 trailing bytes"), tail.getMessage());
        Path cut = dir.resolve("cut.pvfa");
        Files.write(cut, Arrays.copyOf(encoded, encoded.length - 2000));
        var truncated = assertThrows(CorruptedArtifactException.class, () -> ArtifactFile.open(cut, 64L << 20));
        assertTrue(truncated.getMessage().contains("truncated"), truncated.getMessage());
        assertThrows(NoSuchFileException.class, () -> ArtifactFile.open(dir.resolve("missing.pvfa"), 64L << 20));
    }

    @Test
    void shouldCallAFileShorterThanItsSizeSaysCorruptedNotAnIoFailure() throws Exception {
        // a sysfs file reports 4096 bytes and holds a few: as a file changed while it is read
        Path shortFile = Path.of("/sys/devices/system/cpu/online");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(shortFile) && Files.size(shortFile) > 64,
                "needs a file whose size is more than its content (sysfs)");
        var e = assertThrows(CorruptedArtifactException.class, () -> ArtifactFile.open(shortFile, 64L << 20));
        assertTrue(e.getMessage().contains("bytes early"), e.getMessage());
    }

    @Test
    void shouldRefuseAFailedArtifactAsCodeToLoad() {
        assertThrows(CorruptedArtifactException.class, () -> ArtifactFile.decodeLazy(ArtifactFile.encode(FAILED)));
    }

    @Test
    void shouldEncodeTheSameContentToIdenticalBytes() {
        assertArrayEquals(ArtifactFile.encode(compiled(false)), ArtifactFile.encode(compiled(false)));
        assertArrayEquals(ArtifactFile.encode(FAILED), ArtifactFile.encode(
                new ArtifactContent.Failed(new PrepareError(PrepareError.Kind.PREVALIDATION, "bad magic ✗"))));
    }

    @Test
    void shouldEncodeIndependentlyOfClassMapAndFunctionSetOrder() {
        ArtifactContent.Compiled forward = compiled(false);
        ArtifactContent.Compiled backward = compiled(true);
        assertArrayEquals(ArtifactFile.encode(forward), ArtifactFile.encode(backward));

        // and from mutable maps whose iteration order differs
        Map<String, byte[]> hash = new HashMap<>(forward.classes());
        Map<String, byte[]> linked = new LinkedHashMap<>();
        List<String> keys = new ArrayList<>(forward.classes().keySet());
        java.util.Collections.shuffle(keys, new Random(4));
        keys.forEach(k -> linked.put(k, forward.classes().get(k)));
        var a = new ArtifactContent.Compiled(forward.moduleImage(), forward.mainClass(), hash, forward.interpretedFunctions());
        var b = new ArtifactContent.Compiled(forward.moduleImage(), forward.mainClass(), linked, forward.interpretedFunctions());
        assertArrayEquals(ArtifactFile.encode(a), ArtifactFile.encode(b));
    }

    @Test
    void shouldLayOutAFailedArtifactAsDocumented() {
        byte[] engine = Version.ENGINE_VERSION.getBytes(StandardCharsets.UTF_8);
        byte[] expected = new ScaleWriter()
                .raw(new byte[] {'P', 'V', 'F', 'A', 4})
                .bytes(engine)
                .u8(1)
                .u8(PrepareError.Kind.TIMED_OUT.ordinal())
                .bytes("slow".getBytes(StandardCharsets.UTF_8))
                .toByteArray();
        assertEquals(Hex.toHex(expected), Hex.toHex(ArtifactFile.encode(
                new ArtifactContent.Failed(new PrepareError(PrepareError.Kind.TIMED_OUT, "slow")))));
    }

    @Test
    void shouldRejectAFileWithAFlippedByteBeforeDecoding() throws Exception {
        Path p = target();
        byte[] checksum = ArtifactFile.write(p, FAILED);
        byte[] bytes = Files.readAllBytes(p);
        // the last byte is inside the detail text: the flipped file still decodes fine, so only
        // the checksum can catch it
        bytes[bytes.length - 1] ^= 0x01;
        assertInstanceOf(ArtifactContent.Failed.class, ArtifactFile.decode(bytes));
        Files.write(p, bytes);
        CorruptedArtifactException e = assertThrows(CorruptedArtifactException.class,
                () -> ArtifactFile.readVerified(p, checksum));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void shouldRejectEveryFlippedByteOfACompiledArtifact() throws Exception {
        Path p = target();
        byte[] checksum = ArtifactFile.write(p, compiled(false));
        byte[] good = Files.readAllBytes(p);
        Random rnd = new Random(21);
        for (int i = 0; i < 50; i++) {
            byte[] bad = good.clone();
            bad[rnd.nextInt(bad.length)] ^= (byte) (1 << rnd.nextInt(8));
            Files.write(p, bad);
            assertThrows(CorruptedArtifactException.class, () -> ArtifactFile.readVerified(p, checksum));
        }
    }

    @Test
    void shouldRejectAValidArtifactThatIsNotTheOneExpected() throws Exception {
        Path p = target();
        byte[] checksumOfCompiled = ArtifactFile.write(p, compiled(false));
        ArtifactFile.write(p, FAILED);
        CorruptedArtifactException e = assertThrows(CorruptedArtifactException.class,
                () -> ArtifactFile.readVerified(p, checksumOfCompiled));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void shouldReportAMissingFileAsNoSuchFileNotCorruption() {
        assertThrows(NoSuchFileException.class, () -> ArtifactFile.readVerified(target(), new byte[32]));
    }

    @Test
    void shouldRejectTruncatedFilesEvenWithAMatchingChecksum() throws Exception {
        byte[] good = ArtifactFile.encode(compiled(false));
        Path p = target();
        for (int n : new int[] {0, 1, 4, 5, 6, 20, good.length / 2, good.length - 1}) {
            byte[] cut = Arrays.copyOf(good, n);
            Files.write(p, cut);
            assertThrows(CorruptedArtifactException.class, () -> ArtifactFile.readVerified(p, ArtifactFile.checksum(cut)),
                    n + " bytes");
        }
    }

    @Test
    void shouldRejectEveryTruncationWhenDecoding() {
        for (ArtifactContent c : List.of(compiled(false), FAILED)) {
            byte[] good = ArtifactFile.encode(c);
            for (int n = 0; n < good.length; n++) {
                byte[] cut = Arrays.copyOf(good, n);
                assertThrows(CorruptedArtifactException.class, () -> ArtifactFile.decode(cut), n + " bytes");
            }
        }
    }

    @Test
    void shouldRejectGarbageAndTrailingBytes() {
        assertThrows(CorruptedArtifactException.class, () -> ArtifactFile.decode("hello world".getBytes(StandardCharsets.UTF_8)));
        assertThrows(CorruptedArtifactException.class, () -> ArtifactFile.decode(bytes(4096, 9)));
        byte[] good = ArtifactFile.encode(FAILED);
        assertThrows(CorruptedArtifactException.class, () -> ArtifactFile.decode(Arrays.copyOf(good, good.length + 1)));
    }

    @Test
    void shouldLayOutACompiledArtifactAsDocumented() {
        var content = new ArtifactContent.Compiled(new byte[] {7, 7}, new byte[] {5, 6, 4}, "B",
                Map.of("B", new byte[] {2}, "A", new byte[] {1}), Set.of(9, 3));
        byte[] expected = new ScaleWriter()
                .raw(new byte[] {'P', 'V', 'F', 'A', 4})
                .bytes(Version.ENGINE_VERSION.getBytes(StandardCharsets.UTF_8))
                .u8(0)
                .bytes(new byte[] {7, 7})
                .u32(3).raw(ArtifactFile.sha256(new byte[] {5, 6, 4}, 0, 3))
                .bytes("B".getBytes(StandardCharsets.UTF_8))
                .compact(2)
                .bytes("A".getBytes(StandardCharsets.UTF_8)).u32(1).raw(ArtifactFile.sha256(new byte[] {1}, 0, 1))
                .bytes("B".getBytes(StandardCharsets.UTF_8)).u32(1).raw(ArtifactFile.sha256(new byte[] {2}, 0, 1))
                .compact(2).u32(3).u32(9)
                .raw(new byte[] {5, 6, 4})
                .raw(new byte[] {1, 2})
                .toByteArray();
        assertEquals(Hex.toHex(expected), Hex.toHex(ArtifactFile.encode(content)));
    }

    @Test
    void shouldRejectAnArtifactOfAnotherEngine() {
        byte[] other = new ScaleWriter()
                .raw(new byte[] {'P', 'V', 'F', 'A', 4})
                .bytes("chicory-0.0.1".getBytes(StandardCharsets.UTF_8))
                .u8(1).u8(0).bytes(new byte[0])
                .toByteArray();
        CorruptedArtifactException e = assertThrows(CorruptedArtifactException.class, () -> ArtifactFile.decode(other));
        assertTrue(e.getMessage().contains("engine"), e.getMessage());
    }

    @Test
    void shouldRejectUnknownKindsAndErrorKinds() {
        byte[] good = ArtifactFile.encode(FAILED);
        int kindAt = 5 + 1 + Version.ENGINE_VERSION.length();
        assertEquals(1, good[kindAt]);
        byte[] badKind = good.clone();
        badKind[kindAt] = 2;
        assertThrows(CorruptedArtifactException.class, () -> ArtifactFile.decode(badKind));
        byte[] badError = good.clone();
        badError[kindAt + 1] = (byte) PrepareError.Kind.values().length;
        assertThrows(CorruptedArtifactException.class, () -> ArtifactFile.decode(badError));
        byte[] negativeError = good.clone();
        negativeError[kindAt + 1] = (byte) 0xff;
        assertThrows(CorruptedArtifactException.class, () -> ArtifactFile.decode(negativeError));
    }

    @Test
    void shouldRejectACompiledArtifactWithoutItsMainClass() {
        var c = new ArtifactContent.Compiled(new byte[] {1}, "Missing", Map.of("Present", new byte[] {2}), Set.of());
        byte[] bytes = ArtifactFile.encode(c);
        assertThrows(CorruptedArtifactException.class, () -> ArtifactFile.decode(bytes));
    }

    // Counts are Compact<u32> length prefixes: a u64 count over 2^63 must not read as "none".
    @Test
    void shouldRejectCountsBeyondU32() {
        byte[] bytes = new ScaleWriter()
                .raw(new byte[] {'P', 'V', 'F', 'A', 4})
                .bytes(Version.ENGINE_VERSION.getBytes(StandardCharsets.UTF_8))
                .u8(0)
                .bytes(new byte[] {1})
                .bytes("M".getBytes(StandardCharsets.UTF_8))
                .compact(1).bytes("M".getBytes(StandardCharsets.UTF_8)).u32(1).raw(ArtifactFile.sha256(new byte[] {2}, 0, 1))
                .u8(0x13).u64(-1L) // interpreted functions: 2^64 - 1 in compact big-integer mode
                .raw(new byte[] {2})
                .toByteArray();
        assertThrows(CorruptedArtifactException.class, () -> ArtifactFile.decode(bytes));
    }

    @Test
    void shouldRejectInterpretedFunctionIndicesThatDoNotFitAnInt() {
        byte[] bytes = new ScaleWriter()
                .raw(new byte[] {'P', 'V', 'F', 'A', 4})
                .bytes(Version.ENGINE_VERSION.getBytes(StandardCharsets.UTF_8))
                .u8(0)
                .bytes(new byte[] {1})
                .bytes("M".getBytes(StandardCharsets.UTF_8))
                .compact(1).bytes("M".getBytes(StandardCharsets.UTF_8)).u32(1).raw(ArtifactFile.sha256(new byte[] {2}, 0, 1))
                .compact(1).u32(0x8000_0000L)
                .raw(new byte[] {2})
                .toByteArray();
        assertThrows(CorruptedArtifactException.class, () -> ArtifactFile.decode(bytes));
    }

    @Test
    void shouldRejectDuplicateClassNames() {
        byte[] bytes = new ScaleWriter()
                .raw(new byte[] {'P', 'V', 'F', 'A', 4})
                .bytes(Version.ENGINE_VERSION.getBytes(StandardCharsets.UTF_8))
                .u8(0)
                .bytes(new byte[] {1})
                .bytes("M".getBytes(StandardCharsets.UTF_8))
                .compact(2)
                .bytes("M".getBytes(StandardCharsets.UTF_8)).u32(1).raw(ArtifactFile.sha256(new byte[] {2}, 0, 1))
                .bytes("M".getBytes(StandardCharsets.UTF_8)).u32(1).raw(ArtifactFile.sha256(new byte[] {3}, 0, 1))
                .compact(0)
                .raw(new byte[] {2, 3})
                .toByteArray();
        assertThrows(CorruptedArtifactException.class, () -> ArtifactFile.decode(bytes));
    }

    // Whatever a damaged file holds, decoding reports corruption and nothing else.
    @Test
    void shouldThrowOnlyCorruptedArtifactExceptionForMutatedFiles() {
        Random rnd = new Random(0x5eed_a001L);
        List<byte[]> valid = List.of(ArtifactFile.encode(compiled(false)), ArtifactFile.encode(FAILED),
                ArtifactFile.encode(new ArtifactContent.Compiled(new byte[] {0, 1}, "M", Map.of("M", new byte[] {5}),
                        Set.of(1, 2))));
        int rejected = 0;
        for (int i = 0; i < 5000; i++) {
            byte[] in = valid.get(rnd.nextInt(valid.size()));
            byte[] bad = mutate(in, rnd);
            try {
                ArtifactFile.decode(bad);
            } catch (CorruptedArtifactException expected) {
                rejected++;
            } catch (Throwable t) {
                fail("decode of mutated file (" + bad.length + " bytes) threw " + t, t);
            }
        }
        assertTrue(rejected > 3000, "most mutations must be caught, got " + rejected);
    }

    @Test
    void shouldThrowOnlyCorruptedArtifactExceptionForRandomBytesAfterAValidHeader() {
        Random rnd = new Random(0x5eed_a002L);
        byte[] header = new ScaleWriter()
                .raw(new byte[] {'P', 'V', 'F', 'A', 4})
                .bytes(Version.ENGINE_VERSION.getBytes(StandardCharsets.UTF_8))
                .toByteArray();
        for (int i = 0; i < 3000; i++) {
            byte[] tail = new byte[rnd.nextInt(64)];
            rnd.nextBytes(tail);
            if (tail.length > 0) {
                tail[0] = (byte) rnd.nextInt(2);
            }
            byte[] file = Arrays.copyOf(header, header.length + tail.length);
            System.arraycopy(tail, 0, file, header.length, tail.length);
            try {
                ArtifactFile.decode(file);
            } catch (CorruptedArtifactException expected) {
                // fine
            } catch (Throwable t) {
                fail("decode of " + Hex.toHex(file) + " threw " + t, t);
            }
        }
    }

    private static byte[] mutate(byte[] in, Random rnd) {
        byte[] b = in.clone();
        int edits = 1 + rnd.nextInt(3);
        for (int e = 0; e < edits; e++) {
            switch (rnd.nextInt(5)) {
                case 0 -> b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
                case 1 -> {
                    int[] pick = {0x00, 0xff, 0x03, 0x13, 0xfe, 0xfc, rnd.nextInt(256)};
                    b[rnd.nextInt(b.length)] = (byte) pick[rnd.nextInt(pick.length)];
                }
                case 2 -> b = Arrays.copyOf(b, Math.max(1, rnd.nextInt(b.length + 1)));
                case 3 -> {
                    int old = b.length;
                    b = Arrays.copyOf(b, old + 1 + rnd.nextInt(8));
                    for (int i = old; i < b.length; i++) {
                        b[i] = (byte) rnd.nextInt(256);
                    }
                }
                default -> {
                    int at = rnd.nextInt(b.length);
                    int len = Math.min(b.length - at, 1 + rnd.nextInt(4));
                    byte[] c = new byte[b.length - len];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(b, at + len, c, at, b.length - at - len);
                    b = c.length == 0 ? new byte[] {0} : c;
                }
            }
        }
        return b;
    }

    @Test
    void shouldLeaveNoTempFileBehindAfterWriting() throws Exception {
        Path p = target();
        ArtifactFile.write(p, compiled(false));
        ArtifactFile.write(p, FAILED); // replacing an existing artifact
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(p.getFileName().toString()), s.map(x -> x.getFileName().toString()).toList());
        }
        assertSameContent(FAILED, ArtifactFile.decode(Files.readAllBytes(p)));
    }

    @Test
    void shouldLeaveNoTempFileBehindWhenTheRenameFails() throws Exception {
        Path p = target();
        // a non-empty folder where the artifact should go: the final move cannot replace it
        Files.createDirectory(p);
        Files.writeString(p.resolve("keep.txt"), "x");
        assertThrows(IOException.class, () -> ArtifactFile.write(p, FAILED));
        try (Stream<Path> s = Files.list(dir)) {
            assertFalse(s.anyMatch(x -> x.getFileName().toString().endsWith(ArtifactFile.TEMP_SUFFIX)));
        }
        assertTrue(Files.exists(p.resolve("keep.txt")));
    }
}
