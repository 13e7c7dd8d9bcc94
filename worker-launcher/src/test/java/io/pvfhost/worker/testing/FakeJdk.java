package io.pvfhost.worker.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A JDK home whose {@code bin/java} is a shell script that plays a class cache training and its
 * check (AOT cache or AppCDS options alike) as told by a {@code -Dmode=} option, for tests of the
 * training's process handling without a real JDK (a real training is in the host tests:
 * ClassCacheHostTest):
 * <ul>
 *   <li>{@code ok}: the training writes "cache" to its {@code -XX:AOTCacheOutput} (or {@code
 *       -XX:ArchiveClassesAtExit}) file; the check ({@code -XX:AOTMode=on}, {@code -Xshare:on})
 *       passes for a file that says "cache" and fails for any other;
 *   <li>{@code badcheck}: the same, but every check fails;
 *   <li>{@code fail}: the training leaves the JVM's {@code .config} file, says "Error: boom" and exits 3;
 *   <li>{@code nofile}: the training exits 0 and writes nothing;
 *   <li>{@code sleep}: the training sleeps 30 s.
 * </ul>
 * The training's preparation step ({@code --prepare}) exits 0 (sleeps in {@code sleep} mode).
 * Each run first prints a line like the AOT writer's many warnings.
 */
public final class FakeJdk {
    static final String JAVA = """
            #!/bin/sh
            mode=""; out=""; cache=""; check=""
            for a in "$@"; do
              case "$a" in
                -Dmode=*) mode="${a#-Dmode=}" ;;
                -XX:AOTCacheOutput=*) out="${a#-XX:AOTCacheOutput=}" ;;
                -XX:ArchiveClassesAtExit=*) out="${a#-XX:ArchiveClassesAtExit=}" ;;
                -XX:AOTCache=*) cache="${a#-XX:AOTCache=}" ;;
                -XX:SharedArchiveFile=*) cache="${a#-XX:SharedArchiveFile=}" ;;
                -XX:AOTMode=on|-Xshare:on) check=1 ;;
              esac
            done
            echo "[0.101s][warning][aot] Skipping org/example/Noise: Unlinked class not supported by AOTClassLinking"
            for a in "$@"; do
              if [ "$a" = --prepare ]; then
                [ "$mode" = sleep ] && exec /bin/sleep 30
                exit 0
              fi
            done
            if [ -n "$check" ]; then
              content=""
              IFS= read -r content < "$cache" || true
              if [ "$mode" = badcheck ] || [ "$content" != cache ]; then
                echo "An error has occurred while processing the AOT cache"; exit 1
              fi
              exit 0
            fi
            case "$mode" in
              ok|badcheck) printf 'cache' > "$out"; exit 0 ;;
              fail) : > "$out.config"; echo "Error: boom" >&2; exit 3 ;;
              nofile) exit 0 ;;
              sleep) exec /bin/sleep 30 ;;
            esac
            exit 99
            """;

    private FakeJdk() {}

    /** Makes the JDK home {@code home} (of version {@code javaVersion}, e.g. "25.0.3") and returns its bin/java. */
    public static Path make(Path home, String javaVersion) throws IOException {
        Path java = home.resolve("bin/java");
        Files.createDirectories(java.getParent());
        Files.writeString(java, JAVA);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwx------"));
        Files.writeString(home.resolve("release"), "JAVA_RUNTIME_VERSION=\"" + javaVersion + "+1-fake\"\nJAVA_VERSION=\""
                + javaVersion + "\"\n");
        return java;
    }
}
