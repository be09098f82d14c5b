package dev.schemagate.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.net.URL;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** Switches logback between the text and the JSON configuration at start-up. */
public final class Logging {

  /** Set by each configuration file to the format it writes: text or json. */
  private static final String FORMAT_PROPERTY = "SCHEMAGATE_LOG_FORMAT_CONFIGURED";

  /** The root level, a variable of the configuration files. */
  private static final String LEVEL_PROPERTY = "SCHEMAGATE_LOG_LEVEL";

  private Logging() {}

  public static void configure(LogFormat format, String level) {
    // java.util.logging (the PostgreSQL driver's) goes through SLF4J and so through the masker.
    if (!SLF4JBridgeHandler.isInstalled()) {
      SLF4JBridgeHandler.removeHandlersForRootLogger();
      SLF4JBridgeHandler.install();
    }
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    if (format.name().equals(context.getProperty(FORMAT_PROPERTY))) {
      // Logback read this format's file when it started (logback.xml, the text one): only the
      // level can differ, and reading the file again would add tens of milliseconds to every
      // start of the schema gate.
      context.putProperty(LEVEL_PROPERTY, level.toUpperCase(java.util.Locale.ROOT));
      context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(level));
      return;
    }
    URL config =
        Logging.class.getResource(format == LogFormat.json ? "/logback-json.xml" : "/logback.xml");
    context.reset();
    context.putProperty(LEVEL_PROPERTY, level.toUpperCase(java.util.Locale.ROOT));
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    try {
      configurator.doConfigure(config);
    } catch (JoranException e) {
      throw new IllegalStateException("invalid logging configuration " + config, e);
    }
  }
}
