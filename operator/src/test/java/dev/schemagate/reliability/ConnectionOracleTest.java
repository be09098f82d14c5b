package dev.schemagate.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.env.SecretResolver;
import dev.schemagate.lifecycle.CheckRequest;
import dev.schemagate.lifecycle.Checks;
import dev.schemagate.lifecycle.Checks.CheckResult;
import dev.schemagate.lifecycle.LiveDependencyChecks;
import dev.schemagate.testing.ShopApp;
import dev.schemagate.testing.SilentDatabase;
import dev.schemagate.testkit.TestPostgres;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A tenant's URL can point the operator at any address its network reaches. What the operator says
 * about it must not tell a closed port from a silent one, from a listener that speaks another
 * protocol, from a name that does not resolve: else status is a port scanner run from the
 * operator's network. Only a real PostgreSQL or Redis server that answers may be told apart (a
 * refused login is what users need to see). Timing still differs, see docs/security.md.
 */
class ConnectionOracleTest {

  static final String PASSWORD = "Oracle-canary-pw";

  static EmbeddedPostgres pg;
  static String database;
  static SilentDatabase silent;
  static Listener http;
  static Listener hangUp;
  static int closedPort;

  @BeforeAll
  static void start() throws SQLException, IOException {
    pg = TestPostgres.shared();
    database = "oracle_" + System.nanoTime() % 1_000_000;
    try (Connection admin = TestPostgres.admin(pg)) {
      TestPostgres.exec(admin, "CREATE DATABASE " + database);
    }
    try (Connection c = pg.getDatabase("postgres", database, Map.of()).getConnection()) {
      TestPostgres.exec(c, ShopApp.FULL_SCHEMA);
    }
    silent = new SilentDatabase();
    http = new Listener("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
    hangUp = new Listener("");
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
  }

  @AfterAll
  static void stop() {
    silent.close();
    http.close();
    hangUp.close();
  }

  /** Where a tenant may point a URL, by what is there. */
  static Map<String, String> addresses() {
    Map<String, String> addresses = new LinkedHashMap<>();
    addresses.put("closed port", "127.0.0.1:" + closedPort);
    addresses.put("silent listener", "127.0.0.1:" + silent.port());
    addresses.put("HTTP listener", "127.0.0.1:" + http.port());
    addresses.put("listener that hangs up", "127.0.0.1:" + hangUp.port());
    addresses.put("unresolvable name", "no-such-host.invalid:5432");
    return addresses;
  }

  @Test
  void theSchemaCheckSaysTheSameOfEveryAddressWhereNoPostgresAnswers() {
    Map<String, CheckResult> results = new LinkedHashMap<>();
    addresses()
        .forEach(
            (what, address) ->
                results.put(
                    what,
                    check(
                            "postgresql://app:" + PASSWORD + "@" + address + "/app?sslmode=disable",
                            null)
                        .schema()));

    assertThat(distinct(results)).as(results.toString()).hasSize(1);
    CheckResult any = results.values().iterator().next();
    assertThat(any.reason()).isEqualTo("DatabaseUnreachable");
    assertThat(any.transientFailure()).isTrue();
    assertThat(any.message()).doesNotContain("127.0.0.1", PASSWORD).contains("docs/security.md");
  }

  @Test
  void theRedisCheckSaysTheSameOfEveryAddressWhereNoRedisAnswers() {
    Map<String, CheckResult> results = new LinkedHashMap<>();
    addresses()
        .forEach(
            (what, address) ->
                results.put(
                    what,
                    check(goodDatabaseUrl(), "redis://:" + PASSWORD + "@" + address + "/0")
                        .redis()));

    assertThat(distinct(results)).as(results.toString()).hasSize(1);
    CheckResult any = results.values().iterator().next();
    assertThat(any.reason()).isEqualTo("RedisUnreachable");
    assertThat(any.message()).doesNotContain("127.0.0.1", PASSWORD).contains("docs/security.md");
  }

  /** The test server trusts every login; a database it does not have is its own answer too. */
  @Test
  void whatARealPostgresAnswersIsStillSaid() {
    CheckResult answered =
        check(
                "postgresql://postgres:"
                    + PASSWORD
                    + "@localhost:"
                    + pg.getPort()
                    + "/no_such_database?sslmode=disable",
                null)
            .schema();

    assertThat(answered.reason()).isEqualTo("VerificationError");
    assertThat(answered.message())
        .contains("database \"no_such_database\" does not exist")
        .doesNotContain(PASSWORD);
  }

  private static List<String> distinct(Map<String, CheckResult> results) {
    return results.values().stream()
        .map(r -> r.reason() + ": " + r.message())
        .distinct()
        .collect(Collectors.toList());
  }

  private static String goodDatabaseUrl() {
    return "postgresql://postgres:postgres@localhost:"
        + pg.getPort()
        + "/"
        + database
        + "?sslmode=disable";
  }

  /** The operator's checks of an AppDeployment whose Secrets hold these URLs, 1 s timeouts. */
  private static Checks check(String databaseUrl, String redisUrl) {
    String yaml = ShopApp.APP.replace("timeoutSeconds: 3", "timeoutSeconds: 1");
    if (redisUrl != null) {
      yaml += "  redis: {urlSecretRef: {name: app-redis, key: url}, timeoutSeconds: 1}\n";
    }
    AppDeployment app = new KubernetesSerialization().unmarshal(yaml, AppDeployment.class);
    Map<String, Secret> secrets = new LinkedHashMap<>();
    secrets.put("app-db", secret("app-db", databaseUrl));
    if (redisUrl != null) {
      secrets.put("app-redis", secret("app-redis", redisUrl));
    }
    return new LiveDependencyChecks().run(CheckRequest.of(app, new SecretResolver(secrets::get)));
  }

  private static Secret secret(String name, String url) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withData(
            Map.of("url", Base64.getEncoder().encodeToString(url.getBytes(StandardCharsets.UTF_8))))
        .build();
  }

  /** Accepts every connection, writes {@code answer} (maybe nothing) and hangs up. */
  static final class Listener implements AutoCloseable {
    private final ServerSocket server;

    Listener(String answer) {
      try {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Thread acceptor =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try (Socket client = server.accept()) {
                    client.getOutputStream().write(answer.getBytes(StandardCharsets.US_ASCII));
                    client.getOutputStream().flush();
                  } catch (IOException e) {
                    // closed, by the client or by close()
                  }
                }
              },
              "listener-" + server.getLocalPort());
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return server.getLocalPort();
    }

    @Override
    public void close() {
      try {
        server.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
