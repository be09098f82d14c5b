package dev.schemagate.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.cli.SchemagateCli;
import dev.schemagate.gate.GateEnvironment;
import dev.schemagate.testkit.TestPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code schemagate migrate}: the real command line, in-process, against a real PostgreSQL. */
class MigrateCommandTest {

  static final String PASSWORD = "Migr-S3cret-pw-4417";
  static final AtomicInteger SEQUENCE = new AtomicInteger();
  static EmbeddedPostgres pg;

  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();
  final Map<String, String> env = new HashMap<>();
  String schema;

  @TempDir Path migrations;

  @BeforeAll
  static void startPostgres() {
    pg = TestPostgres.shared();
  }

  @BeforeEach
  void freshSchemaName() throws SQLException {
    schema = "mig_" + SEQUENCE.incrementAndGet() + "_" + System.nanoTime() % 100_000;
    env.put("SCHEMAGATE_DATABASE_URL", url(pg.getPort()));
  }

  @AfterEach
  void passwordNeverPrinted() {
    assertThat(out.toString() + err.toString()).doesNotContain(PASSWORD);
  }

  static String url(int port) {
    return "postgresql://postgres:" + PASSWORD + "@localhost:" + port + "/postgres";
  }

  int migrate(String... extra) {
    List<String> args = new ArrayList<>(List.of("migrate", "--location", migrations.toString()));
    args.addAll(List.of("--schema", schema));
    args.addAll(List.of(extra));
    try (GateEnvironment.Override ignored = GateEnvironment.override(env)) {
      return SchemagateCli.execute(
          new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(String[]::new));
    }
  }

  void file(String name, String sql) throws IOException {
    Files.writeString(migrations.resolve(name), sql, StandardCharsets.UTF_8);
  }

  void goodMigrations() throws IOException {
    file("V1__business.sql", "CREATE TABLE business (id BIGSERIAL PRIMARY KEY, name TEXT);");
    file(
        "V2__leads.sql",
        "CREATE TABLE leads (id BIGSERIAL PRIMARY KEY, business_id BIGINT REFERENCES"
            + " business(id));\nCREATE INDEX idx_leads_business ON leads(business_id);");
  }

  static Connection admin() throws SQLException {
    return pg.getPostgresDatabase().getConnection();
  }

