package io.pvfhost.worker.execute.hostfn;

import static io.pvfhost.worker.execute.hostfn.HostFn.I32;
import static io.pvfhost.worker.execute.hostfn.HostFn.I64;
import static io.pvfhost.worker.execute.hostfn.HostFn.fn;

import com.dylibso.chicory.runtime.Memory;
import io.pvfhost.worker.execute.HostEnv;
import io.pvfhost.worker.execute.HostTrap;
import io.pvfhost.worker.execute.crypto.Ed25519;
import io.pvfhost.worker.execute.crypto.Secp256k1;
import io.pvfhost.worker.execute.crypto.Secp256k1.Parsing;
import io.pvfhost.worker.execute.crypto.Secp256k1.Recovery;
import io.pvfhost.worker.execute.crypto.Sr25519;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Function;

/**
 * ext_crypto_*: signature verification and ECDSA key recovery, byte-compatible with sp-io's
 * {@code crypto} runtime interface as registered by the reference's PVF execute worker
 * ({@code sp_io::crypto::HostFunctions}).
 *
 * <p>ABI: a fixed-size argument (signature, public key, 32-byte digest) is an i32 pointer to that
 * many bytes, out of bounds traps; a message is an i64 packed span; {@code bool} is an i32 1 or 0;
 * a recovery result is SCALE {@code Result<[u8; N], EcdsaVerifyError>} (0x00 then the key, or 0x01
 * then the error index: BadRS 0, BadV 1, BadSignature 2) allocated with the runtime's allocator and
 * returned as a packed span.
 *
 * <p>The legacy batch functions follow sp-io since batching was removed: every signature is
 * verified at once; {@code start_batch_verify} registers a per-call flag (trapping if one is
 * already registered), the {@code *_batch_verify} functions AND their result into it when present,
 * and {@code finish_batch_verify} returns and removes it (trapping if there is none).
 *
 * <p>Not provided, because they need a keystore that validation does not have (the reference
 * panics with "No `keystore` associated for the current context!", which is a trap; here they fall
 * to the trapping stub): {@code ext_crypto_ed25519_public_keys_version_1},
 * {@code ext_crypto_ed25519_generate_version_1}, {@code ext_crypto_ed25519_sign_version_1},
 * {@code ext_crypto_sr25519_public_keys_version_1}, {@code ext_crypto_sr25519_generate_version_1},
 * {@code ext_crypto_sr25519_sign_version_1}, {@code ext_crypto_ecdsa_public_keys_version_1},
 * {@code ext_crypto_ecdsa_generate_version_1}, {@code ext_crypto_ecdsa_sign_version_1},
 * {@code ext_crypto_ecdsa_sign_prehashed_version_1}, and the feature-gated experimental bls377,
 * bls381, ecdsa_bls* and bandersnatch generate/sign functions.
 */
public final class CryptoFunctions {
    private static final int SECP_SIGNATURE_LENGTH = 65;
    private static final int SECP_PUBLIC_KEY_LENGTH = 33;
    private static final int DIGEST_LENGTH = 32;

    /**
     * The deprecated verification context ({@code VerificationExtDeprecated}) of each running call,
     * keyed by its environment (one per validate_block call). A field of {@link HostEnv} would do
     * as well; this keeps the crypto group self-contained.
     */
    private static final Map<HostEnv, boolean[]> BATCHES = Collections.synchronizedMap(new WeakHashMap<>());

    private CryptoFunctions() {}

