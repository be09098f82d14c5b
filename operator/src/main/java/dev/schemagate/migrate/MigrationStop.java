package dev.schemagate.migrate;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Stops a run that must end (its deadline passed, or the pod is being stopped with SIGTERM): no
 * further migration starts, and the statement running now is cancelled on the server, every second
 * until the run has ended, so that the migration fails where it is and the main thread reports
 * which one it was and in what state it leaves the database. Left alone, a statement goes on
 * running on the server after the process is gone (PostgreSQL notices a vanished client only when
 * it next writes to it), and the next run would find it still holding its locks.
 *
 * <p>Statements on the history table are not cancelled: Flyway records the failure there.
 */
final class MigrationStop {

  /** Why the run was stopped, in words for its report. */
  record Cause(String text) {
    static Cause deadline(Duration deadline) {
      return new Cause("its deadline of " + deadline.toSeconds() + " s passed");
    }

    static final Cause SIGTERM = new Cause("SIGTERM received (the pod is being stopped)");
  }

  static final Duration CANCEL_EVERY = Duration.ofSeconds(1);

  private final PostgresDataSource dataSource;
  private final MigrationProgress progress;
  private final MigrationOutput output;
  private final String historyTable;
  private final ScheduledExecutorService canceller =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "migrate-stop");
            thread.setDaemon(true);
            return thread;
          });

  MigrationStop(
      PostgresDataSource dataSource,
      MigrationProgress progress,
      MigrationOutput output,
      String historyTable) {
    this.dataSource = dataSource;
    this.progress = progress;
    this.output = output;
    this.historyTable = historyTable;
  }

  /** Stops the run; the first cause wins. */
  synchronized void stop(Cause cause) {
    if (progress.stopped() != null) {
      return;
    }
    progress.stop(cause);
    MigrationProgress.Running running = progress.running();
    output.warn(
        "⏹ stopping: "
            + cause.text()
            + (running == null
                ? ""
                : " while applying "
                    + FlywayMigration.name(running.migration())
                    + " ("
                    + running.migration().getScript()
                    + ") for "
                    + progress.elapsed(running).toSeconds()
                    + " s: cancelling its statement"));
    canceller.scheduleWithFixedDelay(
        this::cancelRunningStatements, 0, CANCEL_EVERY.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The run has ended: nothing more to cancel. */
  void close() {
    canceller.shutdownNow();
  }

  private void cancelRunningStatements() {
    Set<Integer> pids = dataSource.backendPids();
    if (pids.isEmpty()) {
      return;
    }
    try (Connection connection = dataSource.getConnection();
        PreparedStatement cancel =
            connection.prepareStatement(
                "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE pid = ANY (?) AND pid"
                    + " <> pg_backend_pid() AND state = 'active' AND position(? in query) = 0")) {
      Array array = connection.createArrayOf("int4", pids.toArray());
      cancel.setArray(1, array);
      cancel.setString(2, historyTable);
      try (ResultSet ignored = cancel.executeQuery()) {
        // each row is one statement asked to stop
      }
    } catch (SQLException | RuntimeException e) {
      // Tried again in a second; the read timeout bounds a database that does not answer.
    }
  }
}
