package dev.schemagate.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.cli.SchemagateCli;
import dev.schemagate.testkit.TestPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real command line, in-process, against a real PostgreSQL. */
class CheckSchemaCommandTest {

  static final String PASSWORD = "Gate-S3cret-pw-7781";
  static final AtomicInteger SEQUENCE = new AtomicInteger();
  static EmbeddedPostgres pg;

  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();
  final Map<String, String> env = new HashMap<>();
  String schema;

  @BeforeAll
  static void startPostgres() {
    pg = TestPostgres.shared();
  }

  @BeforeEach
  void freshSchema() throws SQLException {
    schema = "gate_" + SEQUENCE.incrementAndGet() + "_" + System.nanoTime() % 100_000;
    exec("CREATE SCHEMA " + schema);
    env.put("DATABASE_URL", url(pg.getPort()));
    env.put("SERVICE_ROLE", "worker");
    env.put("SCHEMAGATE_SCHEMA_REQUIREMENTS", requirements("117"));
  }

  static String url(int port) {
    return "postgresql://postgres:" + PASSWORD + "@localhost:" + port + "/postgres";
  }

  String requirements(String minVersion) {
    return "{\"schema\":\""
        + schema
        + "\",\"tables\":[{\"name\":\"business\"},{\"name\":\"leads\"},"
        + "{\"name\":\"business_calendars\",\"columns\":[\"id\",\"business_id\",\"is_active\"],"
        + "\"indexes\":[\"idx_business_calendars_business_active\"]},"
        + "{\"name\":\"calendar_routing_rules\",\"columns\":[\"question_text\"]}],"
        + "\"flyway\":{\"minVersion\":\""
        + minVersion
        + "\"}}";
  }

