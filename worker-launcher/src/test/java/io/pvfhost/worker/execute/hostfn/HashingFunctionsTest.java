package io.pvfhost.worker.execute.hostfn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pvfhost.common.hash.Hashing;
import io.pvfhost.worker.execute.HostTrap;
import io.pvfhost.worker.execute.crypto.Keccak;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The ext_hashing_* table as a runtime calls it: each name bound to its own hash (the hashes
 * themselves are checked against known answers in HashingTest and KeccakTest), the digest written
 * through the allocator, a span out of bounds a trap.
 */
class HashingFunctionsTest {
    private static final byte[] DATA = "validate_block".getBytes(StandardCharsets.UTF_8);

    private final HostCall host = new HostCall(HashingFunctions.functions());

    static final Map<String, Function<byte[], byte[]>> EXPECTED = Map.of(
            "ext_hashing_keccak_256_version_1", Keccak::keccak256,
            "ext_hashing_keccak_512_version_1", Keccak::keccak512,
            "ext_hashing_blake2_128_version_1", Hashing::blake2b128,
            "ext_hashing_blake2_256_version_1", Hashing::blake2b256,
            "ext_hashing_sha2_256_version_1", HashingFunctionsTest::sha256);

    static byte[] sha256(byte[] d) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(d);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void everyHashingFunctionShouldBeBoundToItsOwnHash() {
        assertEquals(EXPECTED.keySet(), HashingFunctions.functions().keySet());
        for (var e : EXPECTED.entrySet()) {
            byte[] want = e.getValue().apply(DATA);
            assertArrayEquals(want, host.callForPointer(e.getKey(), want.length, host.span(DATA)), e.getKey());
        }
    }

    @Test
    void shouldGiveTheKnownDigestsOfTheEmptyInput() {
        HexFormat hex = HexFormat.of();
        byte[] empty = new byte[0];
        assertEquals("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
                hex.formatHex(host.callForPointer("ext_hashing_keccak_256_version_1", 32, host.span(empty))));
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                hex.formatHex(host.callForPointer("ext_hashing_sha2_256_version_1", 32, host.span(empty))));
        assertEquals("0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8",
                hex.formatHex(host.callForPointer("ext_hashing_blake2_256_version_1", 32, host.span(empty))));
    }

    @Test
    void shouldTrapOnASpanOutOfBounds() {
        for (String name : EXPECTED.keySet()) {
            assertThrows(HostTrap.class, () -> host.call(name, host.outOfBounds(8)), name);
        }
    }
}
