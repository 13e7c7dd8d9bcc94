/**
 * SCALE, the Substrate codec, as far as the validation host needs it: fixed little-endian
 * integers, compact integers and length-prefixed byte strings.
 *
 * <p>Decoding follows parity-scale-codec exactly, because what we accept must be what the
 * reference accepts: compact integers must use their shortest mode, and a length prefix is a
 * {@code Compact<u32>}. The input is untrusted (it comes from a worker or a peer), so every length
 * is checked against an explicit limit and against the remaining input before anything is
 * allocated.
 */
package io.pvfhost.common.scale;
