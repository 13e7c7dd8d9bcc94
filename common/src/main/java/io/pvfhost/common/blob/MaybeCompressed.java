package io.pvfhost.common.blob;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdException;
import com.github.luben.zstd.ZstdInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Blobs that may be zstd-compressed, as Substrate stores code and PoVs
 * ({@code sp-maybe-compressed-blob}): an 8-byte magic prefix and then zstd data, or, without the
 * prefix, the bytes themselves.
 *
 * <p>Decompression follows the reference: it reads at most {@code limit + 1} bytes and fails as a
 * possible bomb if it gets them. Real frames carry no content size and a header could lie, so the
 * output buffer grows with what actually comes out and is never sized from the header. A blob
 * without the prefix is returned as it is, whatever its size: the reference does not check the
 * limit in that case either.
 */
public final class MaybeCompressed {
    /**
     * The prefix of a compressed blob. Public for callers that build blobs; this class checks
     * against its own copy, so writing into this array cannot change what is accepted.
     */
    public static final byte[] MAGIC = {0x52, (byte) 0xbc, 0x53, 0x76, 0x46, (byte) 0xdb, (byte) 0x8e, 0x05};

    private static final byte[] PREFIX = MAGIC.clone();
    /** The largest Java array we can return. */
    private static final int MAX_OUTPUT = Integer.MAX_VALUE - 16;
    private static final int CHUNK = 64 * 1024;

    private MaybeCompressed() {}

    public static boolean isCompressed(byte[] blob) {
        return blob.length >= PREFIX.length && Arrays.equals(blob, 0, PREFIX.length, PREFIX, 0, PREFIX.length);
    }

    /**
     * The blob's content: {@code blob} itself (not a copy) without the prefix, else the
     * decompressed zstd data, which must not exceed {@code bombLimit} bytes.
     *
     * @throws DecompressionException {@code BOMB} when more than {@code bombLimit} bytes would come
     *     out, {@code CORRUPT} when the data after the prefix is not a complete zstd stream
     */
    public static byte[] decompress(byte[] blob, long bombLimit) {
        if (bombLimit < 0) {
            throw new IllegalArgumentException("negative bomb limit " + bombLimit);
        }
        if (!isCompressed(blob)) {
            return blob;
        }
        int payload = blob.length - PREFIX.length;
        if (payload == 0) {
            throw new DecompressionException(DecompressionException.Kind.CORRUPT, "compressed blob has no zstd frame");
        }
        // Java arrays stop short of 2 GiB; a limit above that is effectively that.
        int limit = (int) Math.min(bombLimit, MAX_OUTPUT - 1);
        try (InputStream in = new ZstdInputStream(new ByteArrayInputStream(blob, PREFIX.length, payload))) {
            byte[] out = new byte[(int) Math.min((long) limit + 1, Math.max(CHUNK, blob.length))];
            int size = 0;
            while (true) {
                if (size == out.length) {
                    if (size > limit) {
                        break;
                    }
                    out = Arrays.copyOf(out, (int) Math.min((long) limit + 1, 2L * out.length));
                }
                int n = in.read(out, size, out.length - size);
                if (n < 0) {
                    break;
                }
                size += n;
            }
            if (size > limit) {
                throw new DecompressionException(DecompressionException.Kind.BOMB, "possible compression bomb: more than "
                        + limit + " bytes from a " + blob.length + "-byte blob");
            }
            return size == out.length ? out : Arrays.copyOf(out, size);
        } catch (IOException | ZstdException e) {
            throw new DecompressionException(DecompressionException.Kind.CORRUPT, "invalid zstd data in compressed blob: "
                    + e.getMessage(), e);
        }
    }

    /**
     * The prefix and one zstd frame of {@code raw}, for tests and tools. Unlike the reference's
     * {@code compress}, it does not refuse blobs over a limit; callers that care check the size.
     */
    public static byte[] compress(byte[] raw, int level) {
        byte[] frame = Zstd.compress(raw, level);
        byte[] out = Arrays.copyOf(PREFIX, PREFIX.length + frame.length);
        System.arraycopy(frame, 0, out, PREFIX.length, frame.length);
        return out;
    }
}
