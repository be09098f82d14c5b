package dev.schemagate.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.api.AppDeploymentStatus;
import dev.schemagate.api.Crd;
import dev.schemagate.api.SchemaStatus;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
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

  /** A name of exactly 63 bytes (PostgreSQL's longest), unique by {@code n}. */
  static String longest(String prefix, int n) {
    String name = prefix + n + "_";
    return name + "x".repeat(63 - name.length());
  }

  static int serializedBytes(SchemaStatus schema) {
    AppDeploymentStatus status = new AppDeploymentStatus();
    status.setSchema(schema);
    return new KubernetesSerialization().asJson(status).getBytes(StandardCharsets.UTF_8).length;
  }

  @Test
  void fiveThousandMissingColumnsAreCountedAndTheFirstNamedExactly() {
    Map<String, List<String>> columns = new LinkedHashMap<>();
    for (int t = 0; t < 50; t++) {
      columns.put(
          "orders_archive_" + t,
          IntStream.range(0, 100).mapToObj(c -> "legacy_column_" + c).toList());
    }

    SchemaStatus status =
        report(List.of(), columns, Map.of(), null)
            .toStatus("3f9a1c2e0b", Instant.parse("2026-11-24T10:00:00Z"));

    assertThat(status.getVerified()).isFalse();
    assertThat(status.getMissingColumns())
        .hasSize(ReportText.STATUS_MAX_ITEMS)
        .startsWith("orders_archive_0.legacy_column_0", "orders_archive_0.legacy_column_1")
        .endsWith("orders_archive_0.legacy_column_99");
    assertThat(status.getMissingColumnsTotal()).isEqualTo(5000);
    assertThat(status.getMissingTablesTotal()).as("not cut: no count").isNull();
    assertThat(status.getMissingIndexesTotal()).isNull();
    assertThat(status.getFailedMigrationsTotal()).isNull();
    assertThat(status.getMessage())
        .startsWith(
            "Missing columns in orders_archive_0: [legacy_column_0, legacy_column_1,"
                + " legacy_column_2,")
        .contains("legacy_column_19, ... 80 more]")
        .hasSizeLessThanOrEqualTo(ReportText.MESSAGE_LIMIT);
    assertThat(serializedBytes(status)).isLessThan(64 * 1024);
  }

  @Test
  void listsOfAHundredOrFewerAreKeptWholeWithoutACount() {
    List<String> tables = IntStream.range(0, 100).mapToObj(i -> "t" + i).toList();

    SchemaStatus status = report(tables, Map.of(), Map.of(), null).toStatus("r", null);

    assertThat(status.getMissingTables()).isEqualTo(tables);
    assertThat(status.getMissingTablesTotal()).isNull();
  }

  /** Everything missing at once, every name as long as PostgreSQL allows. */
  @Test
  void statusStaysSmallWhenEverythingIsMissingWithTheLongestNames() {
    List<String> tables = IntStream.range(0, 5000).mapToObj(i -> longest("t", i)).toList();
    Map<String, List<String>> columns = new LinkedHashMap<>();
    Map<String, List<String>> indexes = new LinkedHashMap<>();
    for (int t = 0; t < 500; t++) {
      List<String> names = IntStream.range(0, 10).mapToObj(c -> longest("c", c)).toList();
      columns.put(longest("table", t), names);
      indexes.put(longest("table", t), names);
    }
    List<FlywayCheck.Entry> history = new ArrayList<>();
    for (int v = 1; v <= 5000; v++) {
      history.add(
          new FlywayCheck.Entry(
              Integer.toString(v), "V" + v + "__" + longest("repair", v) + ".sql", false, "SQL"));
    }
    SchemaReport report =
        new SchemaReport(
            "public",
            true,
            tables,
            columns,
            indexes,
            FlywayCheck.evaluate("flyway_schema_history", "6000", history),
            CHECKED,
            IntStream.range(0, 3000).mapToObj(i -> longest("tenant", i)).toList());

    SchemaStatus status = report.toStatus("3f9a1c2e0b", Instant.parse("2026-11-24T10:00:00Z"));

    assertThat(status.getMissingTables()).hasSize(100).isEqualTo(tables.subList(0, 100));
    assertThat(status.getMissingTablesTotal()).isEqualTo(5000);
    assertThat(status.getMissingColumns())
        .hasSize(100)
        .isEqualTo(report.missingColumns().subList(0, 100));
    assertThat(status.getMissingColumnsTotal()).isEqualTo(5000);
    assertThat(status.getMissingIndexes()).hasSize(100);
    assertThat(status.getMissingIndexesTotal()).isEqualTo(5000);
    assertThat(status.getFailedMigrations())
        .hasSize(100)
        .startsWith("1 V1__" + longest("repair", 1) + ".sql");
    assertThat(status.getFailedMigrationsTotal()).isEqualTo(5000);
    assertThat(status.getMessage())
        .hasSizeLessThanOrEqualTo(ReportText.MESSAGE_LIMIT)
        .startsWith("Missing tables: [" + tables.get(0) + ", " + tables.get(1) + ", ")
        .contains(", ... 2980 more: check spec.database.schema")
        .endsWith("more problems, see status.schema");
    assertThat(serializedBytes(status)).isLessThan(64 * 1024);
  }

  @Test
  void aSingleProblemLongerThanTheLimitIsCut() {
    List<FlywayCheck.Entry> history = new ArrayList<>();
    for (int v = 1; v <= 30; v++) {
      history.add(
          new FlywayCheck.Entry(
              Integer.toString(v), "V" + v + "__" + "é".repeat(240) + ".sql", false, "SQL"));
    }

    String message =
        report(List.of(), Map.of(), Map.of(), FlywayCheck.evaluate("h", null, history)).message();

    assertThat(message)
        .hasSizeLessThanOrEqualTo(ReportText.MESSAGE_LIMIT)
        .startsWith("Failed Flyway migrations: [1 V1__éé")
        .endsWith("...");
  }

  @Test
  void theCrdDescribesTheBound() {
    String json = new KubernetesSerialization().asJson(Crd.openApiSchema());
    assertThat(json)
        .contains("the first " + ReportText.STATUS_MAX_ITEMS + " (then missingColumnsTotal")
        .contains("the report after " + ReportText.MESSAGE_LIMIT + " characters")
        .contains("cut after " + ReportText.MAX_ITEMS + " items");
  }
}
