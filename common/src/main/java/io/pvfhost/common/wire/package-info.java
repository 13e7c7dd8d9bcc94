/**
 * The host-worker protocol: length-prefixed frames ({@link io.pvfhost.common.wire.Frames}) each
 * holding one SCALE-encoded {@link io.pvfhost.common.wire.Message}. Frames from a worker are
 * untrusted: lengths are checked before anything is allocated and decoding is strict, so garbage
 * becomes a {@link io.pvfhost.common.wire.WireException}, never a crash or a hang.
 */
package io.pvfhost.common.wire;
