package io.pvfhost.worker.fuzz;

import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.pvfhost.worker.execute.trie.StateVersion;
import io.pvfhost.worker.execute.trie.TrieHasher;
import io.pvfhost.worker.execute.trie.TrieProof;
import io.pvfhost.worker.execute.trie.TrieRoot;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing (Jazzer) of compact trie proof verification, which decodes nodes a
 * runtime passes to {@code ext_trie_*_verify_proof}: it must answer, true or false, and never
 * throw. An input is a key, a value and proof nodes, each a one-byte length and its bytes; the
 * root is that of the one-pair trie of key and value, so that valid proofs are within reach.
 */
class TrieProofFuzzTest {
    private static final HexFormat HEX = HexFormat.of();

    static Stream<Arguments> proofs() {
        return Stream.of(
                seed("one leaf", "aa", "bb", "42aa00"),
                seed("inline child", "1314", "ff", "801200104303140014430819" + "04fe"),
                seed("nibbled branch", "646f", "76657262", "84646f400020410714" + "7075707079"),
                seed("hashed value", "aa", "07".repeat(33), "42aa00"));
    }

    private static Arguments seed(String name, String key, String value, String... nodes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String part : Stream.concat(Stream.of(key, value), Stream.of(nodes)).toList()) {
            byte[] b = HEX.parseHex(part);
            out.write(b.length);
            out.writeBytes(b);
        }
        return arguments(Named.of(name, out.toByteArray()));
    }

    @MethodSource("proofs")
    @FuzzTest
    void verificationShouldAnswerWithoutThrowing(byte[] input) {
        List<byte[]> parts = new ArrayList<>();
        for (int i = 0; i < input.length; ) {
            int len = Math.min(input[i] & 0xff, input.length - i - 1);
            parts.add(Arrays.copyOfRange(input, i + 1, i + 1 + len));
            i += 1 + len;
        }
        if (parts.size() < 2) {
            return;
        }
        byte[] key = parts.get(0);
        byte[] value = parts.get(1);
        List<byte[]> proof = parts.subList(2, parts.size());
        for (StateVersion v : StateVersion.values()) {
            byte[] root = TrieRoot.trieRoot(List.of(new TrieRoot.Entry(key, value)), TrieHasher.BLAKE2_256, v);
            TrieProof.verify(root, proof, key, value, TrieHasher.BLAKE2_256, v);
        }
    }
}
