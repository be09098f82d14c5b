package dev.schemagate.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.api.SchemaStatus;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SchemaReportTest {

  static final SchemaReport.Checked CHECKED = new SchemaReport.Checked(5, 7, 2);

  static SchemaReport report(
      List<String> tables,
      Map<String, List<String>> columns,
      Map<String, List<String>> indexes,
      FlywayCheck flyway) {
    return new SchemaReport("public", true, tables, columns, indexes, flyway, CHECKED, List.of());
  }

  @Test
  void everyKindOfProblemInOneStableLine() {
    Map<String, List<String>> columns = new LinkedHashMap<>();
    columns.put("calendar_routing_rules", List.of("question_text"));
    columns.put("leads", List.of("phone", "email"));
    SchemaReport report =
        report(
            List.of("business_calendars", "scheduled_message_rules"),
            columns,
            Map.of("business", List.of("idx_business_active")),
            FlywayCheck.evaluate(
                "flyway_schema_history",
                "117",
                List.of(new FlywayCheck.Entry("116", "V116__x.sql", true, "SQL"))));

    assertThat(report.verified()).isFalse();
    assertThat(report.message())
        .isEqualTo(
            "Missing tables: [business_calendars, scheduled_message_rules]; Missing columns in"
                + " calendar_routing_rules: [question_text]; Missing columns in leads: [phone,"
                + " email]; Missing indexes on business: [idx_business_active]; Flyway history at"
                + " 116, needs 117");
    assertThat(report.missingColumns())
        .containsExactly("calendar_routing_rules.question_text", "leads.phone", "leads.email");
    assertThat(report.missingIndexes()).containsExactly("business.idx_business_active");
  }

  @Test
  void writtenIntoStatusWithEmptyListsThatClearEarlierFindings() {
    SchemaStatus status = new SchemaStatus();
    status.setMissingTables(List.of("business"));
    status.setMissingColumns(List.of("leads.phone"));

    report(List.of(), Map.of(), Map.of(), null).writeTo(status);

    assertThat(status.getVerified()).isTrue();
    assertThat(status.getMissingTables()).isEmpty();
    assertThat(status.getMissingColumns()).isEmpty();
    assertThat(status.getMissingIndexes()).isEmpty();
    assertThat(status.getFailedMigrations()).isEmpty();
    assertThat(status.getFlywayVersion()).isNull();
    assertThat(status.getMessage())
        .isEqualTo("Schema check passed: 5 tables, 7 columns, 2 indexes present");
  }

  @Test
  void freshStatusCarriesRevisionAndTime() {
    FlywayCheck flyway =
        FlywayCheck.evaluate(
            "h",
            "117",
            List.of(
                new FlywayCheck.Entry("117", "V117__a.sql", true, "SQL"),
                new FlywayCheck.Entry("118", "V118__b.sql", false, "SQL")));

    SchemaStatus status =
        report(List.of(), Map.of(), Map.of(), flyway)
            .toStatus("3f9a1c2e0b", Instant.parse("2026-11-24T10:00:00Z"));

    assertThat(status.getRevision()).isEqualTo("3f9a1c2e0b");
    assertThat(status.getCheckedAt()).isEqualTo("2026-11-24T10:00:00Z");
    assertThat(status.getVerified()).isFalse();
    assertThat(status.getFlywayVersion()).isEqualTo("117");
    assertThat(status.getFailedMigrations()).containsExactly("118 V118__b.sql");
    assertThat(status.getMessage()).isEqualTo("Failed Flyway migrations: [118 V118__b.sql]");
  }

  @Test
  void longListsAreCutInTheMessageButNotInStatus() {
    List<String> tables = IntStream.range(0, 45).mapToObj(i -> "t" + i).toList();

    SchemaReport report = report(tables, Map.of(), Map.of(), null);

    assertThat(report.message())
        .isEqualTo(
            "Missing tables: [t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11, t12, t13, t14, t15,"
                + " t16, t17, t18, t19, ... 25 more]");
    assertThat(report.toStatus("r", null).getMissingTables()).hasSize(45);
  }

  @Test
  void manyTablesWithMissingColumnsAreSummed() {
    Map<String, List<String>> columns = new LinkedHashMap<>();
    IntStream.range(0, 23).forEach(i -> columns.put("t" + i, List.of("c")));

    String message = report(List.of(), columns, Map.of(), null).message();

    assertThat(message).startsWith("Missing columns in t0: [c]; Missing columns in t1: [c];");
    assertThat(message).endsWith("Missing columns in t19: [c]; Missing columns in 3 more tables");
  }

  @Test
  void successMessageMentionsFlyway() {
    FlywayCheck flyway =
        FlywayCheck.evaluate(
            "h", "2.9", List.of(new FlywayCheck.Entry("2.10", "V2_10__a.sql", true, "SQL")));

    assertThat(report(List.of(), Map.of(), Map.of(), flyway).message())
        .isEqualTo(
            "Schema check passed: 5 tables, 7 columns, 2 indexes present; Flyway history at 2.10");
    assertThat(
            report(List.of(), Map.of(), Map.of(), FlywayCheck.evaluate("h", null, List.of()))
                .message())
        .endsWith("; Flyway history empty");
  }
}
