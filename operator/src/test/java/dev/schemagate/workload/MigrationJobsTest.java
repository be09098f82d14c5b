package dev.schemagate.workload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.ContractSpec;
import dev.schemagate.api.InvalidAppDeployments;
import dev.schemagate.api.MigrationSpec;
import dev.schemagate.cli.SchemagateCli;
import dev.schemagate.gate.GateEnvironment;
import dev.schemagate.migrate.FlywaySettings;
import dev.schemagate.migrate.MigrateSettings;
import dev.schemagate.testkit.TestPostgres;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The Flyway migration Job: where its SQL comes from, and the settings on its command line. */
class MigrationJobsTest {

  static final String OPERATOR_IMAGE = "ghcr.io/schemagate/schemagate:test";
  static final KubernetesSerialization JSON = new KubernetesSerialization();

  static AppDeployment flywayApp(String flyway) {
    AppDeployment app = JSON.unmarshal(InvalidAppDeployments.VALID, AppDeployment.class);
    app.getMetadata().setUid("8a0c6f5e-0000-4000-8000-000000000020");
    app.getSpec().getDatabase().setSchema("public"); // the CRD's default, as the API server sets it
    app.getSpec()
        .setMigration(
            JSON.unmarshal(
                "{\"activeDeadlineSeconds\": 600, \"flyway\": " + flyway + "}",
                MigrationSpec.class));
    return app;
  }

  static PodSpec pod(AppDeployment app) {
    return MigrationJobs.build(app, "shop-migrate-abc", "abc", "", OPERATOR_IMAGE)
        .getSpec()
        .getTemplate()
        .getSpec();
  }

