package io.pvfhost.cli;

import io.pvfhost.common.Hex;
import io.pvfhost.common.scale.ScaleException;
import io.pvfhost.common.types.ValidationParams;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the files named on the command line; every problem is a {@link UsageException} naming the option. */
final class Inputs {
    private Inputs() {}

    static void requireReadableFile(Path file, String option) throws UsageException {
        if (!Files.exists(file)) {
            throw new UsageException(option + " " + file + ": no such file");
        }
        if (Files.isDirectory(file)) {
            throw new UsageException(option + " " + file + ": is a folder, not a file");
        }
        if (!Files.isReadable(file)) {
            throw new UsageException(option + " " + file + ": not readable");
        }
    }

    static byte[] read(Path file, String option) throws UsageException {
        requireReadableFile(file, option);
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UsageException(option + " " + file + ": cannot read: " + e.getMessage());
        }
    }

    /** Validation code as stored on chain (raw wasm or the maybe-compressed form); the host judges it. */
    static byte[] readCode(Path file) throws UsageException {
        byte[] code = read(file, "--code");
        if (code.length == 0) {
            throw new UsageException("--code " + file + ": the file is empty");
        }
        return code;
    }

    /** SCALE {@code ValidationParams}, as raw bytes or as hex text (see {@link #isHexText}). */
    static ValidationParams readParams(Path file) throws UsageException {
        byte[] bytes = read(file, "--params");
        if (bytes.length == 0) {
            throw new UsageException("--params " + file + ": the file is empty");
        }
        return decodeParams(bytes, "--params " + file);
    }

    static ValidationParams decodeParams(byte[] bytes, String what) throws UsageException {
        boolean hex = isHexText(bytes);
        byte[] encoded;
        if (hex) {
            try {
                encoded = Hex.decode(new String(bytes, StandardCharsets.US_ASCII));
            } catch (IllegalArgumentException e) {
                throw new UsageException(what + ": bad hex text: " + e.getMessage());
            }
        } else {
            encoded = bytes;
        }
        try {
            return ValidationParams.decode(encoded);
        } catch (ScaleException | IllegalArgumentException e) {
            throw new UsageException(what + ": not SCALE-encoded ValidationParams (read as "
                    + (hex ? "hex text" : "raw bytes") + ", " + encoded.length + " bytes): " + e.getMessage());
        }
    }

    /**
     * Whether the file is hex text: optional leading whitespace and {@code 0x}, then only hex
     * digits and whitespace. Raw SCALE params practically never look like that (the first byte,
     * the compact length of the parent head, would have to be a hex digit's character code, and
     * so would every byte after it).
     */
    static boolean isHexText(byte[] b) {
        int i = 0;
        while (i < b.length && isSpace(b[i])) {
            i++;
        }
        if (i + 1 < b.length && b[i] == '0' && (b[i + 1] == 'x' || b[i + 1] == 'X')) {
            i += 2;
        }
        for (; i < b.length; i++) {
            if (!isSpace(b[i]) && Character.digit(b[i], 16) < 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0b;
    }
}
