package io.pvfhost.common.types;

import io.pvfhost.common.Hex;
import io.pvfhost.common.scale.ScaleReader;
import io.pvfhost.common.scale.ScaleWriter;
import java.util.Arrays;
import java.util.Objects;

/**
 * The input of {@code validate_block}, SCALE-encoded as the reference's {@code ValidationParams}:
 * parent head (bytes), block data (bytes), relay parent number (u32), relay parent storage root
 * (32 bytes).
 *
 * <p>The arrays are not copied (block data can be tens of MiB): treat them as immutable.
 */
public record ValidationParams(
        byte[] parentHead, byte[] blockData, long relayParentNumber, byte[] relayParentStorageRoot) {

    /** Max head data (section 4 of the reference facts). */
    public static final int MAX_PARENT_HEAD = 1024 * 1024;
    /**
     * The PoV bomb limit. Block data arrives here already decompressed by the host, and the
     * decompression is bounded by this limit, so nothing legitimate is larger.
     */
    public static final int MAX_BLOCK_DATA = 40 * 1024 * 1024;

    public ValidationParams {
        Objects.requireNonNull(parentHead, "parentHead");
        Objects.requireNonNull(blockData, "blockData");
        Objects.requireNonNull(relayParentStorageRoot, "relayParentStorageRoot");
        if (relayParentNumber < 0 || relayParentNumber > 0xffff_ffffL) {
            throw new IllegalArgumentException("relay parent number is not a u32: " + relayParentNumber);
        }
        if (relayParentStorageRoot.length != 32) {
            throw new IllegalArgumentException("relay parent storage root must be 32 bytes, not "
                    + relayParentStorageRoot.length);
        }
    }

    public byte[] encode() {
        return new ScaleWriter(parentHead.length + blockData.length + 48)
                .bytes(parentHead)
                .bytes(blockData)
                .u32(relayParentNumber)
                .raw(relayParentStorageRoot)
                .toByteArray();
    }

    /** Strict decode: bounded lengths, no trailing bytes. */
    public static ValidationParams decode(byte[] encoded) {
        ScaleReader r = new ScaleReader(encoded);
        ValidationParams p = new ValidationParams(r.bytes(MAX_PARENT_HEAD), r.bytes(MAX_BLOCK_DATA), r.u32(), r.fixed(32));
        r.expectEnd();
        return p;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ValidationParams p
                && relayParentNumber == p.relayParentNumber
                && Arrays.equals(parentHead, p.parentHead)
                && Arrays.equals(blockData, p.blockData)
                && Arrays.equals(relayParentStorageRoot, p.relayParentStorageRoot);
    }

    @Override
    public int hashCode() {
        int h = Arrays.hashCode(parentHead);
        h = 31 * h + Arrays.hashCode(blockData);
        h = 31 * h + Long.hashCode(relayParentNumber);
        return 31 * h + Arrays.hashCode(relayParentStorageRoot);
    }

    @Override
    public String toString() {
        return "ValidationParams[parentHead=" + Hex.abbreviate(parentHead, 128)
                + ", blockData=" + Hex.abbreviate(blockData, 64)
                + ", relayParentNumber=" + relayParentNumber
                + ", relayParentStorageRoot=" + Hex.toHex(relayParentStorageRoot) + "]";
    }
}
