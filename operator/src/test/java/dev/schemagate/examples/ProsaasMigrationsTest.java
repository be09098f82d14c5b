package dev.schemagate.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.Crd;
import dev.schemagate.cli.SchemagateCli;
import dev.schemagate.gate.GateEnvironment;
import dev.schemagate.schema.SchemaReport;
import dev.schemagate.schema.SchemaRequirements;
import dev.schemagate.schema.SchemaVerifier;
import dev.schemagate.testkit.JobRunner;
import dev.schemagate.testkit.TestPostgres;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Flyway SQL of examples/prosaas (migrations 115-117) against a real PostgreSQL: idempotent
 * when run twice statement by statement, and run by {@code schemagate migrate} as the AppDeployment
 * configures it, it completes a database whose calendar_routing_rules was left without
 * question_text, to exactly the schema a fresh install gets.
 */
class ProsaasMigrationsTest {

  private static final Path PROSAAS = Crd.repoRoot().resolve("examples/prosaas");
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private static EmbeddedPostgres pg;
  private Connection admin;

  /** Where the migration Job's pod would see the ConfigMap's files. */
  @TempDir Path migrations;

  @BeforeAll
  static void startPostgres() {
    pg = TestPostgres.shared();
  }

  @BeforeEach
  void connect() throws SQLException {
    admin = TestPostgres.admin(pg);
  }

  @AfterEach
  void disconnect() throws SQLException {
    admin.close();
  }

  @Test
  void everyFileRunTwiceLeavesTheSameSchemaAndItHasWhatTheAppDeploymentRequires()
      throws SQLException {
    String schema = TestPostgres.freshSchema(admin, "prosaas_twice");
    applyEveryFile();
    List<String> once = snapshot(schema);

    applyEveryFile();

    assertThat(snapshot(schema)).isEqualTo(once);
    SchemaReport report = verify(schema, false);
    assertThat(report.verified()).as(report.message()).isTrue();
  }

  @Test
  void schemagateMigrateRepairsAHalfBuiltCalendarRoutingRulesToWhatAFreshInstallGets()
      throws SQLException {
    String fresh = TestPostgres.freshSchema(admin, "prosaas_fresh");
    assertThat(migrate(fresh)).isZero();
    String halfBuilt = TestPostgres.freshSchema(admin, "prosaas_half");
    // A database migrated by the application before schemagate (no Flyway history), where an
    // interrupted 115 created calendar_routing_rules but never added question_text.
    applyEveryFile();
    TestPostgres.exec(
        admin,
        "ALTER TABLE calendar_routing_rules DROP COLUMN question_text",
        "DROP TABLE scheduled_message_rules",
        "ALTER TABLE gmail_receipts DROP COLUMN gmail_message_id");
    SchemaReport before = verify(halfBuilt, false);
    assertThat(before.missingColumnsByTable())
        .containsEntry("calendar_routing_rules", List.of("question_text"));

    assertThat(migrate(halfBuilt)).isZero();

    SchemaReport after = verify(halfBuilt, true);
    assertThat(after.verified()).as(after.message()).isTrue();
    assertThat(snapshot(halfBuilt)).isEqualTo(snapshot(fresh));
  }

  /** Each file's SQL as it is, in version order, with no history: only its idempotency helps. */
  private void applyEveryFile() throws SQLException {
    for (Map.Entry<String, String> file : migrationFiles()) {
      TestPostgres.exec(admin, file.getValue());
    }
  }

  /** {@code schemagate migrate} with the options the example's migration.flyway gives the Job. */
  private int migrate(String schema) {
    var flyway = appDeployment().getSpec().getMigration().getFlyway();
    JobRunner.writeFiles(configMap().getData(), migrations);
    List<String> args =
        new ArrayList<>(
            List.of("migrate", "--location", migrations.toString(), "--schema", schema));
    if (Boolean.TRUE.equals(flyway.getBaselineOnMigrate())) {
      args.addAll(
          List.of("--baseline-on-migrate", "--baseline-version", flyway.getBaselineVersion()));
    }
    StringWriter out = new StringWriter();
    String url = "postgresql://postgres@localhost:" + pg.getPort() + "/postgres";
    try (var env = GateEnvironment.override(Map.of("SCHEMAGATE_DATABASE_URL", url))) {
      int code =
          SchemagateCli.execute(
              new PrintWriter(out, true), new PrintWriter(out, true), args.toArray(String[]::new));
      assertThat(out.toString()).as("exit %s", code).contains("MIGRATION CHECKPOINT");
      return code;
    }
  }

  /** The example AppDeployment's requirements, checked in {@code schema}. */
  private SchemaReport verify(String schema, boolean withFlywayHistory) throws SQLException {
    var spec = appDeployment().getSpec();
    SchemaRequirements required = SchemaRequirements.from(spec.getSchema(), spec.getDatabase());
    SchemaRequirements.Flyway flyway = withFlywayHistory ? required.flyway() : null;
    try (Connection connection = TestPostgres.admin(pg)) {
      return SchemaVerifier.verify(
          connection, SchemaRequirements.of(schema, required.tables(), flyway), TIMEOUT);
    }
  }

  /**
   * Columns (type, nullability, default), indexes and constraints of a schema, its own name
   * replaced, without Flyway's history table: what two installs must agree on.
   */
  private List<String> snapshot(String schema) throws SQLException {
    String sql =
        """
        SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type
               || ' nullable=' || is_nullable || ' default=' || coalesce(column_default, '')
          FROM information_schema.columns WHERE table_schema = ?
        UNION ALL
        SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = ?
        UNION ALL
        SELECT 'constraint ' || c.relname || ' ' || k.conname || ' ' || pg_get_constraintdef(k.oid)
          FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
          JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ?
        ORDER BY 1
        """;
    List<String> rows = new ArrayList<>();
    // Outside the search path every name is qualified, so both schemas print theirs the same way.
    TestPostgres.exec(admin, "SET search_path TO pg_catalog");
    try (PreparedStatement statement = admin.prepareStatement(sql)) {
      for (int i = 1; i <= 3; i++) {
        statement.setString(i, schema);
      }
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          String row = result.getString(1).replace(schema + ".", "<schema>.");
          if (!row.contains("flyway_schema_history")) {
            rows.add(row);
          }
        }
      }
    }
    TestPostgres.exec(admin, "SET search_path TO " + schema);
    assertThat(rows).isNotEmpty();
    return rows;
  }

  private static AppDeployment appDeployment() {
    return ExampleManifestsTest.objects(PROSAAS.resolve("appdeployment.yaml")).stream()
        .filter(AppDeployment.class::isInstance)
        .map(AppDeployment.class::cast)
        .findFirst()
        .orElseThrow();
  }

  private static ConfigMap configMap() {
    String name = appDeployment().getSpec().getMigration().getFlyway().getConfigMapRef().getName();
    return ExampleManifestsTest.objects(PROSAAS.resolve("migrations.yaml")).stream()
        .filter(ConfigMap.class::isInstance)
        .map(ConfigMap.class::cast)
        .filter(c -> c.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  /** The ConfigMap's V<version>__<description>.sql files in version order. */
  private static List<Map.Entry<String, String>> migrationFiles() {
    return configMap().getData().entrySet().stream()
        .sorted(Comparator.comparingInt(e -> version(e.getKey())))
        .toList();
  }

  private static int version(String file) {
    return Integer.parseInt(file.substring(1, file.indexOf("__")));
  }
}
