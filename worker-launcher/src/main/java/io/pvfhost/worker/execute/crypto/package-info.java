/**
 * The signature schemes behind the ext_crypto_* host functions, each byte-compatible with the
 * Rust library the reference host uses (sp-core / sp-io):
 *
 * <ul>
 *   <li>{@link io.pvfhost.worker.execute.crypto.Ed25519}: ed25519-zebra, i.e. ZIP-215 rules, on
 *       curve25519-elisabeth (a port of curve25519-dalek);
 *   <li>{@link io.pvfhost.worker.execute.crypto.Sr25519}: schnorrkel over ristretto255 (elisabeth)
 *       with {@link io.pvfhost.worker.execute.crypto.MerlinTranscript merlin} transcripts, which run
 *       on a minimal STROBE-128 over {@link io.pvfhost.worker.execute.crypto.KeccakF1600};
 *   <li>{@link io.pvfhost.worker.execute.crypto.Secp256k1}: public-key recovery as libsecp256k1
 *       (paritytech's Rust port, overflowing r and s) and the secp256k1 crate (bitcoin-core's C
 *       library, strict r and s) do it, on BouncyCastle's curve arithmetic.
 * </ul>
 *
 * <p>Nothing here signs or holds keys: validation has no keystore. The tests name the source of
 * every vector.
 */
package io.pvfhost.worker.execute.crypto;
