package io.pvfhost.worker.execute.version;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The section layout of a wasm module, read the way the reference reads a runtime blob before it
 * looks at its custom sections ({@code RuntimeBlob::new}, which is parity-wasm's
 * {@code deserialize_buffer::<Module>}), as far as the layout goes:
 *
 * <ul>
 *   <li>the magic {@code \0asm} and version 1 (a 4-byte little-endian word);</li>
 *   <li>sections until the input ends, each an id byte and a LEB128 u32 size (parity-wasm's
 *       reading: at most 5 bytes, over-long forms allowed, the fifth byte below 0x10), whose
 *       bytes must all be present; ids above 12 are refused;</li>
 *   <li>non-custom sections in the order type, import, function, table, memory, global, export,
 *       start, element, data count, code, data, none twice;</li>
 *   <li>a custom section's name is a LEB128 length and that many bytes of valid UTF-8 inside the
 *       section; the rest is its payload;</li>
 *   <li>the start and data-count sections hold exactly one LEB128 u32;</li>
 *   <li>the function section's entry count equals the code section's body count (an absent
 *       section counts 0).</li>
 * </ul>
 *
 * <p>Not checked: the entries inside the other sections (types, imports, function bodies and
 * their instructions, ...), which parity-wasm also decodes and can refuse. A module malformed
 * only there is read here but refused by the reference.
 */
public final class WasmSections {

    /** The module cannot be read. */
    public static final class MalformedWasmException extends Exception {
        MalformedWasmException(String message) {
            super(message);
        }
    }

    /** One custom section: its name and where its payload lies in the module bytes. */
    public record CustomSection(String name, int payloadOffset, int payloadLength) {}

    private static final byte[] MAGIC = {0x00, 0x61, 0x73, 0x6d};
    private static final int ID_FUNCTION = 3;
    private static final int ID_START = 8;
    private static final int ID_CODE = 10;
    private static final int ID_DATA_COUNT = 12;

    private final byte[] module;
    private final List<CustomSection> customSections;

    private WasmSections(byte[] module, List<CustomSection> customSections) {
        this.module = module;
        this.customSections = List.copyOf(customSections);
    }

    /** Custom sections in module order. */
    public List<CustomSection> customSections() {
        return customSections;
    }

    /** {@code RuntimeBlob::custom_section_contents}: the payload of the first custom section with this name. */
    public Optional<byte[]> customSection(String name) {
        for (CustomSection cs : customSections) {
            if (cs.name().equals(name)) {
                return Optional.of(Arrays.copyOfRange(module, cs.payloadOffset(), cs.payloadOffset() + cs.payloadLength()));
            }
        }
        return Optional.empty();
    }

    /** Reads the section layout; the module array is kept, not copied. */
    public static WasmSections read(byte[] module) throws MalformedWasmException {
        Cursor c = new Cursor(module, 0, module.length);
        if (!Arrays.equals(c.take(4, "magic"), MAGIC)) {
            throw new MalformedWasmException("not a wasm module: bad magic");
        }
        long version = c.u32le();
        if (version != 1) {
            throw new MalformedWasmException("unsupported wasm version " + version);
        }
        List<CustomSection> customs = new ArrayList<>();
        int lastOrder = 0;
        long functionCount = 0;
        long codeCount = 0;
        while (c.remaining() > 0) {
            int id = c.u8();
            if (id > ID_DATA_COUNT) {
                throw new MalformedWasmException("invalid section id " + id);
            }
            int size = c.varU32AsSize("section size");
            Cursor body = new Cursor(module, c.pos, size);
            c.pos += size;
            if (id == 0) {
                int nameLength = body.varU32AsSize("custom section name length");
                String name = utf8(body.take(nameLength, "custom section name"));
                customs.add(new CustomSection(name, body.pos, body.remaining()));
                continue;
            }
            int order = order(id);
            if (lastOrder > order) {
                throw new MalformedWasmException("section " + id + " out of order");
            }
            if (lastOrder == order) {
                throw new MalformedWasmException("duplicated section " + id);
            }
            lastOrder = order;
            switch (id) {
                case ID_FUNCTION -> functionCount = body.varU32("function count");
                case ID_CODE -> codeCount = body.varU32("code body count");
                case ID_START, ID_DATA_COUNT -> {
                    body.varU32("section " + id + " value");
                    if (body.remaining() != 0) {
                        throw new MalformedWasmException("section " + id + " has " + body.remaining() + " extra bytes");
                    }
                }
                default -> {
                    // Entries not decoded: see the class documentation.
                }
            }
        }
        if (functionCount != codeCount) {
            throw new MalformedWasmException(functionCount + " functions declared but " + codeCount + " code bodies");
        }
        return new WasmSections(module, customs);
    }

    /** parity-wasm's {@code Section::order}: the data count section sits between element and code. */
    private static int order(int id) {
        return switch (id) {
            case ID_DATA_COUNT -> 10;
            case ID_CODE -> 11;
            case 11 -> 12;
            default -> id;
        };
    }

    private static String utf8(byte[] bytes) throws MalformedWasmException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new MalformedWasmException("custom section name is not valid UTF-8");
        }
    }

    /** Bounded reads over {@code [pos, end)} of the module. */
    private static final class Cursor {
        private final byte[] data;
        private final int end;
        int pos;

        Cursor(byte[] data, int offset, int length) {
            this.data = data;
            this.pos = offset;
            this.end = offset + length;
        }

        int remaining() {
            return end - pos;
        }

        int u8() throws MalformedWasmException {
            if (pos >= end) {
                throw new MalformedWasmException("unexpected end of input at offset " + pos);
            }
            return data[pos++] & 0xff;
        }

        long u32le() throws MalformedWasmException {
            byte[] b = take(4, "u32");
            return (b[0] & 0xffL) | (b[1] & 0xffL) << 8 | (b[2] & 0xffL) << 16 | (b[3] & 0xffL) << 24;
        }

        byte[] take(int n, String what) throws MalformedWasmException {
            if (n > remaining()) {
                throw new MalformedWasmException(what + " needs " + n + " bytes at offset " + pos + ", "
                        + remaining() + " remain");
            }
            byte[] out = Arrays.copyOfRange(data, pos, pos + n);
            pos += n;
            return out;
        }

        /** parity-wasm's {@code VarUint32::deserialize}. */
        long varU32(String what) throws MalformedWasmException {
            long result = 0;
            int shift = 0;
            while (true) {
                if (shift > 31) {
                    throw new MalformedWasmException("invalid LEB128 u32 (" + what + ") at offset " + pos);
                }
                int b = u8();
                result |= (long) (b & 0x7f) << shift;
                shift += 7;
                if ((b & 0x80) == 0) {
                    if (shift >= 32 && b >= 0x10) {
                        throw new MalformedWasmException("LEB128 u32 (" + what + ") out of range at offset " + pos);
                    }
                    return result;
                }
            }
        }

        /** A LEB128 u32 used as a length; over 2 GiB cannot fit the module anyway. */
        int varU32AsSize(String what) throws MalformedWasmException {
            long v = varU32(what);
            if (v > remaining()) {
                throw new MalformedWasmException(what + " " + v + " at offset " + pos + " runs past the input ("
                        + remaining() + " bytes remain)");
            }
            return (int) v;
        }
    }
}
