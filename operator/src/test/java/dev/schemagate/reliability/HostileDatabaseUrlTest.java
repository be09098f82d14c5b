package dev.schemagate.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.cli.SchemagateCli;
import dev.schemagate.env.SecretResolver;
import dev.schemagate.gate.GateEnvironment;
import dev.schemagate.lifecycle.CheckRequest;
import dev.schemagate.lifecycle.Checks.CheckResult;
import dev.schemagate.lifecycle.LiveDependencyChecks;
import dev.schemagate.testing.DriverClassParameters;
import dev.schemagate.testing.DriverTrap;
import dev.schemagate.testing.ShopApp;
import dev.schemagate.testing.SilentDatabase;
import dev.schemagate.testkit.TestPostgres;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A tenant's database URL against the three connectors that use it: the operator's schema check
 * (inside reconcile), {@code schemagate check-schema} and {@code schemagate migrate}. Its
 * parameters must not lift the connectors' timeouts, nor make the driver load a class, and what is
 * printed never holds the password.
 */
class HostileDatabaseUrlTest {

  static final String CANARY = "S3cr3t-canary";

  /** Far above the 2 s timeout of each run (which ends in about 2-4 s), far below "forever". */
  static final Duration BOUND = Duration.ofSeconds(15);

  static final String LIFTED = "socketTimeout=0&loginTimeout=0&connectTimeout=0";

  static EmbeddedPostgres pg;
  static SilentDatabase silent;
  static final List<String> measured = new ArrayList<>();

  @TempDir Path migrations;

  @BeforeAll
  static void start() {
    pg = TestPostgres.shared();
    silentPort();
  }

  @AfterAll
  static void stop() {
    silent.close();
    measured.forEach(System.out::println);
  }

  record Run(int exit, String output, Duration took) {}

  /** Tenant URLs to the silent database that try to lift every timeout, in every shape. */
  static Stream<String> liftedTimeoutUrls() {
    int port = silentPort();
    String base = "postgresql://postgres:" + CANARY + "@127.0.0.1:" + port + "/postgres";
    return Stream.of(
        base + "?" + LIFTED,
        base + "?connect_timeout=0&socketTimeout=86400&loginTimeout=86400",
        "jdbc:postgresql://127.0.0.1:"
            + port
            + "/postgres?user=postgres&password="
            + CANARY
            + "&"
            + LIFTED,
        "host=127.0.0.1 port="
            + port
            + " dbname=postgres user=postgres password="
            + CANARY
            + " "
            + LIFTED.replace('&', ' '));
  }

  /** The silent database's port, started on first use, whichever runs first. */
  static synchronized int silentPort() {
    if (silent == null) {
      silent = new SilentDatabase();
    }
    return silent.port();
  }

  @ParameterizedTest
  @MethodSource("liftedTimeoutUrls")
  void checkSchemaAgainstASilentDatabaseEndsInTimeWhateverTheUrlSays(String url) {
    int acceptedBefore = silent.accepted();

    Run run =
        assertTimeoutPreemptively(
            BOUND,
            () -> checkSchema(Map.of("DATABASE_URL", url), "--attempts", "1", "--timeout", "2"));

    measured.add("check-schema, silent database, " + shape(url) + ": " + seconds(run.took()));
    assertThat(run.exit()).as(run.output()).isEqualTo(2);
    assertThat(run.output()).contains("Database did not answer").doesNotContain(CANARY);
    assertThat(silent.accepted())
        .as("it did reach the silent database")
        .isGreaterThan(acceptedBefore);
  }

  @Test
  void migrateAgainstASilentDatabaseEndsInTime() throws IOException {
    goodMigration();
    String url =
        "postgresql://postgres:" + CANARY + "@127.0.0.1:" + silentPort() + "/postgres?" + LIFTED;

    Run run =
        assertTimeoutPreemptively(
            BOUND,
            () ->
                migrate(
                    Map.of("SCHEMAGATE_DATABASE_URL", url),
                    "--schema",
                    "silent",
                    "--timeout",
                    "2"));

    measured.add("migrate, silent database, libpq URI: " + seconds(run.took()));
    assertThat(run.exit()).as(run.output()).isEqualTo(2);
    assertThat(run.output()).contains("DatabaseUnreachable").doesNotContain(CANARY);
  }

