package dev.schemagate.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

/**
 * The database's own record of which revisions of which application were migrated into it: the
 * table {@value #TABLE} in the application's schema, one row per (application, revision).
 *
 * <p>Why in the database: status and Jobs live and die with the AppDeployment, so an AppDeployment
 * deleted and created again (or a second cluster deploying the same application onto the same
 * database) would run a migration that already ran. The database outlives both, and is the thing a
 * migration changed.
 *
 * <p>Names and values go in as bound parameters and quoted identifiers, never into the SQL text.
 * Each statement is bounded by its own query timeout; the connector bounds the socket.
 */
public final class MigratedRevisions {

  /** The table's name, in the application's schema. */
  public static final String TABLE = "schemagate_revisions";

  private MigratedRevisions() {}

  /**
   * When {@code revision} of {@code app} finished migrating, or empty when the table does not exist
   * or has no such row.
   */
  public static Optional<Instant> lookUp(
      Connection connection, String schema, String app, String revision, int timeoutSeconds)
      throws SQLException {
    try (PreparedStatement exists = connection.prepareStatement("SELECT to_regclass(?)")) {
      exists.setQueryTimeout(timeoutSeconds);
      exists.setString(1, qualified(schema));
      try (ResultSet row = exists.executeQuery()) {
        if (!row.next() || row.getString(1) == null) {
          return Optional.empty();
        }
      }
    }
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT finished_at FROM " + qualified(schema) + " WHERE app = ? AND revision = ?")) {
      query.setQueryTimeout(timeoutSeconds);
      query.setString(1, app);
      query.setString(2, revision);
      try (ResultSet row = query.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        Timestamp finished = row.getTimestamp(1);
        return Optional.of(finished == null ? Instant.EPOCH : finished.toInstant());
      }
    }
  }

  /**
   * Records that {@code revision} of {@code app} finished migrating at {@code finishedAt}, creating
   * the table first if needed. A revision recorded before keeps its first time.
   */
  public static void record(
      Connection connection,
      String schema,
      String app,
      String revision,
      Instant finishedAt,
      int timeoutSeconds)
      throws SQLException {
    try (Statement create = connection.createStatement()) {
      create.setQueryTimeout(timeoutSeconds);
      create.execute(
          "CREATE TABLE IF NOT EXISTS "
              + qualified(schema)
              + " (app text NOT NULL, revision text NOT NULL, finished_at timestamptz,"
              + " recorded_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (app, revision))");
    }
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO "
                + qualified(schema)
                + " (app, revision, finished_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
      insert.setQueryTimeout(timeoutSeconds);
      insert.setString(1, app);
      insert.setString(2, revision);
      insert.setTimestamp(3, finishedAt == null ? null : Timestamp.from(finishedAt));
      insert.executeUpdate();
    }
  }

  /** {@code "schema"."schemagate_revisions"}, the schema name quoted as an identifier. */
  static String qualified(String schema) {
    return "\"" + schema.replace("\"", "\"\"") + "\"." + TABLE;
  }
}
