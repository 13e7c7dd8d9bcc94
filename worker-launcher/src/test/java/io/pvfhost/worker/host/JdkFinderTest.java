package io.pvfhost.worker.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdkFinderTest {
    @TempDir
    Path jvms;

    Path fakeJdk(String name, String version, boolean withJava) throws Exception {
        Path home = jvms.resolve(name);
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"x\"\nJAVA_VERSION=\"" + version + "\"\n");
        if (withJava) {
            Path java = home.resolve("bin/java");
            Files.writeString(java, "#!/bin/sh\n");
            Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return home;
    }

    @Test
    void shouldPickTheNewestJdkOfAtLeast25() throws Exception {
        Path own = fakeJdk("jdk-17", "17.0.15", true);
        fakeJdk("jdk-25", "25.0.1", true);
        fakeJdk("jdk-26", "26", true);
        fakeJdk("jdk-21", "21.0.2", true);
        var found = JdkFinder.findPreferred(own, List.of());
        assertTrue(found.isPresent());
        assertEquals(26, found.get().major());
        assertEquals(jvms.resolve("jdk-26").toRealPath(), found.get().home());
    }

    @Test
    void shouldFindNothingWithoutANewEnoughJdkWithJava() throws Exception {
        Path own = fakeJdk("jdk-17", "17.0.15", true);
        fakeJdk("jdk-21", "21", true);
        fakeJdk("jdk-25-jre-less", "25", false);
        jvms.resolve("not-a-jdk").toFile().mkdirs();
        assertTrue(JdkFinder.findPreferred(own, List.of(Path.of("/nonexistent"))).isEmpty());
    }

    @Test
    void shouldPreferTheHostsOwnJdkWhenItIsNewEnough() throws Exception {
        Path own = fakeJdk("own", "25.0.1", true);
        var found = JdkFinder.findPreferred(own, List.of());
        assertEquals(own.toRealPath(), found.orElseThrow().home());
    }
}
