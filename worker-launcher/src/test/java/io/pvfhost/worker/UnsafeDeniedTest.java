package io.pvfhost.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pvfhost.common.hash.Hashing;
import io.pvfhost.worker.execute.crypto.Ed25519;
import io.pvfhost.worker.execute.crypto.Secp256k1;
import io.pvfhost.worker.execute.crypto.Sr25519;
import io.pvfhost.worker.execute.hostfn.TwoxFunctions;
import io.pvfhost.worker.host.JdkFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JDK 24 warns at the first use of sun.misc.Unsafe's memory access and a later JDK denies it by
 * default; the host picks the newest JDK 25+ installed for its workers. Everything a worker runs
 * (Chicory, the host functions' libraries, zstd) must work with {@code
 * --sun-misc-unsafe-memory-access=deny}: a library that still used Unsafe (our xxHash did) would
 * fail every block that calls it there, while older JDKs voted valid.
 */
class UnsafeDeniedTest {
    private static final HexFormat HEX = HexFormat.of();

    /** The worker's work in a JVM of its own: prints "ok" when every answer is the expected one. */
    public static final class Probe {
        public static void main(String[] args) throws Exception {
            check("twox128", "26aa394eea5630e07c48ae0c9558cef7",
                    HEX.formatHex(TwoxFunctions.twox128("System".getBytes(StandardCharsets.US_ASCII))));
            check("blake2b256", "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319",
                    HEX.formatHex(Hashing.blake2b256("abc".getBytes(StandardCharsets.US_ASCII))));
            check("ed25519", "true", String.valueOf(Ed25519.verify(HEX.parseHex(
                    "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
                    HEX.parseHex("72"), HEX.parseHex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"))));
            check("sr25519", "true", String.valueOf(Sr25519.verify(HEX.parseHex(
                    "5c615859e83784eed75e54e94c2cc3764e241471748c5af0f01fd939c5a1126ccabc8afacda4ecb6b01ea881cc2caff3437bf2dcdd6e9c33fc55bc14b499ee84"),
                    new byte[0], HEX.parseHex("44a996beb1eef7bdcab976ab6d2ca26104834164ecf28fb375600576fcc6eb0f"))));
            check("secp256k1", "BAD_SIGNATURE",
                    String.valueOf(Secp256k1.recoverSpIo(new byte[65], new byte[32], Secp256k1.Parsing.OVERFLOWING).error()));
            byte[] compressed = io.pvfhost.common.blob.MaybeCompressed.compress(new byte[100_000], 3);
            check("zstd", "100000", String.valueOf(io.pvfhost.common.blob.MaybeCompressed.decompress(compressed, 1 << 20).length));
            // Chicory's compiler and runtime: the adder and trieproof (blake2, keccak, trie) prepared and
            // run by execute workers, and a large module compiled, loaded and run, each answer checked
            Path dir = Files.createTempDirectory(Path.of(args[0]), "training");
            ClassCacheTraining.train(dir);
            System.out.println("ok");
        }

        private static void check(String what, String expected, String got) {
            if (!expected.equals(got)) {
                throw new AssertionError(what + ": expected " + expected + ", got " + got);
            }
        }
    }

    @Test
    void theWorkersWorkOnAJdkThatDeniesUnsafeMemoryAccess(@TempDir Path dir) throws Exception {
        Optional<JdkFinder.Jdk> jdk = JdkFinder.findPreferred();
        Assumptions.assumeTrue(jdk.isPresent(), "no JDK " + JdkFinder.PREFERRED_MAJOR + "+ installed (the flag needs JDK 23+)");
        Path log = dir.resolve("probe.log");
        Process p = new ProcessBuilder(jdk.get().java().toString(), "--sun-misc-unsafe-memory-access=deny",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Probe.class.getName(),
                dir.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "the probe did not end");
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.lines().anyMatch("ok"::equals), out);
    }
}
