package io.pvfhost.host;

import io.pvfhost.artifacts.ArtifactId;
import io.pvfhost.common.Hex;
import io.pvfhost.common.params.ExecutorParams;

/**
 * A validation function as a validator receives it: the code as stored on chain (maybe
 * compressed) and the executor parameters of the session.
 */
public record Pvf(byte[] code, ExecutorParams executorParams, ArtifactId artifactId) {

    public static Pvf of(byte[] code, ExecutorParams executorParams) {
        return new Pvf(code, executorParams, ArtifactId.of(code, executorParams));
    }

    public static Pvf of(byte[] code) {
        return of(code, ExecutorParams.DEFAULT);
    }

    public String codeHashHex() {
        return Hex.toHex(artifactId.codeHash());
    }

    @Override
    public String toString() {
        return "Pvf(" + codeHashHex() + ", " + code.length + " bytes)";
    }
}
