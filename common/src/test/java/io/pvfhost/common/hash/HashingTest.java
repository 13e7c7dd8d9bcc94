package io.pvfhost.common.hash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pvfhost.common.Corpus;
import io.pvfhost.common.Hex;
import io.pvfhost.common.types.ValidationParams;
import io.pvfhost.common.types.ValidationResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class HashingTest {
    private static final byte[] EMPTY = new byte[0];
    private static final byte[] ABC = "abc".getBytes(StandardCharsets.US_ASCII);

    private static Path corpus() {
        Assumptions.assumeTrue(Corpus.root().isPresent(), Corpus.missingMessage());
        return Corpus.require();
    }

    @Test
    void shouldMatchKnownAnswersForEmptyInput() {
        assertEquals("0x0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8", Hex.toHex(Hashing.blake2b256(EMPTY)));
        assertEquals("0xcae66941d9efbd404e4d88758ea67670", Hex.toHex(Hashing.blake2b128(EMPTY)));
        assertEquals("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470", Hex.toHex(Hashing.keccak256(EMPTY)));
        assertEquals("0x0eab42de4c3ceb9235fc91acffe746b29c29a8c366b7c60e4e67c466f36a4304"
                + "c00fa9caf9d87976ba469bcbe06713b435f091ef2769fb160cdab33d3670680e", Hex.toHex(Hashing.keccak512(EMPTY)));
        assertEquals("0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Hex.toHex(Hashing.sha256(EMPTY)));
    }

    @Test
    void shouldMatchKnownAnswersForAbc() {
        assertEquals("0xbddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319", Hex.toHex(Hashing.blake2b256(ABC)));
        assertEquals("0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45", Hex.toHex(Hashing.keccak256(ABC)));
        assertEquals("0xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Hex.toHex(Hashing.sha256(ABC)));
    }

    @Test
    void shouldMatchManifestCodeHashesAndSha256() throws IOException {
        String[][] manifest = {
            {"adder/kagome-adder.code", "7a163b303ff19b1ba1911bcf6bc59c5a7a9d8f2e187aa4be772f56f76b8b6f0e",
                "71763befd7e8a28e02d30a6e0278456d4dd16da1bdfd61962cd64916222547a7"},
            {"adder/gossamer-adder.code", "d7d82e716d8ca4366ab441c2625878dd148ed961d0ae8bf9f71af2b2f6583f24",
                "94b4c5ef4f6d56779e34fd90d8275916f671bd927693f683821ff272af1a7cf2"},
            {"cumulus/coretime-polkadot-v1003000.code", "a4fb99720cf46ab485918e3034948a63993ef66e44473ae79ca48b043ada9c6e",
                "82b735536a4a34ac83478de8a6f9becd63805de15459d77cd723ec77863ca03b"},
            {"cumulus/cumulus-test-parachain-v1.code", "d873ea12e44e3a3d03d821ffe0d79550e76e6c5daef62948ee4ca84220c4570b",
                "041ad7c20583a715ead4121eae11c06acff24055fda96ff9502ec85a85bc366b"},
            {"cumulus/statemine-genesis.code", "8dca504a622a90db05c0613b246aab3ffacf893cb32c2f836b987576c330f062",
                "1b5e38ebeae132c738e9cc54544f8745b2b80e03d701ae7de0ac8b2786279a4d"},
        };
        Path root = corpus();
        for (String[] row : manifest) {
            byte[] code = Files.readAllBytes(root.resolve(row[0]));
            assertEquals(row[1], Hex.toHexNoPrefix(Hashing.blake2b256(code)), row[0] + " code hash");
            assertEquals(row[2], Hex.toHexNoPrefix(Hashing.sha256(code)), row[0] + " sha256");
        }
    }

    // The adder's new head is {number + 1, keccak256(parent head), keccak256(state + add)}.
    @Test
    void shouldReproduceAdderHeadsWithKeccak() throws IOException {
        Path adder = corpus().resolve("adder");
        for (String name : new String[] {"adder_genesis", "adder_gossamer"}) {
            ValidationParams params = ValidationParams.decode(Hex.decode(Files.readString(adder.resolve(name + ".params.hex"))));
            byte[] head = ValidationResult.decode(Hex.decode(Files.readString(adder.resolve(name + ".expected_output.hex"))))
                    .headData();
            long state = le64(params.blockData(), 0);
            long add = le64(params.blockData(), 8);
            assertEquals(le64(params.parentHead(), 0) + 1, le64(head, 0), name);
            assertArrayEquals(Hashing.keccak256(params.parentHead()), Arrays.copyOfRange(head, 8, 40), name);
            assertArrayEquals(Hashing.keccak256(le64Bytes(state)), Arrays.copyOfRange(params.parentHead(), 40, 72), name);
            assertArrayEquals(Hashing.keccak256(le64Bytes(state + add)), Arrays.copyOfRange(head, 40, 72), name);
        }
    }

    private static long le64(byte[] b, int off) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = v << 8 | (b[off + i] & 0xff);
        }
        return v;
    }

    private static byte[] le64Bytes(long v) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (v >>> (8 * i));
        }
        return b;
    }
}