  boolean tableExists(String table) throws SQLException {
    try (Connection c = admin();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT 1 FROM information_schema.tables WHERE table_schema = '"
                    + schema
                    + "' AND table_name = '"
                    + table
                    + "'")) {
      return rs.next();
    }
  }

  /** version -> success, from the history table. */
  Map<String, Boolean> history() throws SQLException {
    Map<String, Boolean> rows = new HashMap<>();
    try (Connection c = admin();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT version, success FROM "
                    + schema
                    + ".flyway_schema_history WHERE version IS NOT NULL")) {
      while (rs.next()) {
        rows.put(rs.getString(1), rs.getBoolean(2));
      }
    }
    return rows;
  }

  void exec(String... sql) throws SQLException {
    try (Connection c = admin();
        Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    }
  }

  @Test
  void migratesAFreshDatabase() throws Exception {
    goodMigrations();

    assertThat(migrate()).isZero();

    String text = out.toString();
    assertThat(text)
        .contains("🔧 MIGRATION CHECKPOINT: connected to postgresql://postgres:***@localhost:")
        .contains("current version: none")
        .containsPattern("applied V1 business \\(V1__business.sql\\) in \\d+ ms")
        .containsPattern("applied V2 leads \\(V2__leads.sql\\) in \\d+ ms")
        .containsPattern("applied 2 migrations in \\d+ ms, schema now at version 2");
    assertThat(text.indexOf("applied V1")).isLessThan(text.indexOf("applied V2"));
    assertThat(tableExists("business")).isTrue();
    assertThat(tableExists("leads")).isTrue();
    assertThat(history()).containsEntry("1", true).containsEntry("2", true).hasSize(2);
  }

  @Test
  void secondRunAppliesNothing() throws Exception {
    goodMigrations();
    assertThat(migrate()).isZero();
    out.getBuffer().setLength(0);

    assertThat(migrate()).isZero();

    assertThat(out.toString())
        .contains("current version: 2")
        .contains("schema is up to date (version 2)")
        .doesNotContain("applied V");
    assertThat(history()).hasSize(2);
  }

  @Test
  void failingMigrationExitsOneNamesItAndIsRolledBack() throws Exception {
    goodMigrations();
    file("V3__broken.sql", "CREATE TABLE from_v3 (id INT);\nCREATE TABLEE oops (id INT);\n");

    assertThat(migrate()).isEqualTo(1);

    String text = out.toString();
    assertThat(text)
        .contains("MIGRATION FAILED: V3 broken (V3__broken.sql, line 2): syntax error at or near")
        .contains("[SQL state 42601] in: CREATE TABLEE oops (id INT)")
        .contains("rolled back");
    assertThat(tableExists("business")).isTrue();
    assertThat(tableExists("leads")).isTrue();
    assertThat(tableExists("from_v3")).isFalse();
    assertThat(history()).containsEntry("1", true).containsEntry("2", true);
    assertThat(history().get("3")).isNotEqualTo(Boolean.TRUE);
  }

  @Test
  void baselinesAnExistingSchema() throws Exception {
    exec(
        "CREATE SCHEMA " + schema,
        "CREATE TABLE " + schema + ".business (id BIGINT PRIMARY KEY, name TEXT)");
    goodMigrations();

    assertThat(migrate("--baseline-on-migrate")).isZero();

    assertThat(out.toString())
        .contains("existing schema baselined at version 1")
        .doesNotContain("applied V1")
        .contains("applied V2 leads")
        .contains("schema now at version 2");
    assertThat(tableExists("leads")).isTrue();
    assertThat(history()).containsEntry("1", true).containsEntry("2", true);
  }

  @Test
  void nonEmptySchemaWithoutBaselineFails() throws Exception {
    exec("CREATE SCHEMA " + schema, "CREATE TABLE " + schema + ".business (id BIGINT)");
    goodMigrations();

    assertThat(migrate()).isEqualTo(1);

    assertThat(out.toString()).contains("MIGRATION FAILED").contains("--baseline-on-migrate");
    assertThat(tableExists("leads")).isFalse();
  }

  @Test
  void unreachableDatabaseExitsTwo() throws Exception {
    goodMigrations();
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    env.put("SCHEMAGATE_DATABASE_URL", url(closedPort));

    assertThat(migrate("--timeout", "2")).isEqualTo(2);

    assertThat(out.toString())
        .contains("Database did not answer")
        .contains("postgresql://postgres:***@localhost:" + closedPort);
  }

  /**
   * A wrong password is a refused login, not a silent database: migrate says so with the reason
   * check-schema gives for the same URL (one classification, {@code SqlFailures}), in the same
   * words, and neither prints the password.
   */
  @Test
  void wrongPasswordIsARefusedLoginNamedAsCheckSchemaNamesIt() throws Exception {
    goodMigrations();
    String role = "mig_login";
    String rightPassword = "Right-pw-6093";
    String wrongPassword = "Wrong-pw-5521";
    TestPostgres.passwordRole(pg, role, rightPassword);
    String wrongUrl =
        "postgresql://" + role + ":" + wrongPassword + "@localhost:" + pg.getPort() + "/postgres";
    env.put("SCHEMAGATE_DATABASE_URL", wrongUrl);

    assertThat(migrate("--timeout", "5")).as(out.toString()).isEqualTo(2);

    String refused =
        "(DatabaseAuthFailed): Database refused the login: password authentication failed for"
            + " user \""
            + role
            + "\" (SQLSTATE 28P01)";
    String migrateOutput = out.toString();
    assertThat(migrateOutput)
        .contains("❌ Migration could not run " + refused)
        .contains("postgresql://" + role + ":***@localhost:" + pg.getPort())
        .doesNotContain("did not answer")
        .doesNotContain("DatabaseUnreachable")
        .doesNotContain(wrongPassword)
        .doesNotContain(rightPassword);

    StringWriter gateOut = new StringWriter();
    Map<String, String> gateEnv =
        Map.of(
            "DATABASE_URL",
            wrongUrl,
            "SCHEMAGATE_SCHEMA_REQUIREMENTS",
            "{\"schema\":\"public\",\"tables\":[{\"name\":\"business\"}]}");
    int gateExit;
    try (GateEnvironment.Override ignored = GateEnvironment.override(gateEnv)) {
      gateExit =
          SchemagateCli.execute(
              new PrintWriter(gateOut, true),
              new PrintWriter(err, true),
              "check-schema",
              "--attempts",
              "1",
              "--timeout",
              "5");
    }
    assertThat(gateExit).as(gateOut.toString()).isEqualTo(2);
    assertThat(gateOut.toString())
        .contains("❌ Schema check could not run " + refused)
        .doesNotContain("did not answer")
        .doesNotContain(wrongPassword)
        .doesNotContain(rightPassword);
  }

  @Test
  void missingUrlExitsThree() throws Exception {
    goodMigrations();
    env.clear();

    assertThat(migrate()).isEqualTo(3);

    assertThat(out.toString())
        .contains("Configuration error")
        .contains("SCHEMAGATE_DATABASE_URL")
        .contains("DATABASE_URL");
  }

  @Test
  void fallsBackToDatabaseUrl() throws Exception {
    goodMigrations();
    env.remove("SCHEMAGATE_DATABASE_URL");
    env.put("DATABASE_URL", url(pg.getPort()));

    assertThat(migrate()).isZero();
    assertThat(out.toString()).contains("schema now at version 2");
  }

  @Test
  void namedUrlVariableMustBeSet() throws Exception {
    goodMigrations();

    assertThat(migrate("--database-url-env", "APP_DB_URL")).isEqualTo(3);
    assertThat(out.toString()).contains("APP_DB_URL is not set");
  }

  @Test
  void missingDirectoryExitsThree() {
    List<String> args = List.of("migrate", "--location", migrations.resolve("nope").toString());
    try (GateEnvironment.Override ignored = GateEnvironment.override(env)) {
      assertThat(
              SchemagateCli.execute(
                  new PrintWriter(out, true),
                  new PrintWriter(err, true),
                  args.toArray(String[]::new)))
          .isEqualTo(3);
    }
    assertThat(out.toString()).contains("is not a directory");
  }

  @Test
  void changedAppliedMigrationFailsValidation() throws Exception {
    goodMigrations();
    assertThat(migrate()).isZero();
    file("V1__business.sql", "CREATE TABLE business (id BIGSERIAL PRIMARY KEY, name TEXT, x INT);");
    out.getBuffer().setLength(0);

    assertThat(migrate()).isEqualTo(1);
    assertThat(out.toString()).contains("MIGRATION FAILED").containsIgnoringCase("checksum");
  }

  @Test
  void placeholderSyntaxInTheSqlIsLeftAsWritten() throws Exception {
    file("V1__greeting.sql", "CREATE TABLE t (greeting text DEFAULT 'Hello ${name}');");

    assertThat(migrate()).as(out.toString()).isZero();

    try (Connection c = admin();
        Statement s = c.createStatement()) {
      s.execute("INSERT INTO " + schema + ".t DEFAULT VALUES");
      try (ResultSet rs = s.executeQuery("SELECT greeting FROM " + schema + ".t")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("Hello ${name}");
      }
    }
    assertThat(history()).containsEntry("1", true);
  }

  /**
   * CREATE INDEX CONCURRENTLY waits for every transaction open when it starts: with Flyway's
   * transactional lock (a transaction open for the whole run) it waited on the migration itself,
   * forever.
   */
  @Test
  void anIndexBuiltConcurrentlyCompletes() throws Exception {
    file("V1__table.sql", "CREATE TABLE poststats (id INT, hits INT);");
    file(
        "V2__index.sql",
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_poststats_hits ON poststats (hits);");

    org.junit.jupiter.api.function.ThrowingSupplier<Integer> run = this::migrate;
    int exit =
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
            java.time.Duration.ofSeconds(60), run, () -> "still waiting:\n" + out);

    assertThat(exit).as(out.toString()).isZero();
    assertThat(history()).containsEntry("1", true).containsEntry("2", true);
    try (Connection c = admin();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                    + " WHERE c.relname = 'idx_poststats_hits'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getBoolean(1)).as("a valid index, not one left half-built").isTrue();
    }
  }

  @Test
  void aHistoryAppliedWithPlaceholdersOnStillValidates() throws Exception {
    // Applied by an earlier schemagate, which let Flyway replace its built-in placeholders.
    file("V1__business.sql", "CREATE TABLE ${flyway:defaultSchema}.business (id INT);");
    org.flywaydb.core.Flyway.configure()
        .dataSource(pg.getPostgresDatabase())
        .locations("filesystem:" + migrations)
        .schemas(schema)
        .defaultSchema(schema)
        .load()
        .migrate();
    file("V2__leads.sql", "CREATE TABLE leads (id INT);");

    assertThat(migrate()).as(out.toString()).isZero();

    assertThat(out.toString()).contains("current version: 1").contains("schema now at version 2");
    assertThat(history()).containsEntry("1", true).containsEntry("2", true);
  }

  @Test
  void readsAConfigMapVolumeLayout() throws Exception {
    // A mounted ConfigMap: each key is a symlink into ..data, itself a symlink to a timestamped
    // directory holding the real files.
    Path real = Files.createDirectory(migrations.resolve("..2026_11_24_23_00_00.123"));
    Files.writeString(real.resolve("V1__business.sql"), "CREATE TABLE business (id INT);");
    Files.writeString(real.resolve("V2__leads.sql"), "CREATE TABLE leads (id INT);");
    Files.createSymbolicLink(migrations.resolve("..data"), real.getFileName());
    for (String name : List.of("V1__business.sql", "V2__leads.sql")) {
      Files.createSymbolicLink(migrations.resolve(name), Path.of("..data", name));
    }

    assertThat(migrate()).isZero();

    assertThat(out.toString()).contains("2 pending migrations").contains("schema now at version 2");
    assertThat(history()).hasSize(2);
  }

  @Test
  void baselineVersionSkipsMigrationsUpToIt() throws Exception {
    exec(
        "CREATE SCHEMA " + schema,
        "CREATE TABLE " + schema + ".business (id BIGINT PRIMARY KEY, name TEXT)");
    goodMigrations();
    file("V3__notes.sql", "CREATE TABLE notes (id INT);");

    assertThat(migrate("--baseline-on-migrate", "--baseline-version", "2")).isZero();

    assertThat(out.toString())
        .contains("existing schema baselined at version 2")
        .doesNotContain("applied V1")
        .doesNotContain("applied V2")
        .contains("applied V3 notes")
        .contains("schema now at version 3");
    assertThat(tableExists("leads")).isFalse();
    assertThat(tableExists("notes")).isTrue();
  }

  @Test
  void invalidBaselineVersionExitsThree() throws Exception {
    goodMigrations();

    assertThat(migrate("--baseline-version", "v1.x")).isEqualTo(3);
    assertThat(out.toString()).contains("--baseline-version");
  }
}
