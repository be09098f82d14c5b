package dev.schemagate.schema;

import static dev.schemagate.testing.FlywayHistoryRows.flywayHistoryDdl;
import static dev.schemagate.testing.FlywayHistoryRows.flywayRow;
import static dev.schemagate.testkit.TestPostgres.exec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.schema.SchemaRequirements.Flyway;
import dev.schemagate.schema.SchemaRequirements.Table;
import dev.schemagate.testkit.PostgresExtension;
import dev.schemagate.testkit.PostgresExtension.FreshSchema;
import dev.schemagate.testkit.TestPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Flyway history part of the check, against a real PostgreSQL and Flyway's table layout. */
@ExtendWith(PostgresExtension.class)
class FlywayHistoryTest {

  static final Duration TIMEOUT = Duration.ofSeconds(5);
  static final String HISTORY = "flyway_schema_history";

  static EmbeddedPostgres pg;

  Connection admin;

  @FreshSchema("flyway")
  String schema;

  @BeforeEach
  void tables() throws SQLException {
    exec(admin, "CREATE TABLE business (id BIGINT)");
  }

  void history(String... versions) throws SQLException {
    exec(admin, flywayHistoryDdl(HISTORY));
    for (int i = 0; i < versions.length; i++) {
      exec(admin, flywayRow(HISTORY, i + 1, versions[i], true));
    }
  }

  SchemaReport verify(String minVersion) throws SQLException {
    return verify(new Flyway(null, minVersion));
  }

  SchemaReport verify(Flyway flyway) throws SQLException {
    SchemaRequirements requirements =
        SchemaRequirements.of(schema, List.of(Table.named("business")), flyway);
    try (Connection connection = TestPostgres.admin(pg)) {
      return SchemaVerifier.verify(connection, requirements, TIMEOUT);
    }
  }

  @Test
  void minimumReached() throws SQLException {
    history("115", "116", "117");

    SchemaReport report = verify("117");

    assertThat(report.verified()).isTrue();
    assertThat(report.flywayVersion()).isEqualTo("117");
    assertThat(report.message())
        .isEqualTo(
            "Schema check passed: 1 table, 0 columns, 0 indexes present; Flyway history at 117");
  }

  @Test
  void minimumNotReached() throws SQLException {
    history("115", "116");

    SchemaReport report = verify("117");

    assertThat(report.verified()).isFalse();
    assertThat(report.flywayVersion()).isEqualTo("116");
    assertThat(report.message()).isEqualTo("Flyway history at 116, needs 117");
  }

  @Test
  void failedEntryIsNamedAndFailsTheCheckEvenAboveTheMinimum() throws SQLException {
    history("115", "116");
    exec(admin, flywayRow(HISTORY, 3, "117", false));

    SchemaReport report = verify("116");

    assertThat(report.verified()).isFalse();
    assertThat(report.flywayVersion()).isEqualTo("116");
    assertThat(report.failedMigrations()).containsExactly("117 V117__step_3.sql");
    assertThat(report.message()).isEqualTo("Failed Flyway migrations: [117 V117__step_3.sql]");
  }

  @Test
  void versionsCompareAsNumbersNotText() throws SQLException {
    history("99", "117", "100");
    assertThat(verify("117").flywayVersion()).isEqualTo("117");
    assertThat(verify("117").verified()).isTrue();
  }

  @Test
  void dottedVersionsComparePartByPart() throws SQLException {
    history("2.9", "2.10", "2.2");

    assertThat(verify("2.10").flywayVersion()).isEqualTo("2.10");
    assertThat(verify("2.10").verified()).isTrue();
    assertThat(verify("2.11").message()).isEqualTo("Flyway history at 2.10, needs 2.11");
  }

  @Test
  void missingHistoryTable() throws SQLException {
    SchemaReport report = verify("117");

    assertThat(report.verified()).isFalse();
    assertThat(report.flywayVersion()).isNull();
    assertThat(report.message()).isEqualTo("Flyway history table flyway_schema_history not found");
  }

  @Test
  void historyTableInAnotherSchemaDoesNotCount() throws SQLException {
    String other = TestPostgres.freshSchema(admin, "otherflyway");
    String elsewhere = other + "." + HISTORY;
    exec(admin, flywayHistoryDdl(elsewhere), flywayRow(elsewhere, 1, "117", true));

    assertThat(verify("117").flywayProblem())
        .isEqualTo("Flyway history table flyway_schema_history not found");
  }

  @Test
  void withoutMinimumOnlyFailuresCount() throws SQLException {
    history("1", "2");

    assertThat(verify((String) null).verified()).isTrue();
    exec(admin, flywayRow(HISTORY, 3, "3", false));
    assertThat(verify((String) null).failedMigrations()).containsExactly("3 V3__step_3.sql");
  }

  @Test
  void customTableNameWithQuotesIsReadSafely() throws SQLException {
    String name = "Flyway \"History\"; --";
    String quoted = "\"Flyway \"\"History\"\"; --\"";
    exec(admin, flywayHistoryDdl(quoted), flywayRow(quoted, 1, "117", true));

    SchemaReport report = verify(new Flyway(name, "117"));

    assertThat(report.verified()).isTrue();
    assertThat(report.flywayVersion()).isEqualTo("117");
  }

  @Test
  void emptyHistoryWithMinimum() throws SQLException {
    history();

    assertThat(verify("1").message())
        .isEqualTo("Flyway history has no successful migration, needs 1");
  }
}
