package io.pvfhost.worker.execute.crypto;

import static io.pvfhost.worker.execute.crypto.MerlinTranscript.ascii;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * merlin's transcript tests ({@code equivalence_simple}, {@code equivalence_complex}) with the
 * outputs published alongside its ports (curve25519-voi's merlin, libmerlin).
 */
class MerlinTranscriptTest {

    @Test
    void shouldMatchTheSimpleTestProtocolVector() {
        MerlinTranscript t = MerlinTranscript.create(ascii("test protocol"));
        t.appendMessage(ascii("some label"), ascii("some data"));
        assertEquals("d5a21972d0d5fe320c0d263fac7fffb8145aa640af6e9bca177c03c7efcf0615",
                HexFormat.of().formatHex(t.challengeBytes(ascii("challenge"), 32)));
    }

    @Test
    void shouldMatchTheComplexTestProtocolVector() {
        MerlinTranscript t = MerlinTranscript.create(ascii("test protocol"));
        t.appendMessage(ascii("step1"), ascii("some data"));
        byte[] data = new byte[1024];
        Arrays.fill(data, (byte) 99);
        byte[] challenge = null;
        for (int i = 0; i < 32; i++) {
            challenge = t.challengeBytes(ascii("challenge"), 32);
            t.appendMessage(ascii("bigdata"), data);
            t.appendMessage(ascii("challengedata"), challenge);
        }
        assertEquals("a8c933f54fae76e3f9bea93648c1308e7dfa2152dd51674ff3ca438351cf003c", HexFormat.of().formatHex(challenge));
    }

    @Test
    void shouldForkIndependentlyWithCopy() {
        MerlinTranscript t = MerlinTranscript.create(ascii("p"));
        MerlinTranscript u = t.copy();
        t.appendMessage(ascii("l"), ascii("x"));
        u.appendMessage(ascii("l"), ascii("x"));
        assertArrayEquals(t.copy().challengeBytes(ascii("c"), 64), u.copy().challengeBytes(ascii("c"), 64));
        t.appendMessage(ascii("l"), ascii("y"));
        assertFalse(Arrays.equals(t.challengeBytes(ascii("c"), 8), u.challengeBytes(ascii("c"), 8)));
    }
}
