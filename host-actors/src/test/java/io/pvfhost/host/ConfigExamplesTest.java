package io.pvfhost.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.status.Status;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The examples in config/ stay valid as keys are added. */
class ConfigExamplesTest {
    static Path config(String name) {
        return TestData.projectRoot().resolve("config").resolve(name);
    }

    @Test
    void theExampleApplicationConfShouldBeValidAndUseOnlyKnownKeys() {
        Config example = ConfigFactory.parseFile(config("application.conf").toFile());
        HostSettings s = HostSettings.from(example.withFallback(ConfigFactory.defaultReference()).resolve());
        assertEquals(Path.of("/var/lib/my-node/pvf-artifacts"), s.cachePath());
        Config reference = ConfigFactory.defaultReference();
        for (Map.Entry<String, ?> e : example.entrySet()) {
            assertTrue(reference.hasPath(e.getKey()), "not a key of reference.conf: " + e.getKey());
        }
    }

    @Test
    void theExampleLogbackXmlShouldLoadAndShowTheRequestOfALine() throws Exception {
        LoggerContext ctx = new LoggerContext();
        JoranConfigurator joran = new JoranConfigurator();
        joran.setContext(ctx);
        joran.doConfigure(config("logback.xml").toFile());
        for (Status st : ctx.getStatusManager().getCopyOfStatusList()) {
            assertTrue(st.getLevel() < Status.WARN, "logback: " + st);
        }
        var appender = (ConsoleAppender<?>) ctx.getLogger("ROOT").getAppender("STDERR");
        var encoder = (PatternLayoutEncoder) appender.getEncoder();
        LoggingEvent tagged = new LoggingEvent("x", ctx.getLogger("io.pvfhost.host.Host"), Level.DEBUG, "request 1 answered: valid", null, null);
        tagged.setMDCPropertyMap(Map.of(LogContext.REQUEST_KIND, "backing", LogContext.CODE_HASH, "0xab"));
        String line = new String(encoder.encode(tagged), StandardCharsets.UTF_8);
        assertTrue(line.contains("io.pvfhost.host.Host [backing 0xab] - request 1 answered: valid"), line);
        LoggingEvent plain = new LoggingEvent("x", ctx.getLogger("io.pvfhost.host.Host"), Level.INFO, "worker security: ...", null, null);
        plain.setMDCPropertyMap(Map.of());
        line = new String(encoder.encode(plain), StandardCharsets.UTF_8);
        assertTrue(line.contains("io.pvfhost.host.Host - worker security: ..."), line);
        ctx.stop();
    }
}
