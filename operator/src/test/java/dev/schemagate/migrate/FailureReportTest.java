package dev.schemagate.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What a failure or a stop leaves, and what to do: the report as a table of cases. */
class FailureReportTest {

  static final StatementError INDEX =
      new StatementError(
          "V2__hits.sql",
          1,
          "CREATE INDEX CONCURRENTLY idx_hits ON poststats (hits)",
          "canceling statement due to user request",
          "57014");

  static List<String> lines(FailureReport report) {
    return report.lines().stream().map(FailureReport.Line::text).toList();
  }

  @Test
  void aTransactionalFailureWasRolledBackAndIsFixedByANewScript() {
    List<String> lines =
        lines(
            new FailureReport(
                "V3 orders", INDEX, true, false, null, "public", "flyway_schema_history", "2"));

    assertThat(lines.get(0))
        .isEqualTo(
            "❌ MIGRATION FAILED: V3 orders (V2__hits.sql, line 1): canceling statement due to user"
                + " request [SQL state 57014] in: CREATE INDEX CONCURRENTLY idx_hits ON poststats"
                + " (hits)");
    assertThat(lines.get(1)).contains("rolled back").contains("(version 2)");
    assertThat(lines.get(2)).contains("fix the script");
    assertThat(String.join("\n", lines)).doesNotContain("repair");
  }

  @Test
  void aNonTransactionalFailureRecordedAsFailedNeedsTheRepair() {
    List<String> lines =
        lines(
            new FailureReport("V2 hits", INDEX, false, true, null, "shop", "schema_version", "1"));

    assertThat(lines.get(1))
        .contains("ran outside a transaction")
        .contains("left INVALID")
        .contains("records it as failed");
    assertThat(lines.get(2))
        .contains("DROP INDEX CONCURRENTLY IF EXISTS")
        .contains("schemagate migrate --repair")
        .contains("DELETE FROM shop.schema_version WHERE NOT success")
        .contains(FailureReport.REPAIR_DOCS);
  }

  @Test
  void aNonTransactionalFailureNotRecordedNeedsNoHistoryRepair() {
    List<String> lines =
        lines(new FailureReport("V2 hits", INDEX, false, false, null, "shop", "t", "1"));

    assertThat(lines.get(1)).contains("the history does not record it");
    assertThat(lines.get(2)).doesNotContain("--repair").doesNotContain("DELETE");
  }

  @Test
  void aStopSaysWhyAndATransactionalOneIsRunAgain() {
    List<String> lines =
        lines(
            new FailureReport(
                "V2 slow",
                INDEX,
                true,
                false,
                MigrationStop.Cause.SIGTERM,
                "public",
                "flyway_schema_history",
                "1"));

    assertThat(lines.get(0))
        .startsWith(
            "⏹ MIGRATION STOPPED: SIGTERM received (the pod is being stopped), while applying V2"
                + " slow (V2__hits.sql, line 1)");
    assertThat(lines.get(2)).contains("run migrate again").contains("activeDeadlineSeconds");
  }

  @Test
  void aStopBetweenTwoMigrationsLeavesTheHistoryWhole() {
    List<String> lines =
        lines(
            new FailureReport(
                null,
                null,
                true,
                false,
                MigrationStop.Cause.deadline(java.time.Duration.ofSeconds(60)),
                "public",
                "flyway_schema_history",
                "7"));

    assertThat(lines)
        .containsExactly(
            "⏹ MIGRATION STOPPED: its deadline of 60 s passed, between two migrations",
            "❌ state: no migration was running; the history is at version 7 and records every"
                + " migration applied. Run migrate again to go on.");
  }

  @Test
  void theFailureLineCarriesItsDetailsForJson() {
    FailureReport.Line first =
        new FailureReport("V2 hits", INDEX, false, true, null, "public", "t", "1").lines().get(0);

    assertThat(first.details())
        .containsEntry("migration", "V2 hits")
        .containsEntry("file", "V2__hits.sql")
        .containsEntry("line", 1)
        .containsEntry("sqlState", "57014")
        .containsEntry("transactional", "false");
  }
}
