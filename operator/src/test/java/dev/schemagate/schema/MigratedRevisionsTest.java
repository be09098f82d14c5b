package dev.schemagate.schema;

import static dev.schemagate.testing.TestPostgres.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.schemagate.testing.TestPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The database's record of migrated revisions, on a real PostgreSQL. */
class MigratedRevisionsTest {

  static final Instant FINISHED = Instant.parse("2026-11-24T10:00:30Z");

  static EmbeddedPostgres pg;

  Connection admin;
  String schema;

  @BeforeAll
  static void startPostgres() {
    pg = TestPostgres.shared();
  }

  @BeforeEach
  void freshSchema() throws SQLException {
    admin = TestPostgres.admin(pg);
    schema = TestPostgres.freshSchema(admin, "revisions");
  }

  @AfterEach
  void closeAdmin() throws SQLException {
    admin.close();
  }

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
