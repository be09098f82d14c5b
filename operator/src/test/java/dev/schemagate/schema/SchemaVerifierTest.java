package dev.schemagate.schema;

import static dev.schemagate.testkit.TestPostgres.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.schemagate.schema.SchemaRequirements.Table;
import dev.schemagate.testkit.PostgresExtension;
import dev.schemagate.testkit.PostgresExtension.FreshSchema;
import dev.schemagate.testkit.TestPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The catalog part of the check against a real PostgreSQL: what counts as present, and what not.
 */
@ExtendWith(PostgresExtension.class)
class SchemaVerifierTest {

  static final Duration TIMEOUT = Duration.ofSeconds(5);

  static EmbeddedPostgres pg;

  Connection admin;

  @FreshSchema("verify")
  String schema;

  /** The tables of the guide's application, as migration 117 leaves them when it worked. */
  void createProsaasSchema() throws SQLException {
    exec(
        admin,
        "CREATE TABLE business (id BIGINT PRIMARY KEY, name TEXT)",
        "CREATE TABLE leads (id BIGINT PRIMARY KEY, business_id BIGINT)",
        "CREATE TABLE business_calendars (id BIGINT PRIMARY KEY, business_id BIGINT, is_active"
            + " BOOLEAN)",
        "CREATE INDEX idx_business_calendars_business_active ON business_calendars (business_id,"
            + " is_active)",
        "CREATE TABLE calendar_routing_rules (id BIGINT PRIMARY KEY, calendar_id BIGINT,"
            + " question_text TEXT)");
  }

  SchemaRequirements prosaas() {
    return SchemaRequirements.of(
        schema,
        List.of(
            Table.named("business"),
            Table.named("leads"),
            Table.of(
                "business_calendars",
                List.of("id", "business_id", "is_active"),
                List.of("idx_business_calendars_business_active")),
            Table.of("calendar_routing_rules", List.of("question_text"), List.of())),
        null);
  }

  SchemaReport verify(SchemaRequirements requirements) throws SQLException {
    try (Connection connection = TestPostgres.admin(pg)) {
      return SchemaVerifier.verify(connection, requirements, TIMEOUT);
    }
  }

  @Test
  void everythingPresentIsVerified() throws SQLException {
    createProsaasSchema();

    SchemaReport report = verify(prosaas());

    assertThat(report.verified()).isTrue();
    assertThat(report.missingTables()).isEmpty();
    assertThat(report.missingColumns()).isEmpty();
    assertThat(report.missingIndexes()).isEmpty();
    assertThat(report.message())
        .isEqualTo("Schema check passed: 4 tables, 4 columns, 1 index present");
  }

  @Test
  void halfBuiltTableNamesExactlyTheMissingColumn() throws SQLException {
    createProsaasSchema();
    // Migration 115's first attempt created the table; question_text came in a later phase.
    exec(admin, "ALTER TABLE calendar_routing_rules DROP COLUMN question_text");

    SchemaReport report = verify(prosaas());

    assertThat(report.verified()).isFalse();
    assertThat(report.missingTables()).isEmpty();
    assertThat(report.missingColumns()).containsExactly("calendar_routing_rules.question_text");
    assertThat(report.missingIndexes()).isEmpty();
    assertThat(report.message())
        .isEqualTo("Missing columns in calendar_routing_rules: [question_text]");
  }

  @Test
  void droppedColumnCountsAsMissingEvenWhileStillInTheCatalog() throws SQLException {
    exec(admin, "CREATE TABLE leads (id BIGINT, phone TEXT, email TEXT)");
    exec(admin, "ALTER TABLE leads DROP COLUMN phone");
    // The column stays in pg_attribute for the life of the table, renamed and flagged.
    String leftover;
    try (Statement s = admin.createStatement();
        ResultSet rows =
            s.executeQuery(
                "SELECT attname FROM pg_attribute WHERE attrelid = 'leads'::regclass AND"
                    + " attisdropped")) {
      rows.next();
      leftover = rows.getString(1);
    }
    assertThat(leftover).isEqualTo("........pg.dropped.2........");

    SchemaReport report =
        verify(
            SchemaRequirements.of(
                schema,
                List.of(Table.of("leads", List.of("id", "phone", "email", leftover), null)),
                null));

    assertThat(report.missingColumns()).containsExactly("leads.phone", "leads." + leftover);
  }

