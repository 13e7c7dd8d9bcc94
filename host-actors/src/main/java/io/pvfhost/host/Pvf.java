package io.pvfhost.host;

import io.pvfhost.artifacts.ArtifactId;
import io.pvfhost.common.Hex;
import io.pvfhost.common.params.ExecutorParams;
import java.util.Optional;

/**
 * A validation function as a validator receives it: the code as stored on chain (maybe
 * compressed), the executor parameters of the session, and optionally the chain's code limits for
 * its preparation (empty: the host's {@code prepare.max-code-size} and {@code code-bomb-limit}).
 */
public record Pvf(byte[] code, ExecutorParams executorParams, ArtifactId artifactId, Optional<CodeLimits> codeLimits) {

    /**
     * How large the code may be as stored, and decompressed. The reference takes the bomb limit with
     * each preparation request (the runtime's {@code validation_code_bomb_limit}); a node that reads
     * the chain's configuration passes both here, so that the verdict follows the chain's values
     * rather than the host's configured ones. Neither changes the artifact: within a host's run the
     * first preparation of an artifact decides it, as in the reference; an error of the limits is
     * not stored, so a host restarted with larger limits prepares the code again. The ranges are
     * those of {@code prepare.max-code-size} and {@code prepare.code-bomb-limit}.
     */
    public record CodeLimits(long maxCodeSize, long codeBombLimit) {
        public CodeLimits {
            if (maxCodeSize < 1024 || maxCodeSize > 1L << 30) {
                throw new IllegalArgumentException("max code size " + maxCodeSize + " out of range 1 KiB..1 GiB");
            }
            if (codeBombLimit < 1024 || codeBombLimit > 1L << 31) {
                throw new IllegalArgumentException("code bomb limit " + codeBombLimit + " out of range 1 KiB..2 GiB");
            }
        }
    }

    public Pvf {
        codeLimits = codeLimits == null ? Optional.empty() : codeLimits;
    }

    /** Without code limits of its own: the host's configured ones apply. */
    public Pvf(byte[] code, ExecutorParams executorParams, ArtifactId artifactId) {
        this(code, executorParams, artifactId, Optional.empty());
    }

    public static Pvf of(byte[] code, ExecutorParams executorParams) {
        return new Pvf(code, executorParams, ArtifactId.of(code, executorParams), Optional.empty());
    }

    public static Pvf of(byte[] code) {
        return of(code, ExecutorParams.DEFAULT);
    }

    /** The same PVF, prepared with these limits instead of the host's configured ones. */
    public Pvf withCodeLimits(long maxCodeSize, long codeBombLimit) {
        return new Pvf(code, executorParams, artifactId, Optional.of(new CodeLimits(maxCodeSize, codeBombLimit)));
    }

    public String codeHashHex() {
        return Hex.toHex(artifactId.codeHash());
    }

    @Override
    public String toString() {
        return "Pvf(" + codeHashHex() + ", " + code.length + " bytes)";
    }
}
