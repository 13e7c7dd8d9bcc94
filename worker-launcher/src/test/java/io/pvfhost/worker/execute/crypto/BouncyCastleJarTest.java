package io.pvfhost.worker.execute.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipFile;
import org.bouncycastle.crypto.digests.Blake2bDigest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The BouncyCastle jar the workers get (module bouncycastle): unsigned, so that no JVM verifies a
 * signature at its first class (about 400 ms), and multi-release as the release jar, so that a JDK
 * 9+ runs the same class variants as with the release jar.
 */
class BouncyCastleJarTest {
    @Test
    void theWorkersBouncyCastleJarIsUnsignedAndMultiRelease() throws Exception {
        Path jar = Path.of(Blake2bDigest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Assumptions.assumeTrue(Files.isRegularFile(jar), "BouncyCastle comes from a class folder here: " + jar);
        assertTrue(jar.getFileName().toString().startsWith("pvf-bouncycastle-"), jar.toString());
        assertNull(Blake2bDigest.class.getProtectionDomain().getCodeSource().getCodeSigners(), "signed classes");
        try (JarFile f = new JarFile(jar.toFile(), true, ZipFile.OPEN_READ, Runtime.version())) {
            List<String> signatures = f.stream().map(e -> e.getName())
                    .filter(n -> n.startsWith("META-INF/") && n.matches("META-INF/[^/]+\\.(SF|RSA|DSA|EC)")).toList();
            assertEquals(List.of(), signatures);
            assertTrue(f.isMultiRelease(), "not multi-release");
            assertTrue(f.getJarEntry("org/bouncycastle/util/Arrays.class").getRealName().startsWith("META-INF/versions/"),
                    "the JDK 9+ variant of a class is not used");
            assertEquals("1.80", f.getManifest().getMainAttributes().getValue("Implementation-Version"));
            assertTrue(f.getEntry("META-INF/LICENSE-bouncycastle.txt") != null, "no licence text");
        }
    }
}
