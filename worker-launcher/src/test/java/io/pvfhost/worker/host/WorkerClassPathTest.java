package io.pvfhost.worker.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerClassPathTest {
    private static final String HOST = String.join(java.io.File.pathSeparator,
            "/app/lib/pvf-host-actors-0.1.0.jar",
            "/m2/io/pvfhost/pvf-common-0.1.0.jar",
            "/m2/com/dylibso/chicory/runtime/1.7.5/runtime-1.7.5.jar",
            "",
            "/m2/org/scala-lang/scala-library-2.13.8.jar",
            "/app/lib/pvf-worker-launcher-0.1.0.jar",
            "/m2/com/typesafe/akka/akka-actor_2.13-2.6.21.jar");

    @Test
    void keepsOnlyTheNeededJarsInTheHostsOrder() {
        var choice = WorkerClassPath.select(HOST,
                List.of("pvf-worker-launcher-0.1.0.jar", "runtime-1.7.5.jar", "pvf-common-0.1.0.jar"),
                Map.of("com.dylibso.chicory.runtime.Instance", Path.of("/m2/com/dylibso/chicory/runtime/1.7.5/runtime-1.7.5.jar")));
        assertNull(choice.wholeBecause());
        assertEquals(String.join(java.io.File.pathSeparator, "/m2/io/pvfhost/pvf-common-0.1.0.jar",
                "/m2/com/dylibso/chicory/runtime/1.7.5/runtime-1.7.5.jar", "/app/lib/pvf-worker-launcher-0.1.0.jar"),
                choice.classPath());
    }

    @Test
    void aNeededJarMissingByNameGivesTheWholeClassPath() {
        var choice = WorkerClassPath.select(HOST, List.of("pvf-worker-launcher-0.1.0.jar", "zstd-jni-1.5.7-6.jar"), Map.of());
        assertEquals(HOST, choice.classPath());
        assertNotNull(choice.wholeBecause());
        assertTrue(choice.wholeBecause().contains("zstd-jni-1.5.7-6.jar"), choice.wholeBecause());
    }

    @Test
    void anEmptyListGivesTheWholeClassPath() {
        var choice = WorkerClassPath.select(HOST, List.of(), Map.of());
        assertEquals(HOST, choice.classPath());
        assertNotNull(choice.wholeBecause());
    }

    @Test
    void aJarOfTheRightNameThatIsNotTheOneTheLibraryCameFromGivesTheWholeClassPath() {
        // the host runs Chicory from runtime-1.7.6.jar; an unrelated runtime-1.7.5.jar has the listed name
        String host = String.join(java.io.File.pathSeparator, "/other/runtime-1.7.5.jar", "/m2/runtime-1.7.6.jar",
                "/app/lib/pvf-worker-launcher-0.1.0.jar");
        var choice = WorkerClassPath.select(host, List.of("pvf-worker-launcher-0.1.0.jar", "runtime-1.7.5.jar"),
                Map.of("com.dylibso.chicory.runtime.Instance", Path.of("/m2/runtime-1.7.6.jar")));
        assertEquals(host, choice.classPath());
        assertTrue(choice.wholeBecause().contains("com.dylibso.chicory.runtime.Instance"), choice.wholeBecause());
        // and a class that comes from no class path entry at all
        var nowhere = WorkerClassPath.select(host, List.of("pvf-worker-launcher-0.1.0.jar"),
                java.util.Collections.singletonMap("x.Y", null));
        assertEquals(host, nowhere.classPath());
    }

    @Test
    void theBuildListsTheWorkersDependenciesByFileName() throws Exception {
        List<String> jars = WorkerClassPath.dependencyJars();
        // what a worker cannot start or run without, and nothing of the host's actors
        for (String needed : List.of("pvf-common-", "pvf-artifacts-", "wasm-1.7.5.jar", "runtime-1.7.5.jar",
                "compiler-1.7.5.jar", "zstd-jni-", "pvf-bouncycastle-")) {
            assertTrue(jars.stream().anyMatch(j -> j.startsWith(needed)), needed + " missing from " + jars);
        }
        assertTrue(jars.stream().noneMatch(j -> j.startsWith("akka-") || j.startsWith("scala-")), jars.toString());
        // BouncyCastle's signed release jar costs a fresh JVM ~400 ms at its first class: workers get our unsigned subset
        assertTrue(jars.stream().noneMatch(j -> j.startsWith("bcprov-")), jars.toString());
        assertTrue(jars.stream().allMatch(j -> j.endsWith(".jar") && !j.contains("/")), jars.toString());
    }

    @Test
    void classFoldersGiveTheWholeClassPath() {
        // in this test the worker classes come from target/classes, not from a jar
        String host = System.getProperty("java.class.path");
        var choice = WorkerClassPath.of(host);
        org.junit.jupiter.api.Assumptions.assumeFalse(
                WorkerClassPath.class.getProtectionDomain().getCodeSource().getLocation().getPath().endsWith(".jar"),
                "run from jars, not class folders");
        assertEquals(host, choice.classPath());
        assertNotNull(choice.wholeBecause());
    }
}
