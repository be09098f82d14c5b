package dev.schemagate.schema;

import dev.schemagate.api.SchemaStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result of one schema check: exactly what is missing, in the order the requirements list it,
 * and a message in the words users know from the migration checkpoints ({@code Missing columns in
 * calendar_routing_rules: [question_text]}). A pure value; the database is not involved.
 *
 * <p>Columns and indexes of a missing table are not listed again: the missing table says it all.
 *
 * @param schema the PostgreSQL schema that was checked
 * @param schemaFound false when that schema does not exist (every table is then missing too)
 * @param missingTables required tables not found, in requirement order
 * @param missingColumnsByTable per table that exists, its required columns not found
 * @param missingIndexesByTable per table that exists, its required indexes not found on it
 * @param flyway the Flyway history verdict, null when none was required
 * @param checked how many objects were required, for the success message
 * @param elsewhere other schemas holding tables of the same names as missing ones (the usual cause:
 *     the migration ran with another search_path), empty when none or not looked up
 */
public record SchemaReport(
    String schema,
    boolean schemaFound,
    List<String> missingTables,
    Map<String, List<String>> missingColumnsByTable,
    Map<String, List<String>> missingIndexesByTable,
    FlywayCheck flyway,
    Checked checked,
    List<String> elsewhere) {

  /** How many tables, columns and indexes the requirements asked for. */
  public record Checked(int tables, int columns, int indexes) {

    static Checked of(SchemaRequirements requirements) {
      return new Checked(
          requirements.tables().size(), requirements.columnCount(), requirements.indexCount());
    }
  }

  public SchemaReport {
    elsewhere = List.copyOf(elsewhere);
    missingTables = List.copyOf(missingTables);
    missingColumnsByTable = copy(missingColumnsByTable);
    missingIndexesByTable = copy(missingIndexesByTable);
  }

  /** True when the schema, every required object and (if asked) the Flyway history are fine. */
  public boolean verified() {
    return schemaFound
        && missingTables.isEmpty()
        && missingColumnsByTable.isEmpty()
        && missingIndexesByTable.isEmpty()
        && (flyway == null || flyway.passed());
  }

  /** Missing columns as {@code <table>.<column>}, the form status uses. */
  public List<String> missingColumns() {
    return qualified(missingColumnsByTable);
  }

  /** Missing indexes as {@code <table>.<index>}, the form status uses. */
  public List<String> missingIndexes() {
    return qualified(missingIndexesByTable);
  }

  /** Highest successful Flyway version, null when not checked or none applied. */
  public String flywayVersion() {
    return flyway == null ? null : flyway.highestVersion();
  }

  /** Failed Flyway entries as {@code <version> <script>}; empty when not checked. */
  public List<String> failedMigrations() {
    return flyway == null ? List.of() : flyway.failedMigrations();
  }

  /** What is wrong with the Flyway history, null when nothing is (or it was not checked). */
  public String flywayProblem() {
    return flyway == null ? null : flyway.problem();
  }

  /**
   * One line for status, Events and logs. Problems come in a fixed order (schema, tables, columns,
   * indexes, Flyway), separated by {@code "; "}, e.g. {@code Missing tables: [business_calendars];
   * Missing columns in calendar_routing_rules: [question_text]; Flyway history at 116, needs 117}.
   * Lists are cut after {@value ReportText#MAX_ITEMS} items, and the line after {@value
   * ReportText#MESSAGE_LIMIT} characters (the problems left out are counted).
   */
  public String message() {
    List<String> problems = new ArrayList<>();
    if (!schemaFound) {
      problems.add("Schema " + schema + " not found");
    }
    if (!missingTables.isEmpty()) {
      problems.add(
          "Missing tables: "
              + ReportText.list(missingTables)
              + (elsewhere.isEmpty()
                  ? ""
                  : " (tables of these names exist in schema "
                      + ReportText.items(elsewhere)
                      + ": check spec.database.schema and the migration's search_path)"));
    }
    perTable(problems, "Missing columns in ", missingColumnsByTable);
    perTable(problems, "Missing indexes on ", missingIndexesByTable);
    if (flywayProblem() != null) {
      problems.add(flywayProblem());
    }
    if (!problems.isEmpty()) {
      return ReportText.join(problems);
    }
    String passed =
        "Schema check passed: "
            + ReportText.count(checked.tables(), "table", "tables")
            + ", "
            + ReportText.count(checked.columns(), "column", "columns")
            + ", "
            + ReportText.count(checked.indexes(), "index", "indexes")
            + " present";
    if (flyway != null) {
      passed +=
          flyway.highestVersion() == null
              ? "; Flyway history empty"
              : "; Flyway history at " + flyway.highestVersion();
    }
    return passed;
  }

  /**
   * Writes the findings into status. Lists are written even when empty, so that a status patch
   * clears what an earlier check reported missing. Each keeps its first {@value
   * ReportText#STATUS_MAX_ITEMS} entries; when there are more, its {@code ...Total} says how many
   * (else it is null), so that thousands of missing objects cannot make status too large to write.
   * Revision and time are left to the caller.
   */
  public void writeTo(SchemaStatus status) {
    List<String> columns = missingColumns();
    List<String> indexes = missingIndexes();
    List<String> failed = failedMigrations();
    status.setVerified(verified());
    status.setMissingTables(ReportText.head(missingTables));
    status.setMissingTablesTotal(ReportText.totalIfCut(missingTables));
    status.setMissingColumns(ReportText.head(columns));
    status.setMissingColumnsTotal(ReportText.totalIfCut(columns));
    status.setMissingIndexes(ReportText.head(indexes));
    status.setMissingIndexesTotal(ReportText.totalIfCut(indexes));
    status.setFlywayVersion(flywayVersion());
    status.setFailedMigrations(ReportText.head(failed));
    status.setFailedMigrationsTotal(ReportText.totalIfCut(failed));
    status.setMessage(message());
  }

  /** A fresh status for the given revision, checked at the given time. */
  public SchemaStatus toStatus(String revision, Instant checkedAt) {
    SchemaStatus status = new SchemaStatus();
    status.setRevision(revision);
    status.setCheckedAt(checkedAt == null ? null : checkedAt.toString());
    writeTo(status);
    return status;
  }

  private static void perTable(List<String> problems, String prefix, Map<String, List<String>> m) {
    int shown = 0;
    for (Map.Entry<String, List<String>> entry : m.entrySet()) {
      if (shown++ == ReportText.MAX_ITEMS) {
        problems.add(prefix + (m.size() - ReportText.MAX_ITEMS) + " more tables");
        return;
      }
      problems.add(prefix + entry.getKey() + ": " + ReportText.list(entry.getValue()));
    }
  }

  private static List<String> qualified(Map<String, List<String>> byTable) {
    List<String> result = new ArrayList<>();
    byTable.forEach((table, names) -> names.forEach(name -> result.add(table + "." + name)));
    return List.copyOf(result);
  }

  private static Map<String, List<String>> copy(Map<String, List<String>> byTable) {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    byTable.forEach(
        (table, names) -> {
          if (!names.isEmpty()) {
            copy.put(table, List.copyOf(names));
          }
        });
    return Collections.unmodifiableMap(copy);
  }
}