  @Test
  void everySourceHasItsDirectoryAndEverySettingItsOption() {
    PodSpec pod =
        pod(
            flywayApp(
                """
                {"configMapRef": {"name": "sql"},
                 "configMapRefs": [{"name": "sql-2024"}, {"name": "sql-2025"}],
                 "locations": ["/app/db/migrations/"],
                 "placeholders": {"enabled": true, "values": {"owner": "shop", "env": "prod"},
                                  "prefix": "%{", "suffix": "}%"},
                 "mixed": true, "encoding": "ISO-8859-1", "postgresqlTransactionalLock": true,
                 "outOfOrder": true, "target": "42", "table": "schema_version",
                 "baselineOnMigrate": true, "baselineVersion": "3"}
                """));

    Container migrate = pod.getContainers().get(0);
    assertThat(migrate.getImage()).isEqualTo(OPERATOR_IMAGE);
    assertThat(migrate.getArgs())
        .containsExactly(
            "migrate",
            "--location",
            "/schemagate/migrations",
            "--location",
            "/schemagate/migrations-1",
            "--location",
            "/schemagate/migrations-2",
            "--location",
            "/schemagate/image-migrations/1",
            "--schema",
            "public",
            "--baseline-on-migrate",
            "--baseline-version",
            "3",
            "--placeholders",
            "--placeholder",
            "env=prod",
            "--placeholder",
            "owner=shop",
            "--placeholder-prefix",
            "%{",
            "--placeholder-suffix",
            "}%",
            "--mixed",
            "--encoding",
            "ISO-8859-1",
            "--postgresql-transactional-lock",
            "--out-of-order",
            "--target",
            "42",
            "--table",
            "schema_version",
            "--deadline",
            "540");
    assertThat(pod.getVolumes())
        .extracting(Volume::getName)
        .containsExactly("migrations", "migrations-1", "migrations-2", "image-migrations", "tmp");
    assertThat(pod.getVolumes().get(2).getConfigMap().getName()).isEqualTo("sql-2025");
    assertThat(pod.getVolumes().get(3).getEmptyDir().getSizeLimit().toString()).isEqualTo("256Mi");
    assertThat(migrate.getVolumeMounts())
        .filteredOn(m -> !m.getName().equals("tmp"))
        .allMatch(VolumeMount::getReadOnly);

    Container copy = pod.getInitContainers().get(0);
    assertThat(copy.getName()).isEqualTo("copy-migrations-1");
    assertThat(copy.getImage())
        .as("the application's image")
        .isEqualTo("registry.example.com/shop:1.0.0");
    assertThat(copy.getCommand())
        .containsExactly("cp", "-R", "/app/db/migrations/.", "/schemagate/image-migrations/1");
    assertThat(copy.getVolumeMounts())
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.getMountPath()).isEqualTo("/schemagate/image-migrations");
              assertThat(m.getReadOnly()).isNotEqualTo(Boolean.TRUE);
            });
    assertThat(copy.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(copy.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
  }

  /**
   * The Job's command line as the real {@code schemagate} parser reads it: every option the builder
   * writes is one the migrate command knows, and each value arrives where it belongs.
   */
  @Test
  void theJobsArgumentsParseWithTheRealMigrateCommand() {
    List<String> args =
        pod(flywayApp(
                """
                {"configMapRef": {"name": "sql"}, "locations": ["/app/db/migrations/"],
                 "placeholders": {"enabled": true, "values": {"owner": "shop", "env": "prod"},
                                  "prefix": "%{", "suffix": "}%"},
                 "mixed": true, "encoding": "ISO-8859-1", "postgresqlTransactionalLock": true,
                 "outOfOrder": true, "target": "42", "table": "schema_version",
                 "baselineOnMigrate": true, "baselineVersion": "3"}
                """))
            .getContainers()
            .get(0)
            .getArgs();

    CommandLine.ParseResult migrate =
        new CommandLine(new SchemagateCli()).parseArgs(args.toArray(String[]::new)).subcommand();

    assertThat(migrate.commandSpec().name()).isEqualTo(MigrateSettings.COMMAND);
    assertThat(migrate.unmatched()).isEmpty();
    assertThat(migrate.<List<String>>matchedOptionValue(MigrateSettings.LOCATION_OPTION, null))
        .containsExactly("/schemagate/migrations", "/schemagate/image-migrations/1");
    assertThat(migrate.<String>matchedOptionValue(MigrateSettings.SCHEMA_OPTION, null))
        .isEqualTo("public");
    assertThat(migrate.<String>matchedOptionValue(MigrateSettings.DEADLINE_OPTION, null))
        .isEqualTo("540");
    assertThat(migrate.matchedOptionValue(FlywaySettings.BASELINE_ON_MIGRATE_OPTION, false))
        .isTrue();
    assertThat(migrate.<String>matchedOptionValue(FlywaySettings.BASELINE_VERSION_OPTION, null))
        .isEqualTo("3");
    assertThat(migrate.matchedOptionValue(FlywaySettings.PLACEHOLDERS_OPTION, false)).isTrue();
    assertThat(migrate.<List<String>>matchedOptionValue(FlywaySettings.PLACEHOLDER_OPTION, null))
        .containsExactly("env=prod", "owner=shop");
    assertThat(migrate.<String>matchedOptionValue(FlywaySettings.PLACEHOLDER_PREFIX_OPTION, null))
        .isEqualTo("%{");
    assertThat(migrate.<String>matchedOptionValue(FlywaySettings.PLACEHOLDER_SUFFIX_OPTION, null))
        .isEqualTo("}%");
    assertThat(migrate.matchedOptionValue(FlywaySettings.MIXED_OPTION, false)).isTrue();
    assertThat(migrate.<String>matchedOptionValue(FlywaySettings.ENCODING_OPTION, null))
        .isEqualTo("ISO-8859-1");
    assertThat(migrate.matchedOptionValue(FlywaySettings.TRANSACTIONAL_LOCK_OPTION, false))
        .isTrue();
    assertThat(migrate.matchedOptionValue(FlywaySettings.OUT_OF_ORDER_OPTION, false)).isTrue();
    assertThat(migrate.<String>matchedOptionValue(FlywaySettings.TARGET_OPTION, null))
        .isEqualTo("42");
    assertThat(migrate.<String>matchedOptionValue(FlywaySettings.TABLE_OPTION, null))
        .isEqualTo("schema_version");
  }

  /** flywayApp with a contract phase of Flyway SQL. */
  static AppDeployment withFlywayContract(String contract) {
    AppDeployment app = flywayApp("{\"configMapRef\": {\"name\": \"sql\"}}");
    app.getSpec()
        .getMigration()
        .setContract(JSON.unmarshal("{\"flyway\": " + contract + "}", ContractSpec.class));
    return app;
  }

  static Job contractJob(AppDeployment app) {
    return MigrationJobs.buildContract(app, "shop-post-abc", "abc", "", OPERATOR_IMAGE);
  }

  @Test
  void theContractJobsArgumentsParseWithTheRealMigrateCommandAndNameItsOwnTable() {
    Job job =
        contractJob(
            withFlywayContract(
                """
                {"configMapRef": {"name": "post-sql"}, "locations": ["/app/db/contract/"],
                 "placeholders": {"enabled": true, "values": {"owner": "shop"}},
                 "outOfOrder": true, "target": "7"}
                """));
    PodSpec pod = job.getSpec().getTemplate().getSpec();
    Container migrate = pod.getContainers().get(0);

    CommandLine.ParseResult parsed =
        new CommandLine(new SchemagateCli())
            .parseArgs(migrate.getArgs().toArray(String[]::new))
            .subcommand();

    assertThat(parsed.commandSpec().name()).isEqualTo(MigrateSettings.COMMAND);
    assertThat(parsed.unmatched()).isEmpty();
    assertThat(parsed.<String>matchedOptionValue(FlywaySettings.TABLE_OPTION, null))
        .as("the contract's history is a table of its own")
        .isEqualTo("flyway_contract_history");
    assertThat(parsed.<List<String>>matchedOptionValue(MigrateSettings.LOCATION_OPTION, null))
        .containsExactly("/schemagate/migrations", "/schemagate/image-migrations/1");
    assertThat(parsed.<String>matchedOptionValue(MigrateSettings.SCHEMA_OPTION, null))
        .isEqualTo("public");
    assertThat(parsed.<List<String>>matchedOptionValue(FlywaySettings.PLACEHOLDER_OPTION, null))
        .containsExactly("owner=shop");
    assertThat(parsed.matchedOptionValue(FlywaySettings.OUT_OF_ORDER_OPTION, false)).isTrue();
    assertThat(parsed.<String>matchedOptionValue(FlywaySettings.TARGET_OPTION, null))
        .isEqualTo("7");
    assertThat(parsed.matchedOptionValue(FlywaySettings.BASELINE_ON_MIGRATE_OPTION, false))
        .as("the contract's history starts empty on a schema that is not")
        .isTrue();
    assertThat(parsed.<String>matchedOptionValue(FlywaySettings.BASELINE_VERSION_OPTION, null))
        .as("below every contract migration")
        .isEqualTo("0");

    assertThat(job.getMetadata().getName()).isEqualTo("shop-post-abc");
    assertThat(Labels.isContract(job)).isTrue();
    assertThat(migrate.getImage()).isEqualTo(OPERATOR_IMAGE);
    assertThat(migrate.getCommand()).isNullOrEmpty();
    assertThat(migrate.getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo(DatabaseUrlVariable.NAME);
              assertThat(e.getValue()).isNull();
              assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("shop-db");
            });
    assertThat(pod.getVolumes())
        .extracting(v -> v.getConfigMap() == null ? null : v.getConfigMap().getName())
        .contains("post-sql")
        .doesNotContain("sql");
    assertThat(pod.getInitContainers())
        .singleElement()
        .satisfies(
            c ->
                assertThat(c.getCommand())
                    .containsExactly(
                        "cp", "-R", "/app/db/contract/.", "/schemagate/image-migrations/1"));
    assertThat(pod.getSecurityContext()).isEqualTo(Restricted.podSecurityContext());
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
  }

  @Test
  void theContractJobCarriesTheContractTableItIsGiven() {
    List<String> args =
        contractJob(
                withFlywayContract(
                    "{\"configMapRef\": {\"name\": \"post-sql\"}, \"table\": \"shop_contract\"}"))
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0)
            .getArgs();
    assertThat(args).containsSequence(FlywaySettings.TABLE_OPTION, "shop_contract");
    assertThat(args).containsOnlyOnce(FlywaySettings.TABLE_OPTION);
  }

  @Test
  void aBaselineTheContractAsksForIsTheOneItGets() {
    List<String> args =
        contractJob(
                withFlywayContract(
                    "{\"configMapRef\": {\"name\": \"post-sql\"}, \"baselineOnMigrate\": true,"
                        + " \"baselineVersion\": \"2\"}"))
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0)
            .getArgs();
    assertThat(args)
        .containsOnlyOnce(FlywaySettings.BASELINE_ON_MIGRATE_OPTION)
        .containsOnlyOnce(FlywaySettings.BASELINE_VERSION_OPTION)
        .containsSequence(FlywaySettings.BASELINE_VERSION_OPTION, "2");
  }

  @Test
  void aContractCommandStillRunsInTheApplicationImage() {
    AppDeployment app = flywayApp("{\"configMapRef\": {\"name\": \"sql\"}}");
    app.getSpec()
        .getMigration()
        .setContract(JSON.unmarshal("{\"command\": [\"contract\"]}", ContractSpec.class));
    Container container = contractJob(app).getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getImage()).isEqualTo(app.getSpec().getImage());
    assertThat(container.getCommand()).containsExactly("contract");
    assertThat(container.getArgs()).isNullOrEmpty();
  }

  @Test
  void settingsLeftAtTheirDefaultsAddNoOption() {
    Container migrate =
        pod(flywayApp("{\"configMapRef\": {\"name\": \"sql\"}, \"mixed\": false}"))
            .getContainers()
            .get(0);

    assertThat(migrate.getArgs())
        .containsExactly(
            "migrate",
            "--location",
            "/schemagate/migrations",
            "--schema",
            "public",
            "--deadline",
            "540");
    assertThat(pod(flywayApp("{\"configMapRef\": {\"name\": \"sql\"}}")).getInitContainers())
        .isEmpty();
  }

  @Test
  void theDeadlineLeavesTimeToReportBeforeKubernetesStopsThePod() {
    assertThat(MigrationDeadline.seconds(null)).isEqualTo(1740);
    assertThat(MigrationDeadline.seconds(1800L)).isEqualTo(1740);
    assertThat(MigrationDeadline.seconds(7200L)).isEqualTo(7140);
    assertThat(MigrationDeadline.seconds(600L)).isEqualTo(540);
    assertThat(MigrationDeadline.seconds(60L)).isEqualTo(50);
    assertThat(MigrationDeadline.seconds(15L)).isEqualTo(7);
    assertThat(MigrationDeadline.seconds(1L)).isEqualTo(1);
  }

  /**
   * Migrations shipped in the application image: the Job's own copy command (real {@code cp})
   * copies the image's directory, nested folders included, into the scratch volume, and the Job's
   * own migrate command line runs it against a real PostgreSQL. Paths of the image and of the
   * volume are directories of this test.
   */
  @Test
  void migrationsInTheApplicationImageAreCopiedAndRunByTheJobsOwnCommands(@TempDir Path root)
      throws Exception {
    Path image = root.resolve("image");
    Path volume = Files.createDirectories(root.resolve("volume"));
    Path sql = Files.createDirectories(image.resolve("app/db/migrations/2025"));
    Files.writeString(
        image.resolve("app/db/migrations/V1__orders.sql"),
        "CREATE TABLE orders (id BIGSERIAL PRIMARY KEY, total NUMERIC);",
        StandardCharsets.UTF_8);
    Files.writeString(
        sql.resolve("V2__orders_total.sql"),
        "CREATE INDEX CONCURRENTLY idx_orders_total ON orders (total);",
        StandardCharsets.UTF_8);
    PodSpec pod = pod(flywayApp("{\"locations\": [\"/app/db/migrations\"]}"));

    List<String> copy = new ArrayList<>();
    for (String arg : pod.getInitContainers().get(0).getCommand()) {
      copy.add(
          arg.startsWith("/app/")
              ? image + arg
              : arg.replace(FlywaySources.IMAGE_COPY_MOUNT, volume.toString()));
    }
    Process cp = new ProcessBuilder(copy).redirectErrorStream(true).start();
    String cpOutput = new String(cp.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(cp.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(cp.exitValue()).as(cpOutput).isZero();

    EmbeddedPostgres pg = TestPostgres.shared();
    String schema = "image_" + System.nanoTime() % 1_000_000;
    List<String> args = new ArrayList<>();
    for (String arg : pod.getContainers().get(0).getArgs()) {
      args.add(arg.replace(FlywaySources.IMAGE_COPY_MOUNT, volume.toString()));
    }
    args.set(args.indexOf("--schema") + 1, schema);
    StringWriter out = new StringWriter();
    String url = "postgresql://postgres:Image-S3cret-pw@localhost:" + pg.getPort() + "/postgres";
    int exit;
    try (var env = GateEnvironment.override(Map.of("SCHEMAGATE_DATABASE_URL", url))) {
      exit =
          SchemagateCli.execute(
              new PrintWriter(out, true), new PrintWriter(out, true), args.toArray(String[]::new));
    }

    assertThat(exit).as(out.toString()).isZero();
    assertThat(out.toString()).contains("applied 2 migrations").doesNotContain("Image-S3cret-pw");
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT script FROM "
                    + schema
                    + ".flyway_schema_history WHERE type = 'SQL' ORDER BY installed_rank")) {
      List<String> scripts = new ArrayList<>();
      while (rs.next()) {
        scripts.add(rs.getString(1));
      }
      assertThat(scripts).containsExactly("V1__orders.sql", "2025/V2__orders_total.sql");
    }
  }
}
