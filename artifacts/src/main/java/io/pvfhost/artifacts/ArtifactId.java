package io.pvfhost.artifacts;

import io.pvfhost.common.Hex;
import io.pvfhost.common.Version;
import io.pvfhost.common.hash.Hashing;
import io.pvfhost.common.params.ExecutorParams;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Identity of a prepared artifact: the code hash (blake2b-256 of the code as stored, before
 * decompression) and the hash of the executor parameters that change compilation.
 */
public record ArtifactId(byte[] codeHash, byte[] paramsHash) {
    public static final String EXTENSION = ".pvfa";
    private static final Pattern NAME = Pattern.compile(
            Pattern.quote(Version.ENGINE_VERSION) + "_0x([0-9a-f]{64})_0x([0-9a-f]{64})" + Pattern.quote(EXTENSION));

    public ArtifactId {
        if (codeHash.length != 32 || paramsHash.length != 32) {
            throw new IllegalArgumentException("hashes must be 32 bytes");
        }
        codeHash = codeHash.clone();
        paramsHash = paramsHash.clone();
    }

    public static ArtifactId of(byte[] code, ExecutorParams params) {
        return new ArtifactId(Hashing.blake2b256(code), params.artifactHash());
    }

    /** File name: says the engine version, so another engine's files are never taken for ours. */
    public String fileName() {
        return Version.ENGINE_VERSION + "_" + Hex.toHex(codeHash) + "_" + Hex.toHex(paramsHash) + EXTENSION;
    }

    /** The id a file name of the current engine version stands for. */
    public static Optional<ArtifactId> fromFileName(String name) {
        Matcher m = NAME.matcher(name);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new ArtifactId(Hex.decode(m.group(1)), Hex.decode(m.group(2))));
    }

    public String codeHashHex() {
        return Hex.toHex(codeHash);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ArtifactId a && Arrays.equals(codeHash, a.codeHash) && Arrays.equals(paramsHash, a.paramsHash);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(codeHash) + Arrays.hashCode(paramsHash);
    }

    @Override
    public String toString() {
        return "Artifact(" + Hex.toHex(codeHash) + ", params " + Hex.toHex(paramsHash).substring(0, 10) + ")";
    }
}