  @Test
  void missingTablesAreNamedInRequirementOrderWithoutTheirColumns() throws SQLException {
    exec(admin, "CREATE TABLE business (id BIGINT)", "CREATE TABLE leads (id BIGINT)");

    SchemaReport report =
        verify(
            SchemaRequirements.of(
                schema,
                List.of(
                    Table.named("business"),
                    Table.of("business_calendars", List.of("id", "is_active"), List.of("idx_x")),
                    Table.named("leads"),
                    Table.named("scheduled_message_rules")),
                null));

    assertThat(report.missingTables())
        .containsExactly("business_calendars", "scheduled_message_rules");
    assertThat(report.missingColumns()).isEmpty();
    assertThat(report.missingIndexes()).isEmpty();
    assertThat(report.message())
        // Other tests' schemas in this database may hold tables of these names: a hint follows.
        .startsWith("Missing tables: [business_calendars, scheduled_message_rules]");
  }

  @Test
  void missingIndexIsNamedWithItsTable() throws SQLException {
    createProsaasSchema();
    exec(admin, "DROP INDEX idx_business_calendars_business_active");

    SchemaReport report = verify(prosaas());

    assertThat(report.missingIndexes())
        .containsExactly("business_calendars.idx_business_calendars_business_active");
    assertThat(report.message())
        .isEqualTo(
            "Missing indexes on business_calendars: [idx_business_calendars_business_active]");
  }

  @Test
  void indexOfThatNameOnAnotherTableDoesNotCount() throws SQLException {
    exec(
        admin,
        "CREATE TABLE business_calendars (id BIGINT, business_id BIGINT)",
        "CREATE TABLE leads (id BIGINT, business_id BIGINT)",
        "CREATE INDEX idx_business_calendars_business_active ON leads (business_id)");

    SchemaReport report =
        verify(
            SchemaRequirements.of(
                schema,
                List.of(
                    Table.of(
                        "business_calendars",
                        null,
                        List.of("idx_business_calendars_business_active"))),
                null));

    assertThat(report.missingIndexes())
        .containsExactly("business_calendars.idx_business_calendars_business_active");
  }

  @Test
  void constraintIndexesCount() throws SQLException {
    exec(
        admin,
        "CREATE TABLE leads (id BIGINT CONSTRAINT leads_pkey PRIMARY KEY, email TEXT UNIQUE)");

    SchemaReport report =
        verify(
            SchemaRequirements.of(
                schema,
                List.of(Table.of("leads", null, List.of("leads_pkey", "leads_email_key"))),
                null));

    assertThat(report.verified()).isTrue();
  }

  @Test
  void tableInAnotherSchemaDoesNotCountWhateverTheSearchPath() throws SQLException {
    String other = TestPostgres.freshSchema(admin, "other");
    exec(admin, "CREATE TABLE " + other + ".business (id BIGINT)");
    SchemaRequirements inOurs =
        SchemaRequirements.of(schema, List.of(Table.of("business", List.of("id"), null)), null);

    try (Connection connection = TestPostgres.admin(pg)) {
      exec(connection, "SET search_path TO " + other + ", " + schema);
      SchemaReport report = SchemaVerifier.verify(connection, inOurs, TIMEOUT);
      assertThat(report.missingTables()).containsExactly("business");
    }
    SchemaRequirements inOther =
        SchemaRequirements.of(other, List.of(Table.of("business", List.of("id"), null)), null);
    assertThat(verify(inOther).verified()).isTrue();
  }

  @Test
  void tableNamesAreCaseSensitive() throws SQLException {
    exec(admin, "CREATE TABLE \"Order\" (id BIGINT, \"CustomerId\" BIGINT)");

    SchemaReport exact =
        verify(
            SchemaRequirements.of(
                schema, List.of(Table.of("Order", List.of("id", "CustomerId"), null)), null));
    SchemaReport folded =
        verify(
            SchemaRequirements.of(
                schema,
                List.of(Table.named("order"), Table.of("Order", List.of("customerid"), null)),
                null));

    assertThat(exact.verified()).isTrue();
    assertThat(folded.missingTables()).containsExactly("order");
    assertThat(folded.missingColumns()).containsExactly("Order.customerid");
  }