    public static Map<String, HostFn> functions() {
        return Map.ofEntries(
                verify("ext_crypto_ed25519_verify_version_1", 64, 32, (sig, msg, pub) -> Ed25519.verify(sig, msg, pub)),
                batchVerify("ext_crypto_ed25519_batch_verify_version_1", 64, 32, (sig, msg, pub) -> Ed25519.verify(sig, msg, pub)),
                verify("ext_crypto_sr25519_verify_version_1", 64, 32, (sig, msg, pub) -> Sr25519.verifyDeprecated(sig, msg, pub)),
                verify("ext_crypto_sr25519_verify_version_2", 64, 32, (sig, msg, pub) -> Sr25519.verify(sig, msg, pub)),
                // sp-io's batch body calls the latest sr25519_verify, version 2.
                batchVerify("ext_crypto_sr25519_batch_verify_version_1", 64, 32, (sig, msg, pub) -> Sr25519.verify(sig, msg, pub)),
                verify("ext_crypto_ecdsa_verify_version_1", SECP_SIGNATURE_LENGTH, SECP_PUBLIC_KEY_LENGTH,
                        (sig, msg, pub) -> Secp256k1.verify(sig, msg, pub, Parsing.OVERFLOWING)),
                verify("ext_crypto_ecdsa_verify_version_2", SECP_SIGNATURE_LENGTH, SECP_PUBLIC_KEY_LENGTH,
                        (sig, msg, pub) -> Secp256k1.verify(sig, msg, pub, Parsing.STRICT)),
                // sp-io's batch body calls the latest ecdsa_verify, version 2.
                batchVerify("ext_crypto_ecdsa_batch_verify_version_1", SECP_SIGNATURE_LENGTH, SECP_PUBLIC_KEY_LENGTH,
                        (sig, msg, pub) -> Secp256k1.verify(sig, msg, pub, Parsing.STRICT)),
                fn("ext_crypto_ecdsa_verify_prehashed_version_1", List.of(I32, I32, I32), List.of(I32), (env, mem, a) -> {
                    byte[] sig = readFixed(mem, a[0], SECP_SIGNATURE_LENGTH);
                    byte[] digest = readFixed(mem, a[1], DIGEST_LENGTH);
                    byte[] pub = readFixed(mem, a[2], SECP_PUBLIC_KEY_LENGTH);
                    return bool(Secp256k1.verifyPrehashed(sig, digest, pub, Parsing.STRICT));
                }),
                recover("ext_crypto_secp256k1_ecdsa_recover_version_1", Parsing.OVERFLOWING, Recovery::uncompressed64),
                recover("ext_crypto_secp256k1_ecdsa_recover_version_2", Parsing.STRICT, Recovery::uncompressed64),
                recover("ext_crypto_secp256k1_ecdsa_recover_compressed_version_1", Parsing.OVERFLOWING, Recovery::compressed33),
                recover("ext_crypto_secp256k1_ecdsa_recover_compressed_version_2", Parsing.STRICT, Recovery::compressed33),
                fn("ext_crypto_start_batch_verify_version_1", List.of(), List.of(), (env, mem, a) -> {
                    if (BATCHES.putIfAbsent(env, new boolean[] {true}) != null) {
                        throw new HostTrap("Failed to register required extension: `VerificationExt`: "
                                + "ExtensionAlreadyRegistered");
                    }
                    return null;
                }),
                fn("ext_crypto_finish_batch_verify_version_1", List.of(), List.of(I32), (env, mem, a) -> {
                    boolean[] batch = BATCHES.remove(env);
                    if (batch == null) {
                        throw new HostTrap("`finish_batch_verify` should only be called after `start_batch_verify`");
                    }
                    return bool(batch[0]);
                }));
    }

    @FunctionalInterface
    interface Verifier {
        boolean verify(byte[] signature, byte[] message, byte[] publicKey);
    }

    /** (sig: i32 pointer, msg: i64 span, pubkey: i32 pointer) -> i32 bool. */
    private static Map.Entry<String, HostFn> verify(String name, int sigLen, int pubLen, Verifier verifier) {
        return fn(name, List.of(I32, I64, I32), List.of(I32),
                (env, mem, a) -> bool(verifyArgs(mem, a, sigLen, pubLen, verifier)));
    }

    /** As {@link #verify}, and the result is ANDed into the batch flag when one is registered. */
    private static Map.Entry<String, HostFn> batchVerify(String name, int sigLen, int pubLen, Verifier verifier) {
        return fn(name, List.of(I32, I64, I32), List.of(I32), (env, mem, a) -> {
            boolean ok = verifyArgs(mem, a, sigLen, pubLen, verifier);
            boolean[] batch = BATCHES.get(env);
            if (batch != null) {
                batch[0] &= ok;
            }
            return bool(ok);
        });
    }

    private static boolean verifyArgs(Memory mem, long[] a, int sigLen, int pubLen, Verifier verifier) {
        byte[] sig = readFixed(mem, a[0], sigLen);
        byte[] msg = HostEnv.readSpan(mem, a[1]);
        byte[] pub = readFixed(mem, a[2], pubLen);
        return verifier.verify(sig, msg, pub);
    }

    /** (sig: i32 pointer to 65 bytes, msg: i32 pointer to 32 bytes) -> i64 span of the SCALE result. */
    private static Map.Entry<String, HostFn> recover(String name, Parsing parsing, Function<Recovery, byte[]> key) {
        return fn(name, List.of(I32, I32), List.of(I64), (env, mem, a) -> {
            byte[] sig = readFixed(mem, a[0], SECP_SIGNATURE_LENGTH);
            byte[] digest = readFixed(mem, a[1], DIGEST_LENGTH);
            byte[] encoded = encodeResult(Secp256k1.recoverSpIo(sig, digest, parsing), key);
            int ptr = env.allocateAndWrite(mem, encoded);
            return new long[] {HostFn.pack(ptr, encoded.length)};
        });
    }

    /** SCALE {@code Result<[u8; N], EcdsaVerifyError>}. */
    static byte[] encodeResult(Recovery recovery, Function<Recovery, byte[]> key) {
        if (!recovery.isOk()) {
            return new byte[] {1, (byte) recovery.error().ordinal()};
        }
        byte[] k = key.apply(recovery);
        byte[] out = new byte[1 + k.length];
        System.arraycopy(k, 0, out, 1, k.length);
        return out;
    }

    /** Reads {@code len} bytes at an i32 pointer (unsigned), trapping when they leave memory. */
    static byte[] readFixed(Memory memory, long ptrArg, int len) {
        long ptr = ptrArg & 0xFFFFFFFFL;
        long size = (long) memory.pages() * Memory.PAGE_SIZE;
        if (ptr + len > size) {
            throw new HostTrap("out of bounds read " + ptr + "+" + len + " (memory " + size + " bytes)");
        }
        return memory.readBytes((int) ptr, len);
    }

    private static long[] bool(boolean b) {
        return new long[] {b ? 1 : 0};
    }
}
