package dev.schemagate.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.net.URL;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** Switches logback between the text and the JSON configuration at start-up. */
public final class Logging {

  private Logging() {}

  public static void configure(LogFormat format, String level) {
    // java.util.logging (the PostgreSQL driver's) goes through SLF4J and so through the masker.
    if (!SLF4JBridgeHandler.isInstalled()) {
      SLF4JBridgeHandler.removeHandlersForRootLogger();
      SLF4JBridgeHandler.install();
    }
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    URL config =
        Logging.class.getResource(format == LogFormat.json ? "/logback-json.xml" : "/logback.xml");
    context.reset();
    context.putProperty("SCHEMAGATE_LOG_LEVEL", level.toUpperCase(java.util.Locale.ROOT));
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    try {
      configurator.doConfigure(config);
    } catch (JoranException e) {
      throw new IllegalStateException("invalid logging configuration " + config, e);
    }
  }
}
