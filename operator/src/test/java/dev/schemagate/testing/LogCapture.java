package dev.schemagate.testing;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.LoggerFactory;

/**
 * Every log line from now on, written through the shipped masking converters ({@code %maskedMsg},
 * {@code %maskedEx}) as production writes them, so that a test can search what would reach a log
 * collector.
 */
public final class LogCapture implements AutoCloseable {

  private final ByteArrayOutputStream lines = new ByteArrayOutputStream();
  private OutputStreamAppender<ILoggingEvent> appender;

  /** Starts capturing; call again after anything reconfigured logback (a CLI command does). */
  public LogCapture attach() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%logger - %maskedMsg%n%maskedEx");
    encoder.start();
    appender = new OutputStreamAppender<>();
    appender.setContext(context);
    appender.setEncoder(encoder);
    appender.setOutputStream(lines);
    appender.start();
    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(appender);
    return this;
  }

  public String text() {
    synchronized (lines) {
      return lines.toString(StandardCharsets.UTF_8);
    }
  }

  @Override
  public void close() {
    ((LoggerContext) LoggerFactory.getILoggerFactory())
        .getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
        .detachAppender(appender);
  }
}
