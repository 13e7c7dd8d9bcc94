package io.pvfhost.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.pvfhost.common.error.ValidationOutcome;
import io.pvfhost.common.types.ValidationParams;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-request log lines carry the code hash and request kind; the happy path logs nothing above DEBUG. */
class LoggingTest {
    @TempDir
    Path cache;

    @Test
    void theHappyPathShouldLogNothingAboveDebugAndTagItsLinesWithTheRequest() throws Exception {
        ValidationParams params = ValidationParams.decode(TestData.corpusHex("adder/adder_genesis.params.hex"));
        Pvf adder = Pvf.of(TestData.ownPvf("adder.wasm"));
        Pvf halt = Pvf.of(TestData.ownPvf("halt.wasm"));
        // the start logs its security report (once per start, not per request): not captured
        try (ValidationHost host = ValidationHost.start(TestData.config(cache, ""));
                LogCapture log = LogCapture.of("io.pvfhost", Level.DEBUG)) {
            assertInstanceOf(PrecheckOutcome.Valid.class, host.precheckPvf(halt).get(60, TimeUnit.SECONDS));
            for (ExecKind kind : ExecKind.values()) {
                var outcome = host.executePvf(adder, params, kind, null).get(60, TimeUnit.SECONDS);
                assertInstanceOf(ValidationOutcome.Valid.class, outcome, () -> "outcome: " + outcome);
            }
            host.headsUp(List.of(halt));

            List<ILoggingEvent> events = log.events();
            List<String> loud = events.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
                    .map(e -> e.getLevel() + " " + e.getLoggerName() + " - " + e.getFormattedMessage()).toList();
            assertEquals(List.of(), loud, "logged above DEBUG on the happy path");

            // the host's lines about the requests carry their code hash and kind
            for (ExecKind kind : ExecKind.values()) {
                assertTrue(events.stream().anyMatch(e -> e.getLoggerName().equals(Host.class.getName())
                        && e.getFormattedMessage().contains("answered: valid")
                        && adder.codeHashHex().equals(e.getMDCPropertyMap().get(LogContext.CODE_HASH))
                        && kind.label().equals(e.getMDCPropertyMap().get(LogContext.REQUEST_KIND))),
                        "no answer line tagged " + kind.label());
            }
            assertTrue(events.stream().anyMatch(e -> e.getFormattedMessage().startsWith("prepared ")
                    && adder.codeHashHex().equals(e.getMDCPropertyMap().get(LogContext.CODE_HASH))
                    && LogContext.PREPARE.equals(e.getMDCPropertyMap().get(LogContext.REQUEST_KIND))), "the preparation's line");
            assertTrue(events.stream().anyMatch(e -> e.getFormattedMessage().contains("precheck")
                    && halt.codeHashHex().equals(e.getMDCPropertyMap().get(LogContext.CODE_HASH))
                    && LogContext.PRECHECK.equals(e.getMDCPropertyMap().get(LogContext.REQUEST_KIND))), "the precheck's line");
        }
    }
}
