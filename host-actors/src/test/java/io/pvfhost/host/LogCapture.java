package io.pvfhost.host;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Captures what Logback logs under a logger while open (a {@link ListAppender} on it), optionally
 * at another level; closing detaches it and restores the level.
 */
final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final Level previousLevel;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogCapture(String name, Level level) {
        logger = (Logger) LoggerFactory.getLogger(name);
        previousLevel = logger.getLevel();
        if (level != null) {
            logger.setLevel(level);
        }
        appender.setContext(logger.getLoggerContext());
        appender.start();
        logger.addAppender(appender);
    }

    /** Everything logged under {@code name} at the levels configured. */
    static LogCapture of(String name) {
        return new LogCapture(name, null);
    }

    /** Everything logged under {@code name} from {@code level} up. */
    static LogCapture of(String name, Level level) {
        return new LogCapture(name, level);
    }

    /** The events so far (a copy). */
    List<ILoggingEvent> events() {
        synchronized (appender) {
            return List.copyOf(appender.list);
        }
    }

    void clear() {
        synchronized (appender) {
            appender.list.clear();
        }
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
        logger.setLevel(previousLevel);
    }
}
