package dev.schemagate.migrate;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Watches the clock beside the run: says every {@link #HEARTBEAT} which migration is still running
 * (a long index build would otherwise leave the log silent for minutes), and stops the run when its
 * deadline passes.
 */
final class MigrationWatchdog implements AutoCloseable {

  static final Duration HEARTBEAT = Duration.ofSeconds(30);

  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "migrate-watchdog");
            thread.setDaemon(true);
            return thread;
          });

  /**
   * @param deadline when to stop the run; null for never
   */
  MigrationWatchdog(
      MigrationProgress progress, MigrationStop stop, MigrationOutput output, Duration deadline) {
    this(progress, stop, output, deadline, HEARTBEAT);
  }

  MigrationWatchdog(
      MigrationProgress progress,
      MigrationStop stop,
      MigrationOutput output,
      Duration deadline,
      Duration heartbeat) {
    timer.scheduleAtFixedRate(
        () -> heartbeat(progress, output),
        heartbeat.toMillis(),
        heartbeat.toMillis(),
        TimeUnit.MILLISECONDS);
    if (deadline != null) {
      timer.schedule(
          () -> stop.stop(MigrationStop.Cause.deadline(deadline)),
          deadline.toMillis(),
          TimeUnit.MILLISECONDS);
    }
  }

  private static void heartbeat(MigrationProgress progress, MigrationOutput output) {
    MigrationProgress.Running running = progress.running();
    if (running == null || progress.stopped() != null) {
      return;
    }
    long seconds = progress.elapsed(running).toSeconds();
    output.info(
        "   still applying "
            + FlywayMigration.name(running.migration())
            + " ("
            + running.migration().getScript()
            + "): "
            + seconds
            + " s",
        Map.of(
            "migration",
            FlywayMigration.name(running.migration()),
            "file",
            running.migration().getScript(),
            "seconds",
            seconds));
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
