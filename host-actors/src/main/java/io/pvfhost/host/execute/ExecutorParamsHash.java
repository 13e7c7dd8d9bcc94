package io.pvfhost.host.execute;

import io.pvfhost.common.Hex;
import io.pvfhost.common.hash.Hashing;
import io.pvfhost.common.params.ExecutorParams;
import java.util.Arrays;

/**
 * The reference's {@code ExecutorParamsHash}: blake2b-256 of all executor parameters, encoded. An
 * execute worker is bound to one; it serves only jobs with the same hash.
 */
public record ExecutorParamsHash(byte[] bytes) {

    public ExecutorParamsHash {
        bytes = bytes.clone();
    }

    public static ExecutorParamsHash of(ExecutorParams params) {
        return new ExecutorParamsHash(Hashing.blake2b256(params.encode()));
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExecutorParamsHash h && Arrays.equals(bytes, h.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "params " + Hex.toHex(bytes).substring(0, 10);
    }
}
