package io.pvfhost.worker.execute.hostfn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pvfhost.worker.execute.HostTrap;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** ext_logging_* as a runtime calls them. */
class LoggingFunctionsTest {
    private final HostCall host = new HostCall(LoggingFunctions.functions());

    private long utf8(String s) {
        return host.span(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void maxLevelShouldAnswerErrorOnEveryValidator() {
        // LogLevelFilter::Error = 1: a runtime formats only error messages, the same on every machine
        assertEquals(1, host.call("ext_logging_max_level_version_1")[0]);
    }

    @Test
    void shouldKeepTheLastErrorMessageAndIgnoreOtherLevels() {
        host.call("ext_logging_log_version_1", 0, utf8("runtime"), utf8("panicked at 'bad block'"));
        host.call("ext_logging_log_version_1", 3, utf8("runtime"), utf8("debug noise"));
        assertEquals("panicked at 'bad block'", host.env.lastErrorMessage());
    }

    @Test
    void shouldTrapOnALevelBeyondTrace() {
        assertThrows(HostTrap.class, () -> host.call("ext_logging_log_version_1", 5, utf8("t"), utf8("m")));
        assertNull(host.env.lastErrorMessage());
    }

    @Test
    void shouldTrapOnATargetThatIsNotUtf8() {
        long bad = host.span(new byte[] {(byte) 0xff, (byte) 0xfe});
        assertThrows(HostTrap.class, () -> host.call("ext_logging_log_version_1", 0, bad, utf8("m")));
    }
}
