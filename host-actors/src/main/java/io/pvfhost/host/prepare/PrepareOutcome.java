package io.pvfhost.host.prepare;

import io.pvfhost.common.error.PrepareError;
import java.nio.file.Path;

/** How a preparation ended. */
public sealed interface PrepareOutcome {

    record Success(Path path, byte[] checksum, long size, long cpuMillis, int interpretedFunctions, long peakMemoryBytes)
            implements PrepareOutcome {}

    record Failure(PrepareError error) implements PrepareOutcome {}
}
