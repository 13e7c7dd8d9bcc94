package io.pvfhost.worker.execute.hostfn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.ValType;
import io.pvfhost.common.hash.Hashing;
import io.pvfhost.worker.execute.FreeingBumpAllocator;
import io.pvfhost.worker.execute.HostEnv;
import io.pvfhost.worker.execute.HostTrap;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ext_crypto_* group through its ABI: arguments in wasm memory, results as the runtime sees
 * them. The vectors are the ones the crypto package's tests take from their sources (RFC 8032,
 * sp-core, schnorrkel via ink! and wasm-crypto, noble).
 */
class CryptoFunctionsTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final int HEAP_BASE = 70_000;
    private static final int SIG = 1_000;
    private static final int MSG = 2_000;
    private static final int PUB = 3_000;

    // RFC 8032 test 2
    private static final String ED_PUB = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c";
    private static final String ED_SIG = "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00";
    private static final String ED_MSG = "72";
    // ink! sr25519_verification example: Alice
    private static final String SR_PUB = "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d";
    private static final String SR_SIG = "0a7da2b631704cdcfe93c740e41217b9ac667a0c8755d8da1a8232db527f487c87e780d2edc1896aeb6b1bef0bc7c38d9df2135b633eab8bfb1777e82fad3a8f";
    private static final byte[] SR_MSG = "<Bytes>0x46fb7408d4f285228f4af516ea25851b</Bytes>".getBytes(StandardCharsets.US_ASCII);
    // sp-core verify_from_old_wasm_works (schnorrkel 0.1.1)
    private static final String SR_OLD_PUB = "def12e42f3e487e9b14095aa8d5cc16a33491f1b50dadcf8811d1480f3fa8627";
    private static final String SR_OLD_SIG = "28a854d54903e056f89581c691c1f7d2ff39f8f896c9e9c22475e60902cc2b3547199e0e91fa32902028f2ca2355e8cdd16cfe19ba5e8b658c94aa80f3b81a00";
    // sp-core ecdsa::test_vector_should_work: signature of blake2-256(b"")
    private static final String ECDSA_SIG = "3dde91174bd9359027be59a428b8146513df80a2a3c7eda2194f64de04a69ab97b753169e94db6ffd50921a2668a48b94ca11e3d32c1ff19cfe88890aa7e8f3c00";
    private static final String ECDSA_PUB_U = "8db55b05db86c0b1786ca49f095d76344c9e6056b2f02701a7e7f3c20aabfd913ebbe148dd17c56551a52952371071a6c604b3f3abe8f2c8fa742158ea6dd7d4";
    private static final String ECDSA_PUB_C = "028db55b05db86c0b1786ca49f095d76344c9e6056b2f02701a7e7f3c20aabfd91";

    private Memory memory;
    private HostEnv env;
    private final Map<String, HostFn> fns = CryptoFunctions.functions();

    @BeforeEach
    void setUp() throws Exception {
        memory = new ByteArrayMemory(new MemoryLimits(2, 16));
        env = new HostEnv();
        Method set = HostEnv.class.getDeclaredMethod("setAllocator", FreeingBumpAllocator.class);
        set.setAccessible(true);
        set.invoke(env, new FreeingBumpAllocator(HEAP_BASE));
    }

    private long[] call(String name, long... args) {
        HostFn fn = fns.get(name);
        assertEquals(args.length, fn.type().params().size(), name);
        return fn.impl().call(env, memory, args);
    }

    private long callOne(String name, long... args) {
        return call(name, args)[0];
    }

    private long span(int ptr, byte[] data) {
        memory.write(ptr, data);
        return HostFn.pack(ptr, data.length);
    }

    private int at(int ptr, String hex) {
        memory.write(ptr, HEX.parseHex(hex));
        return ptr;
    }

    private byte[] readResult(long packed) {
        return HostEnv.readSpan(memory, packed);
    }

    @Test
    void shouldProvideExactlyTheSpIoFunctionsWithTheirWasmTypes() {
        FunctionType verify = FunctionType.of(List.of(ValType.I32, ValType.I64, ValType.I32), List.of(ValType.I32));
        FunctionType recover = FunctionType.of(List.of(ValType.I32, ValType.I32), List.of(ValType.I64));
        Map<String, FunctionType> expected = Map.ofEntries(
                Map.entry("ext_crypto_ed25519_verify_version_1", verify),
                Map.entry("ext_crypto_ed25519_batch_verify_version_1", verify),
                Map.entry("ext_crypto_sr25519_verify_version_1", verify),
                Map.entry("ext_crypto_sr25519_verify_version_2", verify),
                Map.entry("ext_crypto_sr25519_batch_verify_version_1", verify),
                Map.entry("ext_crypto_ecdsa_verify_version_1", verify),
                Map.entry("ext_crypto_ecdsa_verify_version_2", verify),
                Map.entry("ext_crypto_ecdsa_batch_verify_version_1", verify),
                Map.entry("ext_crypto_ecdsa_verify_prehashed_version_1",
                        FunctionType.of(List.of(ValType.I32, ValType.I32, ValType.I32), List.of(ValType.I32))),
                Map.entry("ext_crypto_secp256k1_ecdsa_recover_version_1", recover),
                Map.entry("ext_crypto_secp256k1_ecdsa_recover_version_2", recover),
                Map.entry("ext_crypto_secp256k1_ecdsa_recover_compressed_version_1", recover),
                Map.entry("ext_crypto_secp256k1_ecdsa_recover_compressed_version_2", recover),
                Map.entry("ext_crypto_start_batch_verify_version_1", FunctionType.of(List.of(), List.of())),
                Map.entry("ext_crypto_finish_batch_verify_version_1", FunctionType.of(List.of(), List.of(ValType.I32))));
        assertEquals(expected.keySet(), fns.keySet());
        expected.forEach((name, type) -> assertEquals(type, fns.get(name).type(), name));
    }

    @Test
    void shouldNotClashWithTheOtherGroups() {
        Set<String> others = new HashSet<>();
        others.addAll(AllocatorFunctions.functions().keySet());
        others.addAll(LoggingFunctions.functions().keySet());
        others.addAll(HashingFunctions.functions().keySet());
        others.retainAll(fns.keySet());
        assertEquals(Set.of(), others);
    }

    @Test
    void shouldVerifyEd25519FromMemory() {
        long msg = span(MSG, HEX.parseHex(ED_MSG));
        assertEquals(1, callOne("ext_crypto_ed25519_verify_version_1", at(SIG, ED_SIG), msg, at(PUB, ED_PUB)));
        assertEquals(0, callOne("ext_crypto_ed25519_verify_version_1", SIG, span(MSG, new byte[] {0x73}), PUB));
        assertEquals(0, callOne("ext_crypto_ed25519_verify_version_1", SIG, HostFn.pack(MSG, 0), PUB));
    }

    @Test
    void shouldVerifySr25519NewSignaturesInBothVersionsAndOldOnesInVersion1() {
        long msg = span(MSG, SR_MSG);
        assertEquals(1, callOne("ext_crypto_sr25519_verify_version_2", at(SIG, SR_SIG), msg, at(PUB, SR_PUB)));
        assertEquals(1, callOne("ext_crypto_sr25519_verify_version_1", SIG, msg, PUB));

        long old = span(MSG, "SUBSTRATE".getBytes(StandardCharsets.US_ASCII));
        assertEquals(0, callOne("ext_crypto_sr25519_verify_version_2", at(SIG, SR_OLD_SIG), old, at(PUB, SR_OLD_PUB)));
        assertEquals(1, callOne("ext_crypto_sr25519_verify_version_1", SIG, old, PUB));
        // the batch function uses the current (version 2) rules
        assertEquals(0, callOne("ext_crypto_sr25519_batch_verify_version_1", SIG, old, PUB));
    }

    @Test
    void shouldVerifyEcdsaFromMemory() {
        long empty = HostFn.pack(MSG, 0);
        at(SIG, ECDSA_SIG);
        at(PUB, ECDSA_PUB_C);
        assertEquals(1, callOne("ext_crypto_ecdsa_verify_version_1", SIG, empty, PUB));
        assertEquals(1, callOne("ext_crypto_ecdsa_verify_version_2", SIG, empty, PUB));
        assertEquals(1, callOne("ext_crypto_ecdsa_batch_verify_version_1", SIG, empty, PUB));
        memory.write(MSG, Hashing.blake2b256(new byte[0]));
        assertEquals(1, callOne("ext_crypto_ecdsa_verify_prehashed_version_1", SIG, MSG, PUB));
        assertEquals(0, callOne("ext_crypto_ecdsa_verify_version_2", SIG, span(MSG, new byte[] {1}), PUB));
    }

    @Test
    void shouldReturnTheScaleEncodedKeyThroughTheAllocator() {
        memory.write(MSG, Hashing.blake2b256(new byte[0]));
        at(SIG, ECDSA_SIG);
        for (String name : List.of("ext_crypto_secp256k1_ecdsa_recover_version_1", "ext_crypto_secp256k1_ecdsa_recover_version_2")) {
            long packed = callOne(name, SIG, MSG);
            int ptr = (int) packed;
            assertTrue(Integer.toUnsignedLong(ptr) >= HEAP_BASE && ptr % 8 == 0, "allocated in the heap: " + ptr);
            assertEquals(65, packed >>> 32);
            assertEquals("00" + ECDSA_PUB_U, HEX.formatHex(readResult(packed)), name);
        }
        for (String name : List.of("ext_crypto_secp256k1_ecdsa_recover_compressed_version_1",
                "ext_crypto_secp256k1_ecdsa_recover_compressed_version_2")) {
            long packed = callOne(name, SIG, MSG);
            assertEquals(34, packed >>> 32);
            assertEquals("00" + ECDSA_PUB_C, HEX.formatHex(readResult(packed)), name);
        }
    }

    @Test
    void shouldEncodeRecoveryErrorsAsScaleEnumIndexes() {
        memory.write(MSG, Hashing.blake2b256(new byte[0]));
        byte[] sig = HEX.parseHex(ECDSA_SIG);
        sig[64] = 4;
        memory.write(SIG, sig);
        for (String v : List.of("1", "2")) {
            assertArrayEquals(new byte[] {1, 1}, readResult(callOne("ext_crypto_secp256k1_ecdsa_recover_version_" + v, SIG, MSG)), "BadV");
            assertArrayEquals(new byte[] {1, 1}, readResult(callOne("ext_crypto_secp256k1_ecdsa_recover_compressed_version_" + v, SIG, MSG)));
        }
        // r = n: version 2 refuses to parse it (BadRS), version 1 reduces it to zero (BadSignature)
        byte[] rn = HEX.parseHex(ECDSA_SIG);
        System.arraycopy(HEX.parseHex("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"), 0, rn, 0, 32);
        memory.write(SIG, rn);
        assertArrayEquals(new byte[] {1, 0}, readResult(callOne("ext_crypto_secp256k1_ecdsa_recover_version_2", SIG, MSG)), "BadRS");
        assertArrayEquals(new byte[] {1, 0}, readResult(callOne("ext_crypto_secp256k1_ecdsa_recover_compressed_version_2", SIG, MSG)));
        assertArrayEquals(new byte[] {1, 2}, readResult(callOne("ext_crypto_secp256k1_ecdsa_recover_version_1", SIG, MSG)), "BadSignature");
        assertArrayEquals(new byte[] {1, 2}, readResult(callOne("ext_crypto_secp256k1_ecdsa_recover_compressed_version_1", SIG, MSG)));
    }

    @Test
    void shouldTrapOnArgumentsOutsideMemory() {
        int size = memory.pages() * Memory.PAGE_SIZE;
        long msg = span(MSG, new byte[1]);
        at(PUB, ED_PUB);
        assertThrows(HostTrap.class, () -> call("ext_crypto_ed25519_verify_version_1", size - 63, msg, PUB));
        assertThrows(HostTrap.class, () -> call("ext_crypto_ed25519_verify_version_1", SIG, msg, size - 31));
        assertThrows(HostTrap.class, () -> call("ext_crypto_ed25519_verify_version_1", 0xFFFF_FFF0L, msg, PUB));
        assertThrows(HostTrap.class, () -> call("ext_crypto_sr25519_verify_version_2", SIG, HostFn.pack(size - 2, 3), PUB));
        assertThrows(HostTrap.class, () -> call("ext_crypto_secp256k1_ecdsa_recover_version_2", size - 64, MSG));
        assertThrows(HostTrap.class, () -> call("ext_crypto_secp256k1_ecdsa_recover_version_2", SIG, size - 31));
        assertThrows(HostTrap.class, () -> call("ext_crypto_ecdsa_verify_prehashed_version_1", SIG, MSG, size - 32));
        // the last bytes of memory are fine; they are zeros: R and A of order 4 and s = 0, which
        // ZIP-215's cofactored equation accepts for any message
        assertEquals(1, callOne("ext_crypto_ed25519_verify_version_1", size - 64, msg, size - 32));
    }

    @Test
    void shouldAndBatchResultsBetweenStartAndFinish() {
        long msg = span(MSG, HEX.parseHex(ED_MSG));
        at(SIG, ED_SIG);
        at(PUB, ED_PUB);
        int badSig = at(SIG + 100, "00" + ED_SIG.substring(2));

        call("ext_crypto_start_batch_verify_version_1");
        assertEquals(1, callOne("ext_crypto_ed25519_batch_verify_version_1", SIG, msg, PUB));
        assertEquals(1, callOne("ext_crypto_ed25519_batch_verify_version_1", SIG, msg, PUB));
        assertEquals(1, callOne("ext_crypto_finish_batch_verify_version_1"));

        call("ext_crypto_start_batch_verify_version_1");
        assertEquals(0, callOne("ext_crypto_ed25519_batch_verify_version_1", badSig, msg, PUB), "verified at once");
        assertEquals(1, callOne("ext_crypto_ed25519_batch_verify_version_1", SIG, msg, PUB));
        // plain verify functions do not touch the batch
        assertEquals(0, callOne("ext_crypto_ed25519_verify_version_1", badSig, msg, PUB));
        assertEquals(0, callOne("ext_crypto_finish_batch_verify_version_1"));
    }

    @Test
    void shouldVerifyBatchFunctionsAtOnceWithoutABatch() {
        long msg = span(MSG, HEX.parseHex(ED_MSG));
        at(SIG, ED_SIG);
        at(PUB, ED_PUB);
        assertEquals(1, callOne("ext_crypto_ed25519_batch_verify_version_1", SIG, msg, PUB));
        assertEquals(0, callOne("ext_crypto_ed25519_batch_verify_version_1", SIG, span(MSG, new byte[] {9}), PUB));
        // and leave nothing behind for a later finish
        assertThrows(HostTrap.class, () -> call("ext_crypto_finish_batch_verify_version_1"));
    }

    @Test
    void shouldTrapOnFinishWithoutStartAndOnDoubleStart() {
        HostTrap noStart = assertThrows(HostTrap.class, () -> call("ext_crypto_finish_batch_verify_version_1"));
        assertTrue(noStart.getMessage().contains("start_batch_verify"), noStart.getMessage());
        call("ext_crypto_start_batch_verify_version_1");
        assertThrows(HostTrap.class, () -> call("ext_crypto_start_batch_verify_version_1"));
        assertEquals(1, callOne("ext_crypto_finish_batch_verify_version_1"));
        assertThrows(HostTrap.class, () -> call("ext_crypto_finish_batch_verify_version_1"));
    }

    @Test
    void shouldKeepBatchesOfDifferentCallsApart() throws Exception {
        HostEnv other = new HostEnv();
        call("ext_crypto_start_batch_verify_version_1");
        HostFn finish = fns.get("ext_crypto_finish_batch_verify_version_1");
        assertThrows(HostTrap.class, () -> finish.impl().call(other, memory, new long[0]));
        assertEquals(1, callOne("ext_crypto_finish_batch_verify_version_1"));
    }
}
