package io.pvfhost.worker.execute.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pvfhost.common.Hex;
import io.pvfhost.common.hash.Hashing;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KeccakTest {

    @Test
    void shouldGiveTheKnownDigestsOfTheEmptyInput() {
        assertEquals("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470", Hex.toHex(Keccak.keccak256(new byte[0])));
        assertEquals("0x0eab42de4c3ceb9235fc91acffe746b29c29a8c366b7c60e4e67c466f36a4304"
                + "c00fa9caf9d87976ba469bcbe06713b435f091ef2769fb160cdab33d3670680e", Hex.toHex(Keccak.keccak512(new byte[0])));
    }

    @Test
    void shouldAgreeWithBouncyCastleAtEveryLengthAroundTheRate() {
        Random r = new Random(5);
        for (int len = 0; len <= 300; len++) {
            byte[] data = new byte[len];
            r.nextBytes(data);
            assertArrayEquals(Hashing.keccak256(data), Keccak.keccak256(data), "keccak256 of " + len + " bytes");
            assertArrayEquals(Hashing.keccak512(data), Keccak.keccak512(data), "keccak512 of " + len + " bytes");
        }
    }
}
