package dev.schemagate.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.schema.FlywayCheck.Entry;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlywayCheckTest {

  static Entry ok(String version) {
    return new Entry(version, "V" + version + "__x.sql", true, "SQL");
  }

  @Test
  void highestSuccessfulVersionWins() {
    FlywayCheck check =
        FlywayCheck.evaluate("h", "117", List.of(ok("1"), ok("117"), ok("99"), ok("116")));

    assertThat(check.highestVersion()).isEqualTo("117");
    assertThat(check.passed()).isTrue();
    assertThat(check.problem()).isNull();
  }

  @Test
  void failedEntriesAreListedInHistoryOrderAndDoNotCountAsApplied() {
    FlywayCheck check =
        FlywayCheck.evaluate(
            "h",
            null,
            List.of(
                ok("115"),
                new Entry("117", "V117__routing.sql", false, "SQL"),
                new Entry(null, "R__views.sql", false, "SQL")));

    assertThat(check.highestVersion()).isEqualTo("115");
    assertThat(check.failedMigrations())
        .containsExactly("117 V117__routing.sql", "repeatable R__views.sql");
    assertThat(check.problem())
        .isEqualTo("Failed Flyway migrations: [117 V117__routing.sql, repeatable R__views.sql]");
  }

  @Test
  void failuresAndAShortHistoryAreBothSaid() {
    FlywayCheck check =
        FlywayCheck.evaluate(
            "h", "117", List.of(ok("116"), new Entry("117", "V117__r.sql", false, "SQL")));

    assertThat(check.problem())
        .isEqualTo("Failed Flyway migrations: [117 V117__r.sql]; Flyway history at 116, needs 117");
  }

  @Test
  void baselineCountsAndDeletedVersionsDoNot() {
    FlywayCheck check =
        FlywayCheck.evaluate(
            "h",
            "117",
            List.of(
                new Entry("100", "<< Flyway Baseline >>", true, "BASELINE"),
                ok("117"),
                new Entry("117", "V117__x.sql", true, "DELETE")));

    assertThat(check.highestVersion()).isEqualTo("100");
    assertThat(check.problem()).isEqualTo("Flyway history at 100, needs 117");
  }

  @Test
  void missingTable() {
    FlywayCheck check = FlywayCheck.tableMissing("flyway_schema_history", null);

    assertThat(check.passed()).isFalse();
    assertThat(check.problem()).isEqualTo("Flyway history table flyway_schema_history not found");
  }
}
