package io.pvfhost.artifacts;

import io.pvfhost.common.error.PrepareError;
import java.util.Map;
import java.util.Set;

/** What an artifact file holds: compiled code ready to load, or the error of a failed preparation. */
public sealed interface ArtifactContent {

    /**
     * A prepared module: the image of the validated module that an instance needs and, apart, the
     * bodies of the functions left to the interpreter because they did not fit a JVM method (both
     * opaque here; the worker's {@code ModuleImage} makes and reads them), the classes Chicory's
     * compiler produced, their main class, and which functions are interpreted.
     */
    record Compiled(byte[] moduleImage, byte[] interpretedBodies, String mainClass, Map<String, byte[]> classes,
            Set<Integer> interpretedFunctions) implements ArtifactContent {
        public Compiled {
            classes = Map.copyOf(classes);
            interpretedFunctions = Set.copyOf(interpretedFunctions);
        }

        /** A module with no interpreted bodies stored. */
        public Compiled(byte[] moduleImage, String mainClass, Map<String, byte[]> classes, Set<Integer> interpretedFunctions) {
            this(moduleImage, new byte[0], mainClass, classes, interpretedFunctions);
        }
    }

    /** A failed preparation, kept so that a broken PVF is not prepared again and again. */
    record Failed(PrepareError error) implements ArtifactContent {}
}
