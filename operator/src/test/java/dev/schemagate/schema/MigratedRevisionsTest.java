package dev.schemagate.schema;

import static dev.schemagate.testkit.TestPostgres.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.schemagate.testkit.PostgresExtension;
import dev.schemagate.testkit.PostgresExtension.FreshSchema;
import dev.schemagate.testkit.TestPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The database's record of migrated revisions, on a real PostgreSQL. */
@ExtendWith(PostgresExtension.class)
class MigratedRevisionsTest {

  static final Instant FINISHED = Instant.parse("2026-11-24T10:00:30Z");

  static EmbeddedPostgres pg;

  Connection admin;

  @FreshSchema("revisions")
  String schema;

  @Test
  void withoutTheTableNothingIsRecordedAndNothingIsCreated() throws SQLException {
    assertThat(MigratedRevisions.lookUp(admin, schema, "prod/shop", "aaaaaaaaaa", 5)).isEmpty();
    assertThat(MigratedRevisions.lookUp(admin, "no_such_schema", "prod/shop", "aaaaaaaaaa", 5))
        .isEmpty();
    assertThat(tableExists()).as("a look-up writes nothing").isFalse();
  }

  @Test
  void aRecordedRevisionIsFoundForItsAppOnlyAndKeepsItsFirstTime() throws SQLException {
    MigratedRevisions.record(admin, schema, "prod/shop", "aaaaaaaaaa", FINISHED, 5);
    MigratedRevisions.record(admin, schema, "prod/shop", "aaaaaaaaaa", FINISHED.plusSeconds(60), 5);

    assertThat(MigratedRevisions.lookUp(admin, schema, "prod/shop", "aaaaaaaaaa", 5))
        .hasValueSatisfying(
            at -> assertThat(at.truncatedTo(ChronoUnit.SECONDS)).isEqualTo(FINISHED));
    assertThat(MigratedRevisions.lookUp(admin, schema, "prod/shop", "bbbbbbbbbb", 5)).isEmpty();
    assertThat(MigratedRevisions.lookUp(admin, schema, "staging/shop", "aaaaaaaaaa", 5)).isEmpty();
  }

  @Test
  void aSchemaNameIsQuotedNeverSpliced() throws SQLException {
    String odd = "Odd \"name\"; DROP TABLE x";
    exec(admin, "CREATE SCHEMA \"" + odd.replace("\"", "\"\"") + "\"");

    MigratedRevisions.record(admin, odd, "prod/shop", "aaaaaaaaaa", FINISHED, 5);

    assertThat(MigratedRevisions.lookUp(admin, odd, "prod/shop", "aaaaaaaaaa", 5)).isPresent();
  }

  @Test
  void aUserWhoMayNotCreateTheTableGetsPermissionDenied() throws SQLException {
    exec(
        admin,
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'revisions_reader')"
            + " THEN CREATE ROLE revisions_reader LOGIN; END IF; END $$",
        "GRANT USAGE ON SCHEMA " + schema + " TO revisions_reader");
    try (Connection reader = TestPostgres.as(pg, "revisions_reader")) {
      assertThatThrownBy(
              () -> MigratedRevisions.record(reader, schema, "prod/shop", "aaaaaaaaaa", null, 5))
          .isInstanceOf(SQLException.class)
          .satisfies(
              e ->
                  assertThat(SqlFailures.classify(e).reason())
                      .isEqualTo(VerificationReason.PermissionDenied));
    }
  }

  private boolean tableExists() throws SQLException {
    try (var query = admin.prepareStatement("SELECT to_regclass(?)")) {
      query.setString(1, schema + "." + MigratedRevisions.TABLE);
      try (var row = query.executeQuery()) {
        row.next();
        return row.getString(1) != null;
      }
    }
  }
}