  @Test
  void theOperatorsSchemaCheckAgainstASilentDatabaseEndsInTime() {
    String url =
        "postgresql://postgres:" + CANARY + "@127.0.0.1:" + silentPort() + "/postgres?" + LIFTED;

    long started = System.nanoTime();
    CheckResult schema = assertTimeoutPreemptively(BOUND, () -> operatorCheck(url, 2));
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    measured.add("operator schema check, silent database, libpq URI: " + seconds(took));
    assertThat(schema.reason()).isEqualTo("DatabaseUnreachable");
    assertThat(schema.transientFailure()).isTrue();
    assertThat(schema.message()).doesNotContain(CANARY);
  }

  static Stream<String> classParameters() {
    return DriverClassParameters.ALL.stream();
  }

  /**
   * Against the real database, so that a connector that passed the parameter on would connect and
   * the driver would load the class.
   */
  @ParameterizedTest
  @MethodSource("classParameters")
  void aParameterNamingAClassIsAConfigurationErrorInEveryConnector(String parameter)
      throws IOException {
    goodMigration();
    String url =
        "postgresql://postgres:"
            + CANARY
            + "@localhost:"
            + pg.getPort()
            + "/postgres?sslmode=disable&"
            + parameter
            + "="
            + DriverTrap.NAME;
    String named = "parameter \"" + parameter + "\" is refused: ";

    Run gate =
        checkSchema(
            Map.of(
                "DATABASE_URL",
                url,
                "SCHEMAGATE_SCHEMA_REQUIREMENTS",
                "{\"schema\":\"public\",\"tables\":[{\"name\":\"nothing_here\"}]}"));
    assertThat(gate.exit()).as(gate.output()).isEqualTo(3);
    assertThat(gate.output())
        .contains("❌ Configuration error: DATABASE_URL is not a usable database URL: " + named)
        .doesNotContain(CANARY);

    Run migrate = migrate(Map.of("SCHEMAGATE_DATABASE_URL", url), "--schema", "trap");
    assertThat(migrate.exit()).as(migrate.output()).isEqualTo(3);
    assertThat(migrate.output())
        .contains(
            "❌ Configuration error: SCHEMAGATE_DATABASE_URL is not a usable database URL: " + named)
        .doesNotContain(CANARY);

    CheckResult operator = operatorCheck(url, 2);
    assertThat(operator.reason()).isEqualTo("InvalidDatabaseUrl");
    assertThat(operator.transientFailure()).as("a human's turn, not a retry").isFalse();
    assertThat(operator.message())
        .startsWith("spec.database.urlSecretRef: " + named)
        .doesNotContain(CANARY);

    assertThat(DriverTrap.Tripwire.initialized()).as("the class is never loaded").isFalse();
  }

  /**
   * A file path in a URL is read by the process that connects: in the tenant's pods it is the
   * tenant's file, in the operator it would be one of schemagate's own (here its ServiceAccount
   * token). With {@code sslmode=disable} no connector opens the file, so only the operator's
   * refusal tells the check from one that would have read it.
   */
  @ParameterizedTest
  @ValueSource(strings = {"sslrootcert", "sslcert", "sslkey"})
  void aFileOfTheConnectingContainerIsRefusedByTheOperatorAndAcceptedInThePods(String parameter) {
    String path = "/var/run/secrets/kubernetes.io/serviceaccount/token";
    String url =
        "postgresql://postgres:"
            + CANARY
            + "@localhost:"
            + pg.getPort()
            + "/postgres?sslmode=disable&"
            + parameter
            + "="
            + path;

    Run gate =
        checkSchema(
            Map.of(
                "DATABASE_URL",
                url,
                "SCHEMAGATE_SCHEMA_REQUIREMENTS",
                "{\"schema\":\"pg_catalog\",\"tables\":[{\"name\":\"pg_class\"}]}"),
            "--attempts",
            "1",
            "--timeout",
            "5");
    assertThat(gate.exit()).as(gate.output()).isZero();

    CheckResult operator = operatorCheck(url, 5);
    assertThat(operator.reason()).isEqualTo("InvalidDatabaseUrl");
    assertThat(operator.transientFailure()).as("a human's turn, not a retry").isFalse();
    assertThat(operator.message())
        .startsWith(
            "spec.database.urlSecretRef: parameter \""
                + parameter
                + "\" is refused in the operator's schema check")
        .doesNotContain(path)
        .doesNotContain(CANARY);
  }

  static final String ALLOWED =
      "sslmode=disable&application_name=tenant-app&connect_timeout=0&socketTimeout=0"
          + "&options=-c%20statement_timeout%3D0&target_session_attrs=any&channel_binding=disable";

