package io.pvfhost.worker.execute;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import io.pvfhost.common.Corpus;
import io.pvfhost.common.blob.MaybeCompressed;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import io.pvfhost.worker.testing.TinyWasm;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every function a real runtime imports is either provided with the right type, or one of the
 * families the reference leaves out during validation (storage, child storage, offchain, keystore,
 * proof size), which get the trapping stub.
 */
class RuntimeImportsTest {
    /** Not provided by the reference's PVF executor: calling them traps. */
    static final Pattern NOT_PROVIDED = Pattern.compile(
            "ext_(storage|default_child_storage|offchain|offchain_index|transaction_index|sandbox)_.*"
                    + "|ext_storage_proof_size_.*"
                    + "|ext_crypto_[a-z0-9]+_(generate|sign|sign_prehashed|public_keys)_version_\\d+");

    static WasmModule module(String file) throws Exception {
        var root = Corpus.root();
        Assumptions.assumeTrue(root.isPresent(), Corpus.missingMessage());
        byte[] wasm = MaybeCompressed.decompress(Files.readAllBytes(root.get().resolve(file)), 64L << 20);
        return Parser.builder().withValidation(false).build().parse(() -> new ByteArrayInputStream(wasm));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cumulus/coretime-polkadot-v1003000.code", "cumulus/cumulus-test-parachain-v1.code",
        "cumulus/statemine-genesis.code", "adder/kagome-adder.code", "adder/gossamer-adder.code"})
    void everyImportShouldBeProvidedOrADeliberateStub(String file) throws Exception {
        WasmModule m = module(file);
        List<String> unexpected = new ArrayList<>();
        int provided = 0;
        for (int i = 0; i < m.importSection().importCount(); i++) {
            var imp = m.importSection().getImport(i);
            if (imp.importType() != ExternalType.FUNCTION) {
                continue;
            }
            if (HostFunctions.isProvided(imp.name())) {
                provided++;
            } else if (!NOT_PROVIDED.matcher(imp.name()).matches()) {
                unexpected.add(imp.name());
            }
        }
        assertTrue(unexpected.isEmpty(), file + " imports functions we neither provide nor deliberately stub: " + unexpected);
        assertTrue(provided > 0, "no provided import in " + file);
        // binding checks each provided function's type against the import's
        assertDoesNotThrow(() -> HostFunctions.bind(m, new HostEnv()));
    }

    /** Reference: an import the host does not provide is linked to a stub that traps when called. */
    @Test
    void aFunctionTheHostDoesNotProvideShouldTrapWhenCalledNamingIt() {
        byte[] wasm = TinyWasm.importingFrom("env", "ext_storage_get_version_1");
        WasmModule m = Parser.builder().withValidation(false).build().parse(() -> new ByteArrayInputStream(wasm));
        var stub = HostFunctions.bind(m, new HostEnv()).build().function(0);
        assertEquals("ext_storage_get_version_1", stub.name());
        HostTrap trap = assertThrows(HostTrap.class, () -> stub.handle().apply(null));
        assertEquals("call to a missing function env:ext_storage_get_version_1", trap.getMessage());
    }
}
