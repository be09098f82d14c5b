package dev.schemagate.schema;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the Flyway history table. A table name cannot be a bind parameter, so the name is never
 * taken from the requirements: it is the identifier the catalog query built with {@code
 * format('%I.%I')} from the catalog's own schema and table names, i.e. the server's quoting of a
 * table known to exist. Nothing a user wrote is pasted into this SQL.
 */
final class FlywayHistoryQuery {

  private FlywayHistoryQuery() {}

  static List<FlywayCheck.Entry> read(
      Connection connection, String quotedRelation, int timeoutSeconds) throws SQLException {
    String sql =
        "SELECT version, script, success, type FROM " + quotedRelation + " ORDER BY installed_rank";
    List<FlywayCheck.Entry> entries = new ArrayList<>();
    try (Statement statement = connection.createStatement()) {
      statement.setQueryTimeout(timeoutSeconds);
      try (ResultSet rows = statement.executeQuery(sql)) {
        while (rows.next()) {
          entries.add(
              new FlywayCheck.Entry(
                  rows.getString("version"),
                  rows.getString("script"),
                  rows.getBoolean("success"),
                  rows.getString("type")));
        }
      }
    }
    return entries;
  }
}
