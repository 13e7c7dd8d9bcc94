package io.pvfhost.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The machine and JDK a run was measured on: cores, memory, CPU model, OS, java. */
final class MachineInfo {
    private MachineInfo() {}

    static ObjectNode describe() {
        ObjectNode o = Report.JSON.createObjectNode();
        o.put("cores", Runtime.getRuntime().availableProcessors());
        long mem = memTotalBytes();
        o.set("memory", Report.figure(mem / (double) (1L << 30), "GiB"));
        o.put("cpuModel", cpuModel());
        o.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        o.put("benchJdk", jdk());
        o.put("benchJavaHome", System.getProperty("java.home"));
        o.put("loadAverageAtStart", loadAverage());
        return o;
    }

    /** The 1, 5 and 15 minute load averages (/proc/loadavg), or "unknown". */
    static String loadAverage() {
        List<String> l = lines(Path.of("/proc/loadavg"));
        if (l.isEmpty()) {
            return "unknown";
        }
        String[] parts = l.get(0).trim().split("\\s+");
        return parts.length >= 3 ? parts[0] + " " + parts[1] + " " + parts[2] : "unknown";
    }

    static String jdk() {
        return System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + " (" + System.getProperty("java.vendor") + ")";
    }

    static String cpuModel() {
        for (String line : lines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return "unknown";
    }

    static long memTotalBytes() {
        for (String line : lines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                return kbField(line);
            }
        }
        return Runtime.getRuntime().maxMemory();
    }

    /** Peak resident set (VmHWM) of a live process, in bytes; -1 when it cannot be read. */
    static long peakRssBytes(long pid) {
        for (String line : lines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return kbField(line);
            }
        }
        return -1;
    }

    private static long kbField(String line) {
        String[] parts = line.substring(line.indexOf(':') + 1).trim().split("\\s+");
        return Long.parseLong(parts[0]) * 1024;
    }

    private static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
