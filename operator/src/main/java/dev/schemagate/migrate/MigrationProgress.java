package dev.schemagate.migrate;

import java.time.Duration;
import java.util.Map;
import java.util.function.LongSupplier;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;

/**
 * Follows the run: one line per migration applied, and which migration is running now, for the
 * heartbeat and for the report when the run is stopped. Refuses to start another migration once a
 * stop was asked for, so that a stop between two migrations ends the run there.
 */
final class MigrationProgress implements Callback {

  /** The migration running now and since when; null between migrations. */
  record Running(MigrationInfo migration, long startedNanos) {}

  private final MigrationOutput output;
  private final LongSupplier nanoTime;
  private volatile Running running;
  private volatile MigrationStop.Cause stopped;
  private volatile MigrationInfo lastApplied;
  private int applied;

  MigrationProgress(MigrationOutput output, LongSupplier nanoTime) {
    this.output = output;
    this.nanoTime = nanoTime;
  }

  @Override
  public boolean supports(Event event, Context context) {
    return event == Event.BEFORE_EACH_MIGRATE
        || event == Event.AFTER_EACH_MIGRATE
        || event == Event.AFTER_EACH_MIGRATE_ERROR;
  }

  @Override
  public boolean canHandleInTransaction(Event event, Context context) {
    return true;
  }

  @Override
  public void handle(Event event, Context context) {
    MigrationInfo migration = context.getMigrationInfo();
    if (event == Event.BEFORE_EACH_MIGRATE) {
      MigrationStop.Cause cause = stopped;
      if (cause != null) {
        throw new FlywayException(
            "stopped before " + FlywayMigration.name(migration) + ": " + cause.text());
      }
      running = new Running(migration, nanoTime.getAsLong());
      return;
    }
    Running was = running;
    running = null;
    if (event == Event.AFTER_EACH_MIGRATE && was != null) {
      applied++;
      lastApplied = migration;
      long millis = elapsed(was).toMillis();
      output.info(
          "   applied "
              + FlywayMigration.name(migration)
              + " ("
              + migration.getScript()
              + ") in "
              + millis
              + " ms",
          Map.of(
              "migration", FlywayMigration.name(migration),
              "file", migration.getScript(),
              "millis", millis));
    }
  }

  /** The migration running now, or null. */
  Running running() {
    return running;
  }

  /** No further migration starts; the one running is left to {@link MigrationStop}. */
  void stop(MigrationStop.Cause cause) {
    stopped = cause;
  }

  MigrationStop.Cause stopped() {
    return stopped;
  }

  int applied() {
    return applied;
  }

  MigrationInfo lastApplied() {
    return lastApplied;
  }

  Duration elapsed(Running run) {
    return Duration.ofNanos(nanoTime.getAsLong() - run.startedNanos());
  }

  @Override
  public String getCallbackName() {
    return "schemagate-progress";
  }
}
