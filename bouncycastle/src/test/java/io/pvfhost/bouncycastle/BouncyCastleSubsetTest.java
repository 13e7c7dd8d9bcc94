package io.pvfhost.bouncycastle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.Blake2bDigest;
import org.bouncycastle.crypto.digests.KeccakDigest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECPoint;
import org.junit.jupiter.api.Test;

/** The unpacked subset: unsigned, complete for what pvf-host calls, and every class in it links. */
class BouncyCastleSubsetTest {
    private static Path classesRoot() throws Exception {
        return Path.of(Blake2bDigest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static String hex(Digest d, String input) {
        byte[] in = input.getBytes(StandardCharsets.US_ASCII);
        d.update(in, 0, in.length);
        byte[] out = new byte[d.getDigestSize()];
        d.doFinal(out, 0);
        return HexFormat.of().formatHex(out);
    }

    @Test
    void theDigestsPvfHostUsesGiveTheirPublishedValues() {
        assertEquals("bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319", hex(new Blake2bDigest(256), "abc"));
        assertEquals("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470", hex(new KeccakDigest(256), ""));
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", hex(new SHA256Digest(), "abc"));
    }

    @Test
    void secp256k1ArithmeticWorks() {
        var curve = CustomNamedCurves.getByName("secp256k1");
        ECPoint twoG = curve.getG().twice().normalize();
        assertEquals(new BigInteger("C6047F9441ED7D6D3045406E95C07CD85C778E4B8CEF3CA7ABAC09B95C709EE5", 16),
                twoG.getAffineXCoord().toBigInteger());
        assertEquals(twoG, curve.getG().multiply(BigInteger.TWO).normalize());
    }

    @Test
    void theLicenceIsShipped() throws Exception {
        try (var in = getClass().getResourceAsStream("/META-INF/LICENSE-bouncycastle.txt")) {
            assertTrue(in != null, "META-INF/LICENSE-bouncycastle.txt is missing");
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(text.contains("The Legion of the Bouncy Castle Inc.") && text.contains("Permission is hereby granted"), text);
        }
    }

    /** The BouncyCastle classes pvf-host's code names (common's Hashing, worker-launcher's Secp256k1). */
    private static final List<String> ENTRY_POINTS = List.of(
            "org/bouncycastle/crypto/digests/Blake2bDigest", "org/bouncycastle/crypto/digests/KeccakDigest",
            "org/bouncycastle/crypto/digests/SHA256Digest", "org/bouncycastle/crypto/Digest",
            "org/bouncycastle/crypto/ec/CustomNamedCurves", "org/bouncycastle/math/ec/ECAlgorithms",
            "org/bouncycastle/math/ec/ECCurve", "org/bouncycastle/math/ec/ECPoint", "org/bouncycastle/asn1/x9/X9ECParameters");

    /**
     * Every BouncyCastle class that the entry points reach through their class files' references
     * (constant pool and member descriptors, base and multi-release variants) is in the subset: the
     * release jar is not on this test's class path (surefire excludes it), so a class a new release
     * needs from a package left out fails here, not in a worker.
     */
    @Test
    void everyClassTheEntryPointsReachIsInTheSubset() throws Exception {
        Path root = classesRoot();
        java.util.Set<String> seen = new java.util.TreeSet<>();
        java.util.Deque<String> todo = new java.util.ArrayDeque<>(ENTRY_POINTS);
        List<String> missing = new ArrayList<>();
        while (!todo.isEmpty()) {
            String name = todo.pop();
            if (!seen.add(name)) {
                continue;
            }
            boolean found = false;
            for (Path file : new Path[] {root.resolve(name + ".class"), root.resolve("META-INF/versions/9/" + name + ".class")}) {
                if (Files.isRegularFile(file)) {
                    found = true;
                    for (String ref : ClassRefs.of(Files.readAllBytes(file))) {
                        if (ref.startsWith("org/bouncycastle/")) {
                            todo.push(ref);
                        }
                    }
                }
            }
            if (!found) {
                missing.add(name);
            }
        }
        assertEquals(List.of(), missing, "reached from " + ENTRY_POINTS + " but not in the subset");
        assertTrue(seen.size() > 100, "only " + seen.size() + " classes reached: the walk reads too little");
    }

    @Test
    void theReleaseJarIsNotOnTheTestClassPath() {
        // org.bouncycastle.crypto.engines is not in the subset; the release jar would provide it
        assertThrows(ClassNotFoundException.class, () -> Class.forName("org.bouncycastle.crypto.engines.AESEngine"));
    }
}
