package dev.schemagate.testing;

/** Flyway's history table and its rows, written by hand for tests that read them. */
public final class FlywayHistoryRows {

  private FlywayHistoryRows() {}

  /** The Flyway 9 history table, as Flyway creates it. */
  public static String flywayHistoryDdl(String quotedName) {
    return "CREATE TABLE "
        + quotedName
        + " (installed_rank INT PRIMARY KEY, version VARCHAR(50), description VARCHAR(200) NOT"
        + " NULL, type VARCHAR(20) NOT NULL, script VARCHAR(1000) NOT NULL, checksum INT,"
        + " installed_by VARCHAR(100) NOT NULL, installed_on TIMESTAMP NOT NULL DEFAULT now(),"
        + " execution_time INT NOT NULL, success BOOLEAN NOT NULL)";
  }

  /** One history row: {@code V<version>__<description>.sql}, as Flyway records it. */
  public static String flywayRow(String quotedName, int rank, String version, boolean success) {
    String script = "V" + version.replace('.', '_') + "__step_" + rank + ".sql";
    return "INSERT INTO "
        + quotedName
        + " (installed_rank, version, description, type, script, installed_by, execution_time,"
        + " success) VALUES ("
        + rank
        + ", '"
        + version
        + "', 'step "
        + rank
        + "', 'SQL', '"
        + script
        + "', 'app', 1, "
        + success
        + ")";
  }
}
