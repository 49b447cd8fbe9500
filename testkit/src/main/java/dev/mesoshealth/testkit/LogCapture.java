package dev.mesoshealth.testkit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Every log event of the process while open, with some loggers turned up; closing detaches the
 * capture and puts the levels back. For tests that read what a service logged (secrets must not be
 * in it).
 */
public final class LogCapture implements AutoCloseable {
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Map<Logger, Level> previous = new HashMap<>();

  /**
   * @param levels logger name to the level it logs at while captured
   */
  public LogCapture(Map<String, Level> levels) {
    levels.forEach(
        (name, level) -> {
          Logger logger = (Logger) LoggerFactory.getLogger(name);
          previous.put(logger, logger.getLevel());
          logger.setLevel(level);
        });
    appender.start();
    root.addAppender(appender);
  }

  /** The events so far (live: safe to poll while the capture runs). */
  public List<ILoggingEvent> events() {
    return appender.list;
  }

  /** Each event's message with its stack trace, if any. */
  public List<String> lines() {
    return appender.list.stream()
        .map(
            e ->
                e.getFormattedMessage()
                    + (e.getThrowableProxy() == null
                        ? ""
                        : ThrowableProxyUtil.asString(e.getThrowableProxy())))
        .toList();
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    previous.forEach(Logger::setLevel);
  }
}
