package io.pvfhost.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ProbeClassPathTest {
    private static String cp(String... entries) {
        return String.join(java.io.File.pathSeparator, entries);
    }

    @Test
    void theWorkersClassPathComesFirstAndTheBenchsOwnJarsAfterIt() {
        // the workers' jars are snapshot copies: a jar of the bench's class path with the same file
        // name is the same jar and is not added again
        String workers = cp("/w/lib/0/pvf-common-1.jar", "/w/lib/1/pvf-worker-launcher-1.jar");
        String bench = cp("/m2/pvf-host-actors-1.jar", "/m2/pvf-common-1.jar", "/m2/pvf-worker-launcher-1.jar",
                "/m2/pvf-bench-1.jar", "");
        assertEquals(cp("/w/lib/0/pvf-common-1.jar", "/w/lib/1/pvf-worker-launcher-1.jar", "/m2/pvf-host-actors-1.jar",
                "/m2/pvf-bench-1.jar"), BenchCommand.probeClassPath(workers, bench));
    }

    @Test
    void aWholeClassPathStaysAsItIs() {
        String workers = cp("/w/lib/0/a.jar", "/w/lib/1/b.jar", "/w/classes");
        assertEquals(workers, BenchCommand.probeClassPath(workers, cp("/m2/a.jar", "/m2/b.jar", "/w/classes")));
    }
}
