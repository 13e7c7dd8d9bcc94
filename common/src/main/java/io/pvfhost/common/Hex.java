package io.pvfhost.common;

import java.util.Arrays;
import java.util.HexFormat;

/** Lower-case hex as Substrate tools print it ({@code 0x...}), and a forgiving but strict parser. */
public final class Hex {
    private static final HexFormat LOWER = HexFormat.of();

    private Hex() {}

    /** {@code 0x} followed by lower-case hex. */
    public static String toHex(byte[] bytes) {
        return "0x" + LOWER.formatHex(bytes);
    }

    public static String toHexNoPrefix(byte[] bytes) {
        return LOWER.formatHex(bytes);
    }

    /**
     * For logs and {@code toString}: the whole value when it has at most {@code maxBytes} bytes,
     * else its first {@code maxBytes} bytes and the length, so a 10 MiB PoV does not flood a log.
     */
    public static String abbreviate(byte[] bytes, int maxBytes) {
        if (bytes.length <= maxBytes) {
            return toHex(bytes);
        }
        return toHex(Arrays.copyOf(bytes, maxBytes)) + "..(" + bytes.length + " bytes)";
    }

    /**
     * Parses hex with an optional {@code 0x}/{@code 0X} prefix; whitespace anywhere (line breaks in
     * files) is ignored. Odd digit counts and other characters are an {@link IllegalArgumentException}
     * that names the index in {@code text}.
     */
    public static byte[] decode(String text) {
        int i = 0;
        int n = text.length();
        while (i < n && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        if (i + 1 < n && text.charAt(i) == '0' && (text.charAt(i + 1) == 'x' || text.charAt(i + 1) == 'X')) {
            i += 2;
        }
        byte[] out = new byte[(n - i) / 2];
        int digits = 0;
        int high = 0;
        for (; i < n; i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                continue;
            }
            int d = nibble(c);
            if (d < 0) {
                throw new IllegalArgumentException("invalid hex character '" + c + "' at index " + i);
            }
            if ((digits & 1) == 0) {
                high = d;
            } else {
                out[digits >> 1] = (byte) (high << 4 | d);
            }
            digits++;
        }
        if ((digits & 1) != 0) {
            throw new IllegalArgumentException("odd number of hex digits (" + digits + ")");
        }
        return digits / 2 == out.length ? out : Arrays.copyOf(out, digits / 2);
    }

    private static int nibble(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