  @Test
  void hostileNamesAreOnlyLookedUpAndReportedMissing() throws SQLException {
    createProsaasSchema();
    String hostile = "x'; drop table business; --";
    SchemaRequirements requirements =
        SchemaRequirements.of(
            schema,
            List.of(
                Table.named(hostile),
                Table.of(
                    "business",
                    List.of("id\"; drop table business; --", "name"),
                    List.of("'); DROP TABLE business; --")),
                Table.named("business\" CASCADE; --")),
            new SchemaRequirements.Flyway("h\"; DROP TABLE business; --", null));

    SchemaReport report = verify(requirements);

    assertThat(report.missingTables()).containsExactly(hostile, "business\" CASCADE; --");
    assertThat(report.missingColumns()).containsExactly("business.id\"; drop table business; --");
    assertThat(report.missingIndexes()).containsExactly("business.'); DROP TABLE business; --");
    assertThat(report.flywayProblem())
        .isEqualTo("Flyway history table h\"; DROP TABLE business; -- not found");
    assertThat(tableExists(schema + ".business")).isTrue();
  }

  @Test
  void namesWithQuotesAndSemicolonsAreFoundWhenTheyExist() throws SQLException {
    exec(
        admin,
        "CREATE TABLE \"we\"\"ird; name\" (\"col'umn\" INT, \"sp ace\" INT)",
        "CREATE INDEX \"idx\"\"; --\" ON \"we\"\"ird; name\" (\"col'umn\")");

    SchemaReport report =
        verify(
            SchemaRequirements.of(
                schema,
                List.of(
                    Table.of("we\"ird; name", List.of("col'umn", "sp ace"), List.of("idx\"; --"))),
                null));

    assertThat(report.verified()).isTrue();
  }

  /** Each table's columns and indexes travel as an array literal: its syntax must not leak. */
  @Test
  void namesThatMeanSomethingInAnArrayLiteralAreTakenLiterally() throws SQLException {
    List<String> columns =
        List.of("NULL", "a,b", "{x}", "back\\slash", "\"", " padded ", "\\\"", "Zoë");
    StringBuilder create = new StringBuilder("CREATE TABLE \"t{1,2}\" (");
    for (String column : columns) {
      create.append(create.charAt(create.length() - 1) == '(' ? "" : ", ");
      create.append('"').append(column.replace("\"", "\"\"")).append("\" INT");
    }
    exec(admin, create.append(')').toString(), "CREATE INDEX \"i\\,NULL\" ON \"t{1,2}\" (\"a,b\")");
    List<String> missing = List.of("null", "a", "b", "\\", "x");

    SchemaReport present =
        verify(
            SchemaRequirements.of(
                schema, List.of(Table.of("t{1,2}", columns, List.of("i\\,NULL"))), null));
    List<String> withMissing = new java.util.ArrayList<>(columns);
    withMissing.addAll(missing);
    SchemaReport absent =
        verify(
            SchemaRequirements.of(
                schema,
                List.of(Table.of("t{1,2}", withMissing, List.of("i\\,NULL", "NULL"))),
                null));

    assertThat(present.verified()).isTrue();
    assertThat(absent.missingColumns())
        .containsExactly("t{1,2}.null", "t{1,2}.a", "t{1,2}.b", "t{1,2}.\\", "t{1,2}.x");
    assertThat(absent.missingIndexes()).containsExactly("t{1,2}.NULL");
  }

  @Test
  void schemaThatDoesNotExistIsSaidSo() throws SQLException {
    SchemaReport report =
        verify(SchemaRequirements.of("Public", List.of(Table.named("business")), null));

    assertThat(report.schemaFound()).isFalse();
    assertThat(report.verified()).isFalse();
    assertThat(report.message()).startsWith("Schema Public not found; Missing tables: [business]");
  }

  @Test
  void viewsCountAsTablesButSequencesDoNot() throws SQLException {
    exec(
        admin,
        "CREATE TABLE leads (id BIGINT, email TEXT)",
        "CREATE VIEW active_leads AS SELECT id, email FROM leads",
        "CREATE SEQUENCE receipts");

    SchemaReport report =
        verify(
            SchemaRequirements.of(
                schema,
                List.of(Table.of("active_leads", List.of("email"), null), Table.named("receipts")),
                null));

    assertThat(report.missingTables()).containsExactly("receipts");
    assertThat(report.missingColumns()).isEmpty();
  }