  @Test
  void allowedParametersStillWorkInEveryConnector() throws SQLException, IOException {
    String database = "hostile_url_" + System.nanoTime() % 1_000_000;
    try (Connection admin = TestPostgres.admin(pg)) {
      TestPostgres.exec(admin, "CREATE DATABASE " + database);
    }
    try (Connection c = pg.getDatabase("postgres", database, Map.of()).getConnection()) {
      TestPostgres.exec(c, ShopApp.FULL_SCHEMA);
    }
    String url =
        "postgresql://postgres:"
            + CANARY
            + "@localhost:"
            + pg.getPort()
            + "/"
            + database
            + "?"
            + ALLOWED;

    Run gate =
        checkSchema(
            Map.of(
                "DATABASE_URL",
                url,
                "SCHEMAGATE_SCHEMA_REQUIREMENTS",
                "{\"schema\":\"public\",\"tables\":[{\"name\":\"calendar_routing_rules\","
                    + "\"columns\":[\"question_text\"],\"indexes\":[\"idx_rules_question\"]}]}"),
            "--attempts",
            "1",
            "--timeout",
            "5");
    assertThat(gate.exit()).as(gate.output()).isZero();
    assertThat(gate.output()).doesNotContain(CANARY);

    goodMigration();
    Run migrate = migrate(Map.of("SCHEMAGATE_DATABASE_URL", url), "--schema", "tenant");
    assertThat(migrate.exit()).as(migrate.output()).isZero();
    assertThat(migrate.output()).contains("applied 1 migration").doesNotContain(CANARY);

    CheckResult operator = operatorCheck(url, 5);
    assertThat(operator.ok()).as(operator.message()).isTrue();
    assertThat(operator.message()).doesNotContain(CANARY);
  }

  private void goodMigration() throws IOException {
    Files.writeString(
        migrations.resolve("V1__t.sql"), "CREATE TABLE t (id int);", StandardCharsets.UTF_8);
  }

  private static Run checkSchema(Map<String, String> env, String... args) {
    Map<String, String> full = new HashMap<>(env);
    full.putIfAbsent(
        "SCHEMAGATE_SCHEMA_REQUIREMENTS", "{\"schema\":\"public\",\"tables\":[{\"name\":\"t\"}]}");
    String[] argv = new String[args.length + 1];
    argv[0] = "check-schema";
    System.arraycopy(args, 0, argv, 1, args.length);
    return cli(full, argv);
  }

  private Run migrate(Map<String, String> env, String... args) {
    List<String> argv = new ArrayList<>(List.of("migrate", "--location", migrations.toString()));
    argv.addAll(List.of(args));
    return cli(env, argv.toArray(String[]::new));
  }

  private static Run cli(Map<String, String> env, String... argv) {
    StringWriter out = new StringWriter();
    long started = System.nanoTime();
    int exit;
    try (GateEnvironment.Override ignored = GateEnvironment.override(env)) {
      exit = SchemagateCli.execute(new PrintWriter(out, true), new PrintWriter(out, true), argv);
    }
    return new Run(exit, out.toString(), Duration.ofNanos(System.nanoTime() - started));
  }

  /** The operator's schema check of an AppDeployment whose Secret holds {@code url}. */
  private static CheckResult operatorCheck(String url, int timeoutSeconds) {
    AppDeployment app =
        new KubernetesSerialization()
            .unmarshal(
                ShopApp.APP.replace("timeoutSeconds: 3", "timeoutSeconds: " + timeoutSeconds),
                AppDeployment.class);
    Secret secret =
        new SecretBuilder()
            .withNewMetadata()
            .withName("app-db")
            .endMetadata()
            .withData(
                Map.of(
                    "url",
                    Base64.getEncoder().encodeToString(url.getBytes(StandardCharsets.UTF_8))))
            .build();
    return new LiveDependencyChecks()
        .run(CheckRequest.of(app, new SecretResolver(Map.of("app-db", secret)::get)))
        .schema();
  }

  private static String shape(String url) {
    if (url.startsWith("jdbc:")) {
      return "JDBC URL";
    }
    if (url.startsWith("host=")) {
      return "key=value";
    }
    return "libpq URI (" + url.substring(url.indexOf('?') + 1) + ")";
  }

  private static String seconds(Duration d) {
    return String.format("%.1f s", d.toMillis() / 1000.0);
  }
}
