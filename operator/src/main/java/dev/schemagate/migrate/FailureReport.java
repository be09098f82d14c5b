package dev.schemagate.migrate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What to tell when a migration failed or was stopped (a pure function): which migration, where and
 * why; what state the database and the history are left in; and how to go on. A transactional
 * migration leaves nothing behind; a non-transactional one (CREATE INDEX CONCURRENTLY, ...) leaves
 * what it did before it failed, and Flyway records it as failed, which blocks every later run until
 * it is repaired.
 *
 * @param migration e.g. {@code V3 orders}; null when no migration was running (stopped between two)
 * @param error where and why; null for a stop between two migrations
 * @param transactional whether the migration ran in a transaction (so was rolled back)
 * @param recordedAsFailed whether the history holds a failed row for it
 * @param stopped why the run was stopped; null for a failure of the migration itself
 * @param schema the migrated schema
 * @param table the history table
 * @param currentVersion the version the history is at now
 */
record FailureReport(
    String migration,
    StatementError error,
    boolean transactional,
    boolean recordedAsFailed,
    MigrationStop.Cause stopped,
    String schema,
    String table,
    String currentVersion) {

  /** The section of docs/operations.md that walks through the repair. */
  static final String REPAIR_DOCS =
      "docs/operations.md, \"Repairing a failed non-transactional migration\"";

  /** One line of the report: its text and, for the JSON form, its details. */
  record Line(String text, Map<String, Object> details) {}

  List<Line> lines() {
    List<Line> lines = new ArrayList<>();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("migration", migration);
    if (error != null) {
      details.putAll(error.details());
    }
    details.put("transactional", String.valueOf(transactional));
    if (stopped != null) {
      details.put("stopped", stopped.text());
    }
    lines.add(new Line(headline(), details));
    if (migration == null) {
      lines.add(
          new Line(
              "❌ state: no migration was running; the history is at version "
                  + currentVersion
                  + " and records every migration applied. Run migrate again to go on.",
              Map.of()));
      return lines;
    }
    if (transactional) {
      lines.add(
          new Line(
              "❌ state: "
                  + migration
                  + " ran in a transaction, which was rolled back: the database and the history are"
                  + " as they were before it (version "
                  + currentVersion
                  + "); migrations before it stay applied.",
              Map.of()));
      lines.add(
          new Line(
              stopped != null
                  ? "❌ to go on: run migrate again; if it needs more time, raise"
                      + " migration.activeDeadlineSeconds (the deadline follows it)."
                  : "❌ to go on: fix the script and run migrate again (a new revision).",
              Map.of()));
      return lines;
    }
    lines.add(
        new Line(
            "❌ state: "
                + migration
                + " ran outside a transaction: what its statements did before it failed stays in"
                + " the database (an index built CONCURRENTLY and stopped is left INVALID), and "
                + (recordedAsFailed
                    ? "the history records it as failed, so every later migrate refuses to run"
                        + " until it is repaired."
                    : "the history does not record it."),
            Map.of()));
    lines.add(
        new Line(
            "❌ to repair: undo or finish what it left (for an index: DROP INDEX CONCURRENTLY IF"
                + " EXISTS <name>), "
                + (recordedAsFailed
                    ? "remove its failed row (schemagate migrate --repair, or DELETE FROM "
                        + schema
                        + "."
                        + table
                        + " WHERE NOT success), "
                    : "")
                + "then run migrate again; see "
                + REPAIR_DOCS
                + ".",
            Map.of()));
    return lines;
  }

  private String headline() {
    if (stopped != null) {
      String where =
          migration == null ? "between two migrations" : "while applying " + migration + at();
      return "⏹ MIGRATION STOPPED: " + stopped.text() + ", " + where + reason();
    }
    return "❌ MIGRATION FAILED: "
        + (migration == null ? "a migration" : migration)
        + at()
        + reason();
  }

  private String at() {
    if (error == null || error.where().isEmpty()) {
      return "";
    }
    return " (" + error.where() + ")";
  }

  private String reason() {
    return error == null ? "" : ": " + error.text();
  }
}
