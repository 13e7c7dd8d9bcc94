package io.pvfhost.bouncycastle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
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
    void noSignatureFilesAreKept() throws Exception {
        Path metaInf = classesRoot().resolve("META-INF");
        if (!Files.isDirectory(metaInf)) {
            return; // nothing under META-INF at all: nothing signed
        }
        try (Stream<Path> files = Files.list(metaInf)) {
            List<String> signatures = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".SF") || n.endsWith(".DSA") || n.endsWith(".RSA") || n.endsWith(".EC"))
                    .toList();
            assertTrue(signatures.isEmpty(), signatures.toString());
        }
    }

    @Test
    void everyClassOfTheSubsetLinksItsSignatures() throws Exception {
        Path root = classesRoot();
        Path bc = root.resolve("org/bouncycastle");
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.walk(bc)) {
            files.filter(p -> p.toString().endsWith(".class")).forEach(p -> {
                String rel = root.relativize(p).toString();
                names.add(rel.substring(0, rel.length() - ".class".length()).replace('/', '.'));
            });
        }
        assertTrue(names.size() > 500, "only " + names.size() + " classes unpacked");
        ClassLoader loader = getClass().getClassLoader();
        for (String name : names) {
            Class<?> c = Class.forName(name, false, loader);
            // resolves every type in the members' signatures: a class left out of the subset fails here
            c.getDeclaredMethods();
            c.getDeclaredFields();
            c.getDeclaredConstructors();
        }
    }
}
