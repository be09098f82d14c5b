package dev.schemagate.migrate;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * While a run is under way, SIGTERM (the pod being stopped) stops it through {@link MigrationStop}
 * and holds the process until the run has reported where it stopped, at most {@link #WAIT}: a JVM
 * exits as soon as its shutdown hooks return, and the report is what the pod's log keeps.
 */
final class SigtermHook implements AutoCloseable {

  /** Well inside the 30 s a pod is given by default between SIGTERM and SIGKILL. */
  static final Duration WAIT = Duration.ofSeconds(20);

  private final CountDownLatch reported = new CountDownLatch(1);
  private final Thread hook;

  SigtermHook(MigrationStop stop) {
    hook =
        new Thread(
            () -> {
              stop.stop(MigrationStop.Cause.SIGTERM);
              try {
                reported.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "migrate-sigterm");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** The run has reported: a SIGTERM from now on ends the process at once. */
  @Override
  public void close() {
    reported.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running: it returns now that the report is out
    }
  }
}
