package io.pvfhost.worker.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pvfhost.artifacts.ClassCacheFiles;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassCacheTest {
    static final List<String> OPTIONS = List.of("-Xmx1g", "-XX:+UseSerialGC");
    static final Path FOLDER = Path.of("/var/cache/pvf");

    @TempDir
    Path dir;

    static WorkerSpec spec(List<String> options) {
        return new WorkerSpec(Path.of("/jdk/bin/java"), options, "/lib/a.jar:/lib/b.jar", WorkerSpec.MAIN_CLASS);
    }

    static ClassCache.Facts facts(int feature, ClassCache.Entry... entries) {
        return new ClassCache.Facts(Path.of("/jdk/bin/java"), feature, feature + ".0.3+9-LTS", List.of(entries));
    }

    static ClassCache.Entry jar(String path, long size, long time) {
        return new ClassCache.Entry(path, ClassCache.EntryKind.FILE, size, time);
    }

    static final ClassCache.Facts JDK25 = facts(25, jar("/lib/a.jar", 100, 1000), jar("/lib/b.jar", 200, 2000));

    private static String reason(ClassCache.Decision d) {
        return assertInstanceOf(ClassCache.Decision.None.class, d).reason();
    }

    @Test
    void shouldUseAnAotCacheNamedByItsKeyInTheFolderOnJdk25() {
        var use = assertInstanceOf(ClassCache.Decision.Use.class, ClassCache.decide(true, spec(OPTIONS), JDK25, FOLDER));
        assertTrue(use.key().matches("[0-9a-f]{32}"), use.key());
        assertEquals(ClassCache.Kind.AOT, use.kind());
        assertEquals(FOLDER.resolve(ClassCacheFiles.fileName(use.key(), ".aot")), use.file());
        assertEquals(use, ClassCache.decide(true, spec(OPTIONS), JDK25, FOLDER), "the same facts give the same file");
        assertInstanceOf(ClassCache.Decision.Use.class, ClassCache.decide(true, spec(OPTIONS), facts(26, jar("/a.jar", 1, 1)), FOLDER));
    }

    @Test
    void shouldUseAnAppCdsArchiveOnJdk17To24() {
        for (int feature : new int[] {17, 21, 24}) {
            var use = assertInstanceOf(ClassCache.Decision.Use.class,
                    ClassCache.decide(true, spec(OPTIONS), facts(feature, jar("/a.jar", 1, 1)), FOLDER));
            assertEquals(ClassCache.Kind.APPCDS, use.kind());
            assertEquals(FOLDER.resolve(ClassCacheFiles.fileName(use.key(), ".jsa")), use.file());
        }
    }

    @Test
    void shouldUseNoCacheWhenOffOnAnOlderOrUnknownJdkOrWithFoldersOnTheClassPath() {
        assertEquals("turned off", reason(ClassCache.decide(false, spec(OPTIONS), JDK25, FOLDER)));
        assertEquals("the workers run on JDK 11; a class cache needs JDK 17 or later",
                reason(ClassCache.decide(true, spec(OPTIONS), facts(11, jar("/a.jar", 1, 1)), FOLDER)));
        assertTrue(reason(ClassCache.decide(true, spec(OPTIONS), facts(0), FOLDER)).contains("is unknown"));
        var withClasses = facts(25, jar("/a.jar", 1, 1), new ClassCache.Entry("/m/target/classes", ClassCache.EntryKind.FOLDER, -1, -1));
        assertTrue(reason(ClassCache.decide(true, spec(OPTIONS), withClasses, FOLDER)).contains("/m/target/classes"));
        // an empty or missing entry does not stop the JVM from making a cache
        var harmless = facts(25, jar("/a.jar", 1, 1), new ClassCache.Entry("/empty", ClassCache.EntryKind.EMPTY_FOLDER, -1, -1),
                new ClassCache.Entry("/gone.jar", ClassCache.EntryKind.MISSING, -1, -1));
        assertInstanceOf(ClassCache.Decision.Use.class, ClassCache.decide(true, spec(OPTIONS), harmless, FOLDER));
    }

    @Test
    void shouldLeaveWorkersAloneWhoseOptionsChooseTheirOwnClassCache() {
        for (String o : List.of("-XX:AOTCache=/x.aot", "-XX:AOTMode=off", "-XX:SharedArchiveFile=/x.jsa", "-Xshare:off",
                "-XX:ArchiveClassesAtExit=/y.jsa", "-XX:AOTCacheOutput=/z.aot", "-XX:+AutoCreateSharedArchive")) {
            List<String> options = new ArrayList<>(OPTIONS);
            options.add(o);
            assertTrue(reason(ClassCache.decide(true, spec(options), JDK25, FOLDER)).contains(o), o);
        }
        // a look-alike is not one of them
        assertInstanceOf(ClassCache.Decision.Use.class, ClassCache.decide(true, spec(List.of("-XX:AOTCacheish")), JDK25, FOLDER));
    }

    @Test
    void anyChangeOfJdkClassPathOrOptionsShouldGiveAnotherKey() {
        String key = ClassCache.key(spec(OPTIONS), JDK25);
        List<String> others = List.of(
                ClassCache.key(spec(List.of("-Xmx2g", "-XX:+UseSerialGC")), JDK25),
                ClassCache.key(spec(List.of("-XX:+UseSerialGC", "-Xmx1g")), JDK25),
                ClassCache.key(spec(List.of("-Xmx1g", "-XX:+UseSerialGC", "-Dx=1")), JDK25),
                ClassCache.key(spec(List.of("-Xmx1g-XX:+UseSerialGC")), JDK25),
                ClassCache.key(spec(OPTIONS), new ClassCache.Facts(Path.of("/jdk2/bin/java"), 25, JDK25.runtimeVersion(), JDK25.classPath())),
                ClassCache.key(spec(OPTIONS), new ClassCache.Facts(JDK25.java(), 25, "25.0.4+1-LTS", JDK25.classPath())),
                ClassCache.key(spec(OPTIONS), facts(25, jar("/lib/a.jar", 101, 1000), jar("/lib/b.jar", 200, 2000))),
                ClassCache.key(spec(OPTIONS), facts(25, jar("/lib/a.jar", 100, 1001), jar("/lib/b.jar", 200, 2000))),
                ClassCache.key(spec(OPTIONS), facts(25, jar("/lib/a2.jar", 100, 1000), jar("/lib/b.jar", 200, 2000))),
                ClassCache.key(spec(OPTIONS), facts(25, jar("/lib/b.jar", 200, 2000), jar("/lib/a.jar", 100, 1000))),
                ClassCache.key(spec(OPTIONS), facts(25, jar("/lib/a.jar", 100, 1000))));
        for (String other : others) {
            assertNotEquals(key, other);
        }
        assertEquals(others.size(), others.stream().distinct().count());
        // what the JVM does not check is not in the key: the main class and the sandbox wrapper
        WorkerSpec wrapped = new WorkerSpec(Path.of("/jdk/bin/java"), OPTIONS, "/lib/a.jar:/lib/b.jar", "x.Other", List.of("unshare", "--net", "--"));
        assertEquals(key, ClassCache.key(wrapped, JDK25));
    }

    @Test
    void shouldReadTheJdkVersionFromItsReleaseFileThroughLinks() throws Exception {
        Path home = Files.createDirectories(dir.resolve("jdk-25/bin"));
        Path java = home.resolve("java");
        Files.writeString(java, "#!/bin/sh\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(dir.resolve("jdk-25/release"), "IMPLEMENTOR=\"x\"\nJAVA_RUNTIME_VERSION=\"25.0.3+9-LTS\"\nJAVA_VERSION=\"25.0.3\"\n");
        Path link = Files.createSymbolicLink(dir.resolve("java"), java);
        Path jar = Files.write(dir.resolve("a.jar"), new byte[42]);
        Files.setLastModifiedTime(jar, FileTime.fromMillis(1_700_000_000_000L));
        Path classes = Files.createDirectories(dir.resolve("classes/io"));
        Path empty = Files.createDirectories(dir.resolve("empty"));
        String cp = String.join(File.pathSeparator, jar.toString(), classes.getParent().toString(), empty.toString(),
                dir.resolve("gone.jar").toString(), "");

        var f = ClassCache.facts(new WorkerSpec(link, OPTIONS, cp, WorkerSpec.MAIN_CLASS));

        assertEquals(java.toRealPath(), f.java());
        assertEquals(25, f.feature());
        assertEquals("25.0.3+9-LTS", f.runtimeVersion());
        assertEquals(List.of(
                new ClassCache.Entry(jar.toString(), ClassCache.EntryKind.FILE, 42, 1_700_000_000_000L),
                new ClassCache.Entry(classes.getParent().toString(), ClassCache.EntryKind.FOLDER, -1, -1),
                new ClassCache.Entry(empty.toString(), ClassCache.EntryKind.EMPTY_FOLDER, -1, -1),
                new ClassCache.Entry(dir.resolve("gone.jar").toString(), ClassCache.EntryKind.MISSING, -1, -1)), f.classPath());

        Files.delete(dir.resolve("jdk-25/release"));
        var unknown = ClassCache.facts(new WorkerSpec(link, OPTIONS, jar.toString(), WorkerSpec.MAIN_CLASS));
        assertEquals(0, unknown.feature());
        assertEquals("", unknown.runtimeVersion());
    }

    @Test
    void shouldTakeTheFeatureVersionFromJavaVersion() {
        assertEquals(25, ClassCache.feature("25.0.3"));
        assertEquals(17, ClassCache.feature("17"));
        assertEquals(1, ClassCache.feature("1.8.0_402"));
        assertEquals(0, ClassCache.feature(""));
        assertEquals(0, ClassCache.feature("x25"));
    }

    @Test
    void shouldAddTheCacheToWorkersAndRunTrainingAndCheckWithTheWorkersJvm() {
        WorkerSpec s = new WorkerSpec(Path.of("/jdk/bin/java"), OPTIONS, "/lib/a.jar", WorkerSpec.MAIN_CLASS, List.of("unshare", "--"));
        Path file = Path.of("/c/pvf-class-cache-x.aot");
        WorkerSpec using = ClassCache.using(s, ClassCache.Kind.AOT, file);
        assertEquals(List.of("-Xmx1g", "-XX:+UseSerialGC", "-XX:AOTCache=/c/pvf-class-cache-x.aot"), using.jvmOptions());
        assertEquals(s.commandPrefix(), using.commandPrefix());
        assertEquals(s.mainClass(), using.mainClass());
        assertEquals(s.classPath(), using.classPath());
        assertEquals(List.of("/jdk/bin/java", "-Xmx1g", "-XX:+UseSerialGC", "-XX:AOTCacheOutput=/c/t.tmp", "-cp", "/lib/a.jar",
                ClassCache.TRAINING_MAIN, "/scratch"), ClassCache.trainingCommand(s, ClassCache.Kind.AOT, Path.of("/c/t.tmp"),
                Path.of("/scratch")));
        assertEquals(List.of("/jdk/bin/java", "-Xmx1g", "-XX:+UseSerialGC", "-XX:AOTCache=/c/t.tmp", "-XX:AOTMode=on", "-cp",
                "/lib/a.jar", ClassCache.TRAINING_MAIN, "--check"), ClassCache.checkCommand(s, ClassCache.Kind.AOT, Path.of("/c/t.tmp")));

        assertEquals("-XX:SharedArchiveFile=/c/x.jsa",
                ClassCache.using(s, ClassCache.Kind.APPCDS, Path.of("/c/x.jsa")).jvmOptions().get(2));
        assertEquals(List.of("/jdk/bin/java", "-Xmx1g", "-XX:+UseSerialGC", "-XX:ArchiveClassesAtExit=/c/t.tmp", "-cp", "/lib/a.jar",
                ClassCache.TRAINING_MAIN, "/scratch"), ClassCache.trainingCommand(s, ClassCache.Kind.APPCDS, Path.of("/c/t.tmp"),
                Path.of("/scratch")));
        assertEquals(List.of("/jdk/bin/java", "-Xmx1g", "-XX:+UseSerialGC", "-XX:SharedArchiveFile=/c/t.tmp", "-Xshare:on", "-cp",
                "/lib/a.jar", ClassCache.TRAINING_MAIN, "--check"), ClassCache.checkCommand(s, ClassCache.Kind.APPCDS, Path.of("/c/t.tmp")));
    }

    @Test
    void shouldPrepareTheTrainingsArtifactsInAJvmThatWritesNoCache() {
        WorkerSpec spec = new WorkerSpec(Path.of("/jdk/bin/java"), List.of("-Xmx1g"), "a.jar", WorkerSpec.MAIN_CLASS);
        List<String> prepare = ClassCache.preparationCommand(spec, Path.of("/s"));
        assertEquals(List.of("/jdk/bin/java", "-XX:-DontCompileHugeMethods", "-Xmx1g", "-cp", "a.jar", ClassCache.TRAINING_MAIN,
                ClassCache.TRAINING_PREPARE, "/s"), prepare);
        List<String> train = ClassCache.trainingCommand(spec, ClassCache.Kind.AOT, Path.of("/c.aot"), Path.of("/s"));
        assertEquals(List.of("/jdk/bin/java", "-Xmx1g", "-XX:AOTCacheOutput=/c.aot", "-cp", "a.jar", ClassCache.TRAINING_MAIN, "/s"),
                train);
    }
}
