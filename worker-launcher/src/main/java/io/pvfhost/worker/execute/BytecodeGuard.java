package io.pvfhost.worker.execute;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks an artifact's classes, each before it is defined (the execute worker checks a class just
 * before it defines it; {@link #check} checks them all at once): they may reference only the wasm
 * runtime, each other, and a short list of pure JDK members. Everything a class can touch goes
 * through its constant pool, so checking the pool is complete: a class that names files, sockets,
 * reflection, class loaders, processes or threads (beyond reading the interrupt flag) is refused,
 * as are method handles and invokedynamic, which could reach anything.
 *
 * <p>The checksum proves an artifact is the file the host recorded; this proves that even a
 * recorded file cannot do more than wasm can.
 */
public final class BytecodeGuard {

    /** The artifact holds a class that references something outside the allowed set. */
    public static final class RejectedBytecodeException extends Exception {
        public RejectedBytecodeException(String message) {
            super(message);
        }
    }

    private static final String[] ALLOWED_PACKAGES = {"com/dylibso/chicory/runtime/", "com/dylibso/chicory/wasm/"};
    /** JDK classes whose every member is pure computation on values. */
    private static final Set<String> PURE_CLASSES = Set.of(
            "java/lang/Object", "java/lang/Boolean", "java/lang/Byte", "java/lang/Short", "java/lang/Character",
            "java/lang/Integer", "java/lang/Long", "java/lang/Float", "java/lang/Double", "java/lang/Math",
            "java/lang/StrictMath", "java/lang/String", "java/lang/Number", "java/util/Arrays", "java/util/List");
    /** Single members of otherwise forbidden JDK classes, as owner.name. */
    private static final Set<String> ALLOWED_MEMBERS = Set.of(
            "java/lang/System.getProperty", "java/lang/System.arraycopy",
            "java/lang/Thread.currentThread", "java/lang/Thread.isInterrupted");
    /** Exception and error types may be thrown and caught. */
    private static final Pattern THROWABLES = Pattern.compile("java/lang/[A-Za-z]*(Exception|Error)|java/lang/Throwable");

    private BytecodeGuard() {}

    public static void check(Map<String, byte[]> classes) throws RejectedBytecodeException {
        for (var e : classes.entrySet()) {
            checkOne(e.getKey(), e.getValue(), classes.keySet());
        }
    }

    /**
     * Checks one class of an artifact whose classes are named {@code own} (binary names): the
     * execute worker checks each class just before it defines it.
     */
    public static void checkOne(String name, byte[] bytes, java.util.Set<String> own) throws RejectedBytecodeException {
        try {
            checkClass(bytes, own);
        } catch (IOException | RuntimeException ex) {
            throw new RejectedBytecodeException("class " + name + " is not a readable class file: " + ex);
        }
    }

    private static void checkClass(byte[] bytes, java.util.Set<String> own) throws IOException, RejectedBytecodeException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        if (in.readInt() != 0xCAFEBABE) {
            throw new RejectedBytecodeException("not a class file (bad magic)");
        }
        in.readUnsignedShort(); // minor
        in.readUnsignedShort(); // major
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        int[] classNameIndex = new int[count];
        int[][] refs = new int[count][]; // {classIndex, nameAndTypeIndex}
        int[] nameOfNameAndType = new int[count];
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 3, 4 -> in.readInt();
                case 5, 6 -> {
                    in.readLong();
                    i++; // takes two slots
                }
                case 7 -> classNameIndex[i] = in.readUnsignedShort();
                case 8, 16 -> {
                    int idx = in.readUnsignedShort();
                    if (tag == 16) {
                        throw new RejectedBytecodeException("method type constants are not allowed (" + idx + ")");
                    }
                }
                case 9, 10, 11 -> refs[i] = new int[] {in.readUnsignedShort(), in.readUnsignedShort()};
                case 12 -> {
                    nameOfNameAndType[i] = in.readUnsignedShort();
                    in.readUnsignedShort();
                }
                case 15 -> throw new RejectedBytecodeException("method handle constants are not allowed");
                case 17, 18 -> throw new RejectedBytecodeException("invokedynamic and dynamic constants are not allowed");
                case 19, 20 -> throw new RejectedBytecodeException("module constants are not allowed");
                default -> throw new RejectedBytecodeException("unknown constant pool tag " + tag);
            }
        }
        for (int i = 1; i < count; i++) {
            if (classNameIndex[i] != 0) {
                String name = utf8At(utf8, classNameIndex[i]);
                if (!classAllowed(name, own) && !hasAllowedMember(name)) {
                    throw new RejectedBytecodeException("references class " + name);
                }
            }
            if (refs[i] != null) {
                String owner = utf8At(utf8, classNameIndex[refs[i][0]]);
                String member = utf8At(utf8, nameOfNameAndType[refs[i][1]]);
                if (!classAllowed(owner, own) && !ALLOWED_MEMBERS.contains(owner + "." + member)) {
                    throw new RejectedBytecodeException("references " + owner.replace('/', '.') + "." + member);
                }
            }
        }
    }

    private static String utf8At(String[] utf8, int index) throws RejectedBytecodeException {
        if (index <= 0 || index >= utf8.length || utf8[index] == null) {
            throw new RejectedBytecodeException("bad constant pool reference " + index);
        }
        return utf8[index];
    }

    private static boolean hasAllowedMember(String owner) {
        for (String m : ALLOWED_MEMBERS) {
            if (m.startsWith(owner + ".")) {
                return true;
            }
        }
        return false;
    }

    static boolean classAllowed(String name, java.util.Set<String> own) {
        String n = name;
        while (n.startsWith("[")) {
            n = n.substring(1);
        }
        if (n.length() == 1) {
            return true; // primitive array
        }
        if (n.startsWith("L") && n.endsWith(";")) {
            n = n.substring(1, n.length() - 1);
        }
        if (own.contains(n.replace('/', '.')) || PURE_CLASSES.contains(n) || THROWABLES.matcher(n).matches()) {
            return true;
        }
        for (String p : ALLOWED_PACKAGES) {
            if (n.startsWith(p)) {
                return true;
            }
        }
        return false;
    }
}
