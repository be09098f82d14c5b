package dev.schemagate.sandbox;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggerContextListener;
import ch.qos.logback.core.AppenderBase;
import dev.schemagate.masking.logback.MaskedMessageConverter;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.LoggerFactory;

/**
 * The masked config blocks the operator logs when it rolls out a revision (its ROLLOUT DIAGNOSTICS:
 * DATABASE_URL, REDIS_URL, SERVICE_ROLE, resolved from the Secrets), taken from its log as it
 * writes them, so that the narration shows them without {@code --verbose}. Each block passes the
 * same {@code %maskedMsg} converter as the operator's console log.
 *
 * <p>The demo reconfigures logging while it runs (the migration Job's command sets up logging as
 * its pod would), which resets every logger: the tap re-attaches itself after each reset.
 */
final class RolloutDiagnosticsTap implements AutoCloseable {

  /** The operator's logger of the block: {@code dev.schemagate.lifecycle.RolloutDiagnostics}. */
  static final String LOGGER = "dev.schemagate.lifecycle.RolloutDiagnostics";

  private final Queue<String> blocks = new ConcurrentLinkedQueue<>();
  private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
  private final boolean alsoToConsole;
  private final MaskedMessageConverter masked = new MaskedMessageConverter();
  private final AppenderBase<ILoggingEvent> appender =
      new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
          blocks.add(masked.convert(event).strip());
        }
      };
  private final LoggerContextListener reattach =
      new LoggerContextListener() {
        @Override
        public boolean isResetResistant() {
          return true;
        }

        @Override
        public void onReset(LoggerContext resetContext) {
          attach();
        }

        @Override
        public void onStart(LoggerContext startedContext) {}

        @Override
        public void onStop(LoggerContext stoppedContext) {}

        @Override
        public void onLevelChange(Logger logger, Level level) {}
      };

  /**
   * @param alsoToConsole whether the operator's console log (--verbose) still gets the blocks
   */
  RolloutDiagnosticsTap(boolean alsoToConsole) {
    this.alsoToConsole = alsoToConsole;
    appender.setContext(context);
    appender.setName("demo-rollout-diagnostics");
    attach();
    context.addListener(reattach);
  }

  private synchronized void attach() {
    Logger logger = context.getLogger(LOGGER);
    logger.setLevel(Level.INFO);
    logger.setAdditive(alsoToConsole);
    // A reset stops the appenders it detaches.
    appender.start();
    if (logger.getAppender(appender.getName()) == null) {
      logger.addAppender(appender);
    }
  }

  /** The blocks logged since the last call, oldest first. */
  List<String> drain() {
    List<String> drained = new ArrayList<>();
    for (String block = blocks.poll(); block != null; block = blocks.poll()) {
      drained.add(block);
    }
    return drained;
  }

  @Override
  public synchronized void close() {
    context.removeListener(reattach);
    Logger logger = context.getLogger(LOGGER);
    logger.detachAppender(appender);
    logger.setLevel(null);
    logger.setAdditive(true);
    appender.stop();
  }
}
