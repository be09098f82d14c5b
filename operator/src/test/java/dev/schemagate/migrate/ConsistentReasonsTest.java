package dev.schemagate.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.cli.SchemagateCli;
import dev.schemagate.gate.GateEnvironment;
import dev.schemagate.testkit.TestPostgres;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code migrate} and {@code check-schema} give one database URL the same reason, in the same
 * words: a closed port does not answer, a server without TLS refuses what sslmode=require asks, a
 * refused parameter is a configuration error. (A refused login: {@code
 * MigrateCommandTest.wrongPasswordIsARefusedLoginNamedAsCheckSchemaNamesIt}.)
 */
class ConsistentReasonsTest {

  static final String PASSWORD = "Reasons-S3cret-pw-0190";

  @TempDir Path migrations;

  record Outcome(int exit, String output) {}

  Outcome migrate(String url) throws Exception {
    java.nio.file.Files.writeString(migrations.resolve("V1__a.sql"), "CREATE TABLE a (id INT);");
    return run(
        Map.of("SCHEMAGATE_DATABASE_URL", url),
        "migrate",
        "--location",
        migrations.toString(),
        "--schema",
        "reasons_" + System.nanoTime() % 100_000,
        "--timeout",
        "3");
  }

  Outcome checkSchema(String url) {
    return run(
        Map.of(
            "DATABASE_URL",
            url,
            "SCHEMAGATE_SCHEMA_REQUIREMENTS",
            "{\"schema\":\"public\",\"tables\":[{\"name\":\"business\"}]}"),
        "check-schema",
        "--attempts",
        "1",
        "--timeout",
        "3");
  }

  static Outcome run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    int exit;
    try (GateEnvironment.Override ignored = GateEnvironment.override(env)) {
      exit = SchemagateCli.execute(new PrintWriter(out, true), new PrintWriter(out, true), args);
    }
    assertThat(out.toString()).doesNotContain(PASSWORD);
    return new Outcome(exit, out.toString());
  }

  @Test
  void aClosedPortIsUnreachableInBoth() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    String url = "postgresql://app:" + PASSWORD + "@localhost:" + closed + "/app";

    Outcome migrate = migrate(url);
    Outcome gate = checkSchema(url);

    String reason = "(DatabaseUnreachable): Database did not answer: connection refused";
    assertThat(migrate.exit()).as(migrate.output()).isEqualTo(2);
    assertThat(gate.exit()).as(gate.output()).isEqualTo(2);
    assertThat(migrate.output()).contains("❌ Migration could not run " + reason);
    assertThat(gate.output()).contains("Database did not answer: connection refused");
  }

  /** The server answers, and has no TLS to give: that is no silence, and both say what it is. */
  @Test
  void tlsRequiredFromAServerWithoutItIsATlsFailureInBoth() throws Exception {
    int port = TestPostgres.shared().getPort();
    String url =
        "postgresql://postgres:" + PASSWORD + "@localhost:" + port + "/postgres?sslmode=require";

    Outcome migrate = migrate(url);
    Outcome gate = checkSchema(url);

    String reason =
        "(DatabaseTlsFailed): Database refused the TLS connection: the server does not offer TLS,"
            + " and the URL's sslmode requires it";
    assertThat(migrate.exit()).as(migrate.output()).isEqualTo(2);
    assertThat(gate.exit()).as(gate.output()).isEqualTo(2);
    assertThat(migrate.output()).contains("❌ Migration could not run " + reason);
    assertThat(gate.output()).contains("❌ Schema check could not run " + reason);
    assertThat(migrate.output() + gate.output()).doesNotContain("did not answer");
  }

  @Test
  void aRefusedUrlParameterIsAConfigurationErrorInBoth() throws Exception {
    String url = "postgresql://app:" + PASSWORD + "@localhost:5432/app?socketFactory=x.Evil";

    Outcome migrate = migrate(url);
    Outcome gate = checkSchema(url);

    assertThat(migrate.exit()).isEqualTo(3);
    assertThat(gate.exit()).isEqualTo(3);
    String refused = "is not a usable database URL: parameter \"socketFactory\" is refused";
    assertThat(migrate.output()).contains("❌ Configuration error: ").contains(refused);
    assertThat(gate.output()).contains("❌ Configuration error: ").contains(refused);
  }
}
