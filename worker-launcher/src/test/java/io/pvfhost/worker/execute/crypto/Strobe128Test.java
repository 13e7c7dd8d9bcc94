package io.pvfhost.worker.execute.crypto;

import static io.pvfhost.worker.execute.crypto.MerlinTranscript.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** merlin's {@code strobe.rs} conformance test against strobe-rs, with its published outputs. */
class Strobe128Test {

    @Test
    void shouldMatchTheStrobeConformanceVector() {
        Strobe128 s = Strobe128.create(ascii("Conformance Test Protocol"));
        byte[] msg = new byte[1024];
        Arrays.fill(msg, (byte) 99);
        s.metaAd(ascii("ms"), false);
        s.metaAd(ascii("g"), true);
        s.ad(msg, false);

        byte[] prf1 = new byte[32];
        s.metaAd(ascii("prf"), false);
        s.prf(prf1, false);
        assertEquals("b48e645ca17c667fd5206ba57a6a228d72d8e1903814d3f17f622996d7cfefb0", HexFormat.of().formatHex(prf1));

        s.metaAd(ascii("key"), false);
        s.key(prf1, false);

        byte[] prf2 = new byte[32];
        s.metaAd(ascii("prf"), false);
        s.prf(prf2, false);
        assertEquals("07e45cce8078cee259e3e375bb85d75610e2d1e1201c5f645045a194edd49ff8", HexFormat.of().formatHex(prf2));
    }
}
