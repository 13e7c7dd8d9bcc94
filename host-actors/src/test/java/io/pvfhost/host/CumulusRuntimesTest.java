package io.pvfhost.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pvfhost.common.Hex;
import io.pvfhost.common.error.ValidationOutcome;
import io.pvfhost.common.types.ValidationParams;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** Real Cumulus runtimes: each prepares, and rejects malformed block data as the MANIFEST says. */
class CumulusRuntimesTest {
    /** MANIFEST: parent head of 4 zero bytes, empty block data, relay parent 1, zero storage root. */
    static final String MALFORMED_PARAMS = "10 00000000 00 01000000" + "00".repeat(32);

    @TempDir
    static Path cache;
    static ValidationHost host;

    @BeforeAll
    static void start() {
        host = ValidationHost.start(TestData.config(cache, "pvf.host.prepare.workers-soft-max = 2"));
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"coretime-polkadot-v1003000.code", "cumulus-test-parachain-v1.code", "statemine-genesis.code"})
    void shouldPrepareAndRejectMalformedBlockData(String file) throws Exception {
        Pvf pvf = Pvf.of(TestData.corpusFile("cumulus/" + file));
        var precheck = host.precheckPvf(pvf).toCompletableFuture().get(10, TimeUnit.MINUTES);
        assertEquals(PrecheckOutcome.Valid.INSTANCE, precheck, () -> file + ": " + precheck);
        var outcome = host.executePvf(pvf, ValidationParams.decode(Hex.decode(MALFORMED_PARAMS)), ExecKind.APPROVAL,
                Duration.ofSeconds(12)).toCompletableFuture().get(2, TimeUnit.MINUTES);
        var invalid = assertInstanceOf(ValidationOutcome.Invalid.class, outcome, () -> file + ": " + outcome);
        assertEquals(ValidationOutcome.InvalidKind.WorkerReportedInvalid, invalid.kind());
        assertTrue(invalid.detail().contains("Invalid parachain block data"), invalid.detail());
    }
}
