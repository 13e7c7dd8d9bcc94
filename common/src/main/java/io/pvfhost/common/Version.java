package io.pvfhost.common;

/**
 * The version that host and workers must share. A worker built from other sources may encode
 * frames or artifacts differently, so the host refuses it (reference: "a mismatch must not be
 * ignored"). The engine version is part of every artifact file name, so artifacts of another
 * engine are never loaded.
 */
public final class Version {
    /**
     * Version of pvf-host, which a worker's hello must match; bump with any change to frames or
     * messages (a change of the artifact layout bumps {@link #ENGINE_VERSION}).
     */
    public static final String NODE_VERSION = "pvf-host-0.1.0";
    /**
     * Wasm engine, artifact layout and preparation rules; part of artifact file names, so that a
     * host started on a new one prepares again what an older one stored (a6: what preparation
     * accepts changed: a memory is required, wasmparser's limits apply, error details are cut; a7:
     * the interpreted functions' bodies are stored after the head, with their own SHA-256, so
     * that a load need not hash or decode them; a8: every generated class is verified by the JVM
     * at preparation, and execute workers no longer verify them, so an artifact from before must
     * not reach one).
     */
    public static final String ENGINE_VERSION = "chicory-1.7.5-a8";

    private Version() {}
}
