package io.pvfhost.worker;

/**
 * What {@code pvfs/trieproof.wasm} returns, whatever its params: a ValidationResult whose head data
 * is its six proof verdicts 1 0 1 0 1 1 (see trieproof.wat), with no code, no messages, zero
 * processed messages and watermark. Shared by the class cache training and the bench.
 */
public final class TrieproofVectors {
    private TrieproofVectors() {}

    public static byte[] expected() {
        byte[] expected = new byte[18];
        expected[0] = 6 << 2; // compact length of the 6-byte head data
        System.arraycopy(new byte[] {1, 0, 1, 0, 1, 1}, 0, expected, 1, 6);
        return expected;
    }
}
