package dev.schemagate.schema;

import static dev.schemagate.testkit.TestPostgres.exec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.schema.SchemaRequirements.Flyway;
import dev.schemagate.schema.SchemaRequirements.Table;
import dev.schemagate.testing.FlywayHistoryRows;
import dev.schemagate.testkit.PostgresExtension;
import dev.schemagate.testkit.PostgresExtension.FreshSchema;
import dev.schemagate.testkit.TestPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One catalog query, whatever the number of tables: counted on the client (every statement the
 * verifier creates) and on the server (pg_stat_statements), and timed for 100 tables.
 */
@ExtendWith(PostgresExtension.class)
class CatalogRoundTripTest {

  static final Duration TIMEOUT = Duration.ofSeconds(5);

  static EmbeddedPostgres pg;

  Connection admin;

  @FreshSchema("roundtrip")
  String schema;

  @BeforeAll
  static void loadPgStatStatements() throws SQLException {
    try (Connection admin = TestPostgres.admin(pg)) {
      exec(admin, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
    }
  }

  /**
   * {@code n} tables ({@code prefix0}...) of five columns and one index each, and the requirements
   * naming them all.
   */
  SchemaRequirements createTables(String prefix, int n) throws SQLException {
    List<String> ddl = new ArrayList<>();
    List<Table> tables = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String t = prefix + i;
      ddl.add(
          "CREATE TABLE "
              + t
              + " (id BIGINT, business_id BIGINT, name TEXT, created_at TIMESTAMPTZ, is_active"
              + " BOOLEAN)");
      ddl.add("CREATE INDEX idx_" + t + "_business ON " + t + " (business_id)");
      tables.add(
          Table.of(
              t,
              List.of("id", "business_id", "name", "created_at", "is_active"),
              List.of("idx_" + t + "_business")));
    }
    exec(admin, ddl.toArray(String[]::new));
    return SchemaRequirements.of(schema, tables, null);
  }

  List<String> statementsFor(SchemaRequirements requirements) throws SQLException {
    try (Connection real = TestPostgres.admin(pg)) {
      StatementCounter counter = StatementCounter.around(real);
      assertThat(SchemaVerifier.verify(counter.connection(), requirements, TIMEOUT).verified())
          .isTrue();
      return counter.statements();
    }
  }

  @Test
  void oneCatalogStatementForOneTableOrAHundredAndFifty() throws SQLException {
    SchemaRequirements few = createTables("one", 1);
    List<String> forOne = statementsFor(few);
    SchemaRequirements many = createTables("many", 150);
    List<String> forMany = statementsFor(many);

    // set_config (timeout, JIT) and the catalog query: two statements, only one of them a lookup.
    assertThat(forOne).containsExactly(SchemaVerifier.TRANSACTION_SETTINGS, CatalogQuery.SQL);
    assertThat(forMany).isEqualTo(forOne);
    assertThat(forMany.stream().filter(sql -> sql.contains("pg_catalog.pg_attribute")))
        .containsExactly(CatalogQuery.SQL);
  }

  @Test
  void flywayAddsExactlyOneRead() throws SQLException {
    SchemaRequirements tables = createTables("t", 3);
    exec(
        admin,
        FlywayHistoryRows.flywayHistoryDdl("flyway_schema_history"),
        FlywayHistoryRows.flywayRow("flyway_schema_history", 1, "1", true));
    SchemaRequirements withFlyway =
        SchemaRequirements.of(schema, tables.tables(), new Flyway(null, "1"));

    List<String> statements = statementsFor(withFlyway);

    assertThat(statements).hasSize(3);
    assertThat(statements.get(2)).isEqualTo("<createStatement>");
  }

  @Test
  void theServerRunsOneCatalogQuery() throws SQLException {
    SchemaRequirements requirements = createTables("many", 150);
    String user = "counted_" + schema;
    exec(admin, "CREATE ROLE " + user + " LOGIN", "SELECT public.pg_stat_statements_reset()");

    try (Connection connection = TestPostgres.as(pg, user)) {
      assertThat(SchemaVerifier.verify(connection, requirements, TIMEOUT).verified()).isTrue();
    }

    Map<String, Long> calls = new TreeMap<>();
    try (PreparedStatement s =
        admin.prepareStatement(
            "SELECT query, calls FROM public.pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid"
                + " WHERE r.rolname = ?")) {
      s.setString(1, user);
      try (ResultSet rows = s.executeQuery()) {
        while (rows.next()) {
          calls.merge(rows.getString(1), rows.getLong(2), Long::sum);
        }
      }
    }
    Map<String, Long> lookups = new TreeMap<>(calls);
    lookups.keySet().removeIf(sql -> !sql.contains("pg_catalog.pg_class"));
    assertThat(lookups).hasSize(1);
    assertThat(lookups.values()).containsExactly(1L);
    calls.forEach(
        (sql, n) ->
            System.out.printf(
                "server ran for the check of 150 tables: %d x %s%n",
                n, sql.lines().findFirst().orElse("").strip()));
  }

  @Test
  void aHundredTablesAreCheckedInMilliseconds() throws SQLException {
    SchemaRequirements requirements = createTables("t", 100);
    long[] micros = new long[15];
    try (Connection connection = TestPostgres.admin(pg)) {
      for (int i = 0; i < micros.length; i++) {
        long start = System.nanoTime();
        assertThat(SchemaVerifier.verify(connection, requirements, TIMEOUT).verified()).isTrue();
        micros[i] = (System.nanoTime() - start) / 1_000;
      }
    }
    long first = micros[0];
    long[] warm = Arrays.copyOfRange(micros, 5, micros.length);
    Arrays.sort(warm);
    long median = warm[warm.length / 2];
    System.out.printf(
        "verification of 100 tables / 500 columns / 100 indexes: first %d ms, median warm %.1f ms%n",
        first / 1000, median / 1000.0);
    assertThat(median).isLessThan(1_000_000);
  }
}