  void exec(String... sql) throws SQLException {
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    }
  }

  /** The guide's application as migration 117 leaves it, with {@code routing} as given. */
  void createSchema(String routingColumns, boolean withIndex, String flywayVersion)
      throws SQLException {
    String p = schema + ".";
    exec(
        "CREATE TABLE " + p + "business (id BIGINT PRIMARY KEY, name TEXT)",
        "CREATE TABLE " + p + "leads (id BIGINT PRIMARY KEY, business_id BIGINT)",
        "CREATE TABLE "
            + p
            + "business_calendars (id BIGINT PRIMARY KEY, business_id BIGINT, is_active BOOLEAN)",
        "CREATE TABLE " + p + "calendar_routing_rules (" + routingColumns + ")",
        "CREATE TABLE "
            + p
            + "flyway_schema_history (installed_rank INT PRIMARY KEY, version VARCHAR(50),"
            + " description VARCHAR(200) NOT NULL, type VARCHAR(20) NOT NULL, script"
            + " VARCHAR(1000) NOT NULL, checksum INT, installed_by VARCHAR(100) NOT NULL,"
            + " installed_on TIMESTAMP NOT NULL DEFAULT now(), execution_time INT NOT NULL,"
            + " success BOOLEAN NOT NULL)",
        "INSERT INTO "
            + p
            + "flyway_schema_history (installed_rank, version, description, type, script,"
            + " installed_by, execution_time, success) VALUES (1, '"
            + flywayVersion
            + "', 'step', 'SQL', 'V"
            + flywayVersion
            + "__step.sql', 'app', 1, true)");
    if (withIndex) {
      exec(
          "CREATE INDEX idx_business_calendars_business_active ON "
              + p
              + "business_calendars (business_id, is_active)");
    }
  }

  void createCompleteSchema() throws SQLException {
    createSchema("id BIGINT PRIMARY KEY, calendar_id BIGINT, question_text TEXT", true, "117");
  }

  int run(String... args) {
    String[] full = new String[args.length + 1];
    full[0] = "check-schema";
    System.arraycopy(args, 0, full, 1, args.length);
    try (GateEnvironment.Override ignored = GateEnvironment.override(env)) {
      return SchemagateCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), full);
    } finally {
      assertThat(out.toString()).doesNotContain(PASSWORD);
      assertThat(err.toString()).doesNotContain(PASSWORD);
    }
  }

  @Test
  void completeSchemaPassesWithTheBannerMasked() throws SQLException {
    createCompleteSchema();
    long started = System.nanoTime();
    int code = run();
    long millis = (System.nanoTime() - started) / 1_000_000;
    System.out.println("check-schema passing run took " + millis + " ms in-process");

    assertThat(code).as(out.toString()).isZero();
    assertThat(out.toString())
        .contains("🔧 WORKER BOOT DIAGNOSTICS")
        .contains("📍 DATABASE_URL: postgresql://postgres:***@localhost:" + pg.getPort())
        .contains("📍 SERVICE_ROLE: worker")
        .contains("📍 REDIS_URL: (not set)")
        .contains("🔍 Performing quick schema check...")
        .contains("\n✅ Schema check passed - all required tables present\n")
        .doesNotContain("❌");
    assertThat(out.toString().indexOf("BOOT DIAGNOSTICS"))
        .isLessThan(out.toString().indexOf("Performing quick schema check"));
  }

  @Test
  void largeRequirementsArriveCompressedAndAreCheckedWhole() throws SQLException {
    createCompleteSchema();
    StringBuilder tables = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      tables.append("{\"name\":\"reporting_table_").append(i).append("\",\"columns\":[");
      for (int c = 0; c < 10; c++) {
        tables.append(c == 0 ? "" : ",").append("\"metric_column_").append(c).append('"');
      }
      tables.append("]},");
    }
    String json = requirements("117").replace("\"tables\":[", "\"tables\":[" + tables);
    String encoded = dev.schemagate.schema.RequirementsEncoding.encode(json);
    assertThat(encoded).startsWith("gzip:").hasSizeLessThan(json.length() / 4);
    env.put("SCHEMAGATE_SCHEMA_REQUIREMENTS", encoded);

    assertThat(run()).as(out.toString()).isEqualTo(1);
    assertThat(out.toString())
        // All 1,000 arrived: the report names the first 20 and counts the rest.
        .contains("Missing tables: [reporting_table_0, reporting_table_1,")
        .contains("... 980 more]")
        // the history is at the required version: the gate cannot tell them apart from a drift
        .contains("❌ DB schema drifted");
  }

  @Test
  void halfBuiltTableNamesTheMissingColumn() throws SQLException {
    createSchema("id BIGINT PRIMARY KEY, calendar_id BIGINT", true, "116");

    assertThat(run()).as(out.toString()).isEqualTo(1);
    assertThat(out.toString())
        .contains("❌ CRITICAL: DB schema appears outdated!")
        .contains("❌ Missing columns in calendar_routing_rules: [question_text]")
        .contains("❌ DB schema outdated, run migrate")
        .doesNotContain("✅");
  }

  @Test
  void missingIndexFails() throws SQLException {
    createSchema("id BIGINT PRIMARY KEY, calendar_id BIGINT, question_text TEXT", false, "116");

    assertThat(run()).as(out.toString()).isEqualTo(1);
    assertThat(out.toString())
        .contains(
            "❌ Missing indexes on business_calendars: [idx_business_calendars_business_active]")
        .contains("❌ DB schema outdated, run migrate");
  }

  /**
   * The history reaches the required version and nothing failed, yet a column is gone (dropped by
   * hand): migrate would say "up to date", so the gate does not say "run migrate" but that the
   * schema drifted, and what to do.
   */
  @Test
  void aColumnDroppedBehindTheHistorysBackIsDriftNotAMigrationToRun() throws SQLException {
    createSchema("id BIGINT PRIMARY KEY, calendar_id BIGINT", true, "117");

    assertThat(run()).as(out.toString()).isEqualTo(1);
    assertThat(out.toString())
        .contains("❌ Missing columns in calendar_routing_rules: [question_text]")
        .contains(
            "❌ DB schema drifted: the Flyway history is at version 117 (needs 117) with no failed"
                + " migration, yet the objects above are missing")
        .contains("restore them, or add a migration that creates them")
        .doesNotContain("run migrate");
  }

  @Test
  void flywayMinimumNotReachedFails() throws SQLException {
    createSchema("id BIGINT PRIMARY KEY, calendar_id BIGINT, question_text TEXT", true, "116");

    assertThat(run()).as(out.toString()).isEqualTo(1);
    assertThat(out.toString())
        .contains("❌ Flyway history at 116, needs 117")
        .contains("❌ DB schema outdated, run migrate");
  }

  @Test
  void requirementsFileWinsOverTheEnvironment(@TempDir Path dir) throws Exception {
    createSchema("id BIGINT PRIMARY KEY, calendar_id BIGINT, question_text TEXT", true, "116");
    Path file = dir.resolve("requirements.json");
    Files.writeString(file, requirements("116"));

    assertThat(run("--requirements-file", file.toString())).as(out.toString()).isZero();
  }

  @Test
  void databaseUrlFromAnotherVariable() throws SQLException {
    createCompleteSchema();
    env.put("APP_DB", env.remove("DATABASE_URL"));

    assertThat(run("--database-url-env", "APP_DB")).as(out.toString()).isZero();
  }

  @Test
  void unreachableDatabaseIsRetriedThenExits2() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    env.put("DATABASE_URL", url(closedPort));

    assertThat(run("--attempts", "2", "--retry-delay", "0.05", "--timeout", "2"))
        .as(out.toString())
        .isEqualTo(2);
    assertThat(out.toString())
        .contains("⏳ Attempt 1/2 (DatabaseUnreachable): ")
        .contains("retrying in 50ms")
        .contains("⏳ Attempt 2/2 (DatabaseUnreachable): ")
        .contains("❌ Database did not answer: ")
        .doesNotContain("Database did not answer: Database did not answer")
        .doesNotContain("run migrate");
  }

  @Test
  void missingDatabaseUrlIsAConfigurationError() {
    env.remove("DATABASE_URL");

    assertThat(run()).isEqualTo(3);
    assertThat(out.toString())
        .contains("📍 DATABASE_URL: (not set)")
        .contains("❌ Configuration error: DATABASE_URL is not set")
        .contains("--database-url-env")
        .doesNotContain("Performing quick schema check");
  }

  @Test
  void invalidRequirementsJsonIsAConfigurationError() {
    env.put("SCHEMAGATE_SCHEMA_REQUIREMENTS", "{\"tables\": [{\"name\": \"business\", \"column\":");

    assertThat(run()).isEqualTo(3);
    assertThat(out.toString())
        .contains("❌ Configuration error: invalid schema requirements in env")
        .contains("SCHEMAGATE_SCHEMA_REQUIREMENTS");
  }

  @Test
  void unknownRequirementsPropertyIsAConfigurationError() {
    env.put("SCHEMAGATE_SCHEMA_REQUIREMENTS", "{\"tables\": [{\"name\": \"b\", \"column\": []}]}");

    assertThat(run()).isEqualTo(3);
    assertThat(out.toString()).contains("unknown property \"column\"");
  }

  @Test
  void missingRequirementsIsAConfigurationError() {
    env.remove("SCHEMAGATE_SCHEMA_REQUIREMENTS");

    assertThat(run()).isEqualTo(3);
    assertThat(out.toString())
        .contains("--requirements-file")
        .contains("SCHEMAGATE_SCHEMA_REQUIREMENTS");
  }

  @Test
  void invalidOptionValueIsAConfigurationError() {
    assertThat(run("--attempts", "0")).isEqualTo(3);
    assertThat(out.toString()).contains("--attempts").contains("SCHEMAGATE_CHECK_ATTEMPTS");
  }

  @Test
  void invalidVariableValueIsAConfigurationErrorNamingOptionAndVariable() {
    env.put("SCHEMAGATE_CHECK_TIMEOUT", "soon");

    assertThat(run()).isEqualTo(3);
    assertThat(out.toString())
        .contains("📍 SERVICE_ROLE: worker")
        .contains(
            "❌ Configuration error: --timeout (env SCHEMAGATE_CHECK_TIMEOUT) must be a number of"
                + " seconds, got \"soon\"");
  }

  @Test
  void aBlankOptionFallsBackToTheVariable() {
    env.put("SCHEMAGATE_CHECK_ATTEMPTS", "many");

    assertThat(run("--attempts", " ")).isEqualTo(3);
    assertThat(out.toString()).contains("got \"many\"");
  }

  @Test
  void theOptionWinsOverAnInvalidVariable() throws SQLException {
    createCompleteSchema();
    env.put("SCHEMAGATE_CHECK_ATTEMPTS", "many");

    assertThat(run("--attempts", "1")).as(out.toString()).isZero();
  }

  @Test
  void unknownOptionIsAConfigurationErrorToo() {
    assertThat(run("--databse-url-env", "X")).isEqualTo(3);
    assertThat(err.toString()).contains("Unknown option");
  }

  @Test
  void secretBackedDiagnosticsAreHiddenEverywhere() throws SQLException {
    createCompleteSchema();
    env.put("API_TOKEN_PLAIN", "tok-" + PASSWORD);
    env.put("ResolvedName", PASSWORD);
    env.put("SCHEMAGATE_SECRET_ENV_NAMES", "ResolvedName,DATABASE_URL");

    assertThat(run("--diagnostics-env", "ResolvedName,API_TOKEN_PLAIN")).isZero();
    assertThat(out.toString()).contains("📍 ResolvedName: ").contains("📍 API_TOKEN_PLAIN: ");
  }

  @Test
  void helpDocumentsOptionsEnvironmentAndExitCodes() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString())
        .contains("--requirements-file", "SCHEMAGATE_SCHEMA_REQUIREMENTS")
        .contains("--database-url-env", "DATABASE_URL")
        .contains("--timeout", "--attempts", "--retry-delay", "--role", "--diagnostics-env")
        .contains("SERVICE_ROLE", "SCHEMAGATE_DIAGNOSTICS_ENV")
        .contains("Exit codes:")
        .contains("configuration error");
  }
}
