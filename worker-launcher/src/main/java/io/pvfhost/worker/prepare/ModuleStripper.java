package io.pvfhost.worker.prepare;

import java.io.ByteArrayOutputStream;
import java.util.Set;

/**
 * Makes the copy of a module that an artifact stores beside the compiled classes: the compiled
 * classes replace the bodies of compiled functions, so those bodies become {@code unreachable} and
 * custom sections (names, debug info, runtime version) are dropped. What stays is what an
 * instance needs: types, imports, functions, tables, memory, globals, exports, elements, data, and
 * the real bodies of the functions the interpreter runs. Loading the stripped copy parses a
 * fraction of the bytes.
 *
 * <p>Works on the binary directly and only on a module that already passed validation.
 */
public final class ModuleStripper {
    private static final int CUSTOM = 0;
    private static final int CODE = 10;
    /** Body of a stripped function: no locals, unreachable, end. */
    private static final byte[] STUB_BODY = {0x00, 0x00, 0x0b};

    private ModuleStripper() {}

    public static byte[] strip(byte[] wasm, Set<Integer> keepBodiesOf, int importedFunctions) {
        Reader r = new Reader(wasm);
        ByteArrayOutputStream out = new ByteArrayOutputStream(wasm.length / 4);
        out.write(wasm, 0, 8); // magic and version
        r.pos = 8;
        while (r.pos < wasm.length) {
            int id = wasm[r.pos++] & 0xff;
            int size = (int) r.uleb();
            int start = r.pos;
            r.pos += size;
            if (id == CUSTOM) {
                continue;
            }
            byte[] content;
            if (id == CODE) {
                content = stripCode(wasm, start, size, keepBodiesOf, importedFunctions);
            } else {
                content = java.util.Arrays.copyOfRange(wasm, start, start + size);
            }
            out.write(id);
            writeUleb(out, content.length);
            out.writeBytes(content);
        }
        return out.toByteArray();
    }

    private static byte[] stripCode(byte[] wasm, int start, int size, Set<Integer> keep, int importedFunctions) {
        Reader r = new Reader(wasm);
        r.pos = start;
        long count = r.uleb();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeUleb(out, count);
        for (int i = 0; i < count; i++) {
            int bodySize = (int) r.uleb();
            int bodyStart = r.pos;
            r.pos += bodySize;
            if (keep.contains(importedFunctions + i)) {
                writeUleb(out, bodySize);
                out.write(wasm, bodyStart, bodySize);
            } else {
                writeUleb(out, STUB_BODY.length);
                out.writeBytes(STUB_BODY);
            }
        }
        if (r.pos != start + size) {
            throw new IllegalArgumentException("code section size mismatch");
        }
        return out.toByteArray();
    }

    private static void writeUleb(ByteArrayOutputStream out, long v) {
        do {
            int b = (int) (v & 0x7f);
            v >>>= 7;
            out.write(v != 0 ? b | 0x80 : b);
        } while (v != 0);
    }

    private static final class Reader {
        final byte[] b;
        int pos;

        Reader(byte[] b) {
            this.b = b;
        }

        long uleb() {
            long result = 0;
            int shift = 0;
            while (true) {
                int x = b[pos++] & 0xff;
                result |= (long) (x & 0x7f) << shift;
                if ((x & 0x80) == 0) {
                    return result;
                }
                shift += 7;
                if (shift > 35) {
                    throw new IllegalArgumentException("LEB128 too long at " + pos);
                }
            }
        }
    }
}