  @Test
  void systemColumnsDoNotCount() throws SQLException {
    exec(admin, "CREATE TABLE leads (id BIGINT)");

    SchemaReport report =
        verify(
            SchemaRequirements.of(
                schema, List.of(Table.of("leads", List.of("ctid", "xmin"), null)), null));

    assertThat(report.missingColumns()).containsExactly("leads.ctid", "leads.xmin");
  }

  @Test
  void noRequirementsIsVerified() throws SQLException {
    SchemaReport report = verify(SchemaRequirements.of(schema, List.of(), null));

    assertThat(report.verified()).isTrue();
    assertThat(report.message())
        .isEqualTo("Schema check passed: 0 tables, 0 columns, 0 indexes present");
  }

  @Test
  void userWithoutRightsOnTheTablesStillSeesTheCatalog() throws SQLException {
    createProsaasSchema();
    String reader = "reader_" + schema;
    exec(admin, "CREATE ROLE " + reader + " LOGIN");
    // No USAGE on the schema and no SELECT on any table: only the catalog is readable.

    try (Connection connection = TestPostgres.as(pg, reader)) {
      SchemaReport report = SchemaVerifier.verify(connection, prosaas(), TIMEOUT);
      assertThat(report.verified()).isTrue();
      try (Statement s = connection.createStatement()) {
        assertThatThrownBy(() -> s.executeQuery("SELECT * FROM " + schema + ".business"))
            .isInstanceOf(SQLException.class)
            .hasMessageContaining("permission denied");
      }
    }
  }

  @Test
  void connectionIsLeftAsItWasFound() throws SQLException {
    createProsaasSchema();
    try (Connection connection = TestPostgres.admin(pg)) {
      int networkTimeout = connection.getNetworkTimeout();

      SchemaVerifier.verify(connection, prosaas(), TIMEOUT);

      assertThat(connection.getAutoCommit()).isTrue();
      assertThat(connection.isReadOnly()).isFalse();
      assertThat(connection.getNetworkTimeout()).isEqualTo(networkTimeout);
      // Writable again, and the statement timeout was local to the check's transaction.
      exec(connection, "CREATE TABLE " + schema + ".after_check (id INT)");
      try (Statement s = connection.createStatement();
          ResultSet rows = s.executeQuery("SHOW statement_timeout")) {
        rows.next();
        assertThat(rows.getString(1)).isEqualTo("0");
      }
    }
  }

  /** JIT compilation would cost more than the catalog query itself on servers that have it. */
  @Test
  void theChecksTransactionHasItsTimeoutAndNoJitAndOnlyIt() throws SQLException {
    try (Connection connection = TestPostgres.admin(pg)) {
      connection.setAutoCommit(false);
      try (PreparedStatement set =
          connection.prepareStatement(SchemaVerifier.TRANSACTION_SETTINGS)) {
        set.setString(1, "1234");
        set.execute();
      }
      assertThat(show(connection, "jit")).isEqualTo("off");
      assertThat(show(connection, "statement_timeout")).isEqualTo("1234ms");

      connection.rollback();
      assertThat(show(connection, "jit")).isEqualTo("on");
      assertThat(show(connection, "statement_timeout")).isEqualTo("0");
    }
  }

  private static String show(Connection connection, String setting) throws SQLException {
    try (Statement s = connection.createStatement();
        ResultSet rows = s.executeQuery("SHOW " + setting)) {
      rows.next();
      return rows.getString(1);
    }
  }

  @Test
  void refusesAConnectionInsideTheCallersTransaction() throws SQLException {
    try (Connection connection = TestPostgres.admin(pg)) {
      connection.setAutoCommit(false);
      assertThatThrownBy(() -> SchemaVerifier.verify(connection, prosaas(), TIMEOUT))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("auto-commit");
    }
  }

  boolean tableExists(String qualified) throws SQLException {
    try (var s = admin.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      s.setString(1, qualified);
      try (ResultSet rows = s.executeQuery()) {
        rows.next();
        return rows.getBoolean(1);
      }
    }
  }
}
