package io.pvfhost.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * CPU time over a window: this JVM's (the host's, in the bench), its child processes' (the
 * workers'), and the whole machine's busy and idle time from {@code /proc/stat}, so a throughput
 * figure can say where the CPU went and whether the machine had any left.
 */
record CpuUse(long hostNanos, long workersNanos, long machineBusyTicks, long machineTotalTicks) {

    static CpuUse now() {
        long[] machine = machine(); // busy and total from one reading
        return new CpuUse(hostCpu(), workersCpu(), machine[0], machine[1]);
    }

    /** What was used between {@code start} and this sample. */
    CpuUse since(CpuUse start) {
        return new CpuUse(hostNanos - start.hostNanos, workersNanos - start.workersNanos,
                machineBusyTicks - start.machineBusyTicks, machineTotalTicks - start.machineTotalTicks);
    }

    /** Share of the machine's CPU time that was busy (any process), or -1 when /proc/stat is unreadable. */
    double machineBusyShare() {
        return machineTotalTicks <= 0 ? -1 : (double) machineBusyTicks / machineTotalTicks;
    }

    private static long hostCpu() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean s ? s.getProcessCpuTime() : -1;
    }

    /** CPU time of this JVM's live descendants (workers that exited in the window are missed: none do here). */
    private static long workersCpu() {
        return ProcessHandle.current().descendants()
                .mapToLong(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L))
                .sum();
    }

    /** {busy, total} jiffies of all CPUs; busy = total - idle - iowait. */
    private static long[] machine() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length && i <= 8; i++) { // user nice system idle iowait irq softirq steal
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }
}
