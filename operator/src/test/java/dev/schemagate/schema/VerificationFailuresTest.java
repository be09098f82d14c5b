package dev.schemagate.schema;

import static dev.schemagate.testkit.TestPostgres.exec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.connection.PostgresConnectionInfo;
import dev.schemagate.schema.SchemaRequirements.Flyway;
import dev.schemagate.schema.SchemaRequirements.Table;
import dev.schemagate.testing.FlywayHistoryRows;
import dev.schemagate.testkit.PostgresExtension;
import dev.schemagate.testkit.PostgresExtension.FreshSchema;
import dev.schemagate.testkit.TestPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * When the check cannot run: a silent or stopped database is {@code DatabaseUnreachable}, never a
 * missing schema; a refused read is {@code PermissionDenied}; no message carries the connection
 * string or its password.
 */
@ExtendWith(PostgresExtension.class)
class VerificationFailuresTest {

  static final String PASSWORD = "pw-Zq8xT3-never-shown";

  static EmbeddedPostgres pg;

  Connection admin;

  @FreshSchema("failures")
  String schema;

  @BeforeEach
  void tables() throws SQLException {
    exec(
        admin,
        "CREATE TABLE business (id BIGINT)",
        FlywayHistoryRows.flywayHistoryDdl("flyway_schema_history"),
        FlywayHistoryRows.flywayRow("flyway_schema_history", 1, "117", true));
  }

  SchemaRequirements withFlyway() {
    return SchemaRequirements.of(schema, List.of(Table.named("business")), new Flyway(null, "117"));
  }

  @Test
  void statementTimeoutIsUnreachableNotMissing() throws SQLException {
    // A migration in progress: Flyway holds its history table locked until it commits.
    try (Connection migration = TestPostgres.admin(pg)) {
      migration.setAutoCommit(false);
      exec(migration, "LOCK TABLE " + schema + ".flyway_schema_history IN ACCESS EXCLUSIVE MODE");

      long start = System.nanoTime();
      VerificationOutcome outcome =
          SchemaVerifier.check(() -> TestPostgres.admin(pg), withFlyway(), Duration.ofMillis(800));
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(outcome.reason()).isEqualTo(VerificationReason.DatabaseUnreachable);
      assertThat(outcome.message())
          .isEqualTo(
              "Database did not answer: canceling statement due to statement timeout"
                  + " (SQLSTATE 57014)");
      assertThat(took).isLessThan(Duration.ofSeconds(3));
      migration.rollback();
    }
  }

  @Test
  void stoppedDatabaseIsUnreachableNotMissing() throws Exception {
    EmbeddedPostgres own = TestPostgres.start();
    Connection connection = own.getPostgresDatabase().getConnection();
    try {
      exec(connection, "CREATE TABLE business (id BIGINT)");
      SchemaRequirements requirements =
          SchemaRequirements.of("public", List.of(Table.named("business")), null);
      assertThat(SchemaVerifier.verify(connection, requirements, Duration.ofSeconds(2)).verified())
          .isTrue();

      own.close();

      long start = System.nanoTime();
      VerificationOutcome midSession =
          SchemaVerifier.check(() -> connection, requirements, Duration.ofSeconds(2));
      VerificationOutcome reconnect =
          SchemaVerifier.check(
              () -> own.getPostgresDatabase().getConnection(), requirements, Duration.ofSeconds(2));
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(midSession.reason()).isEqualTo(VerificationReason.DatabaseUnreachable);
      assertThat(midSession.message()).startsWith("Database did not answer: ");
      assertThat(reconnect.reason()).isEqualTo(VerificationReason.DatabaseUnreachable);
      assertThat(reconnect.message())
          .isEqualTo("Database did not answer: connection refused (SQLSTATE 08001)");
      assertThat(took).isLessThan(Duration.ofSeconds(5));
    } finally {
      connection.close();
      own.close();
    }
  }

  @Test
  void closedPortIsUnreachableAndTheMessageHoldsNoUrlOrPassword() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    PostgresConnectionInfo url =
        PostgresConnectionInfo.parse(
            "postgresql://app:" + PASSWORD + "@127.0.0.1:" + port + "/app?sslmode=disable");

    VerificationOutcome outcome =
        SchemaVerifier.check(
            SchemaVerifier.connector(url, Duration.ofSeconds(2)),
            withFlyway(),
            Duration.ofSeconds(2));

    assertThat(outcome.reason()).isEqualTo(VerificationReason.DatabaseUnreachable);
    assertThat(outcome.message())
        .isEqualTo("Database did not answer: connection refused (SQLSTATE 08001)")
        .doesNotContain(PASSWORD)
        .doesNotContain("jdbc:")
        .doesNotContain(Integer.toString(port));
  }

  @Test
  void userWhoMayNotReadTheHistoryIsPermissionDenied() throws SQLException {
    String reader = "reader_" + schema;
    exec(
        admin,
        "CREATE ROLE " + reader + " LOGIN",
        "GRANT USAGE ON SCHEMA " + schema + " TO " + reader);

    VerificationOutcome outcome =
        SchemaVerifier.check(
            () -> TestPostgres.as(pg, reader), withFlyway(), Duration.ofSeconds(5));

    assertThat(outcome.reason()).isEqualTo(VerificationReason.PermissionDenied);
    assertThat(outcome.message())
        .isEqualTo(
            "Permission denied: permission denied for table flyway_schema_history"
                + " (SQLSTATE 42501)");

    exec(admin, "GRANT SELECT ON " + schema + ".flyway_schema_history TO " + reader);
    assertThat(
            SchemaVerifier.check(
                    () -> TestPostgres.as(pg, reader), withFlyway(), Duration.ofSeconds(5))
                .verified())
        .isTrue();
  }

  @Test
  void missingSchemaIsACheckedOutcomeNotAFailure() {
    VerificationOutcome outcome =
        SchemaVerifier.check(
            () -> TestPostgres.admin(pg),
            SchemaRequirements.of(schema, List.of(Table.named("receipts")), null),
            Duration.ofSeconds(5));

    assertThat(outcome).isInstanceOf(VerificationOutcome.Checked.class);
    assertThat(outcome.reason()).isEqualTo(VerificationReason.SchemaOutdated);
    assertThat(outcome.message()).isEqualTo("Missing tables: [receipts]");
  }
}
