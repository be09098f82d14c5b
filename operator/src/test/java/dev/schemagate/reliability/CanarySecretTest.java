package dev.schemagate.reliability;

import static dev.schemagate.testing.ShopApp.APP;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.Phase;
import dev.schemagate.cli.SchemagateCli;
import dev.schemagate.gate.GateEnvironment;
import dev.schemagate.lifecycle.LifecyclePlanner;
import dev.schemagate.testing.LogCapture;
import dev.schemagate.testkit.KubeletSimulator.Outcome;
import dev.schemagate.testkit.TestPostgres;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;
import redis.embedded.RedisServer;

/**
 * A canary secret as database password, Redis password and inside a JDBC URL, with every error path
 * forced (refused, unknown host, bad option, failed migration with the URL in its log, Redis
 * refusing the password) and the PostgreSQL driver logging at its most verbose. The canary must
 * appear in no log line, Event, status, Job or Deployment the operator writes, and in nothing the
 * schema gate prints.
 */
class CanarySecretTest {

  private static final String CANARY = "S3CRETq";

  /** Held so the level set on it is not lost with a collected logger. */
  private static final java.util.logging.Logger DRIVER_LOG =
      java.util.logging.Logger.getLogger("org.postgresql");

  static FaultyApiServer api;
  static LogCapture logs;

  @BeforeAll
  static void start() {
    api = new FaultyApiServer();
    logs = new LogCapture();
    listen();
  }

  /** Captures every line, with the driver at its most verbose; again after a CLI reset logging. */
  private static void listen() {
    logs.attach();
    if (!SLF4JBridgeHandler.isInstalled()) {
      SLF4JBridgeHandler.removeHandlersForRootLogger();
      SLF4JBridgeHandler.install();
    }
    DRIVER_LOG.setLevel(java.util.logging.Level.FINEST);
    ((LoggerContext) LoggerFactory.getILoggerFactory())
        .getLogger("org.postgresql")
        .setLevel(Level.TRACE);
  }

  @AfterAll
  static void noCanaryInAnyLogLine() {
    DRIVER_LOG.setLevel(null);
    ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("org.postgresql").setLevel(null);
    logs.close();
    api.close();
    String text = logs.text();
    assertThat(text).as("the driver's debug logging was on").contains("org.postgresql");
    assertThat(text).contains("ROLLOUT DIAGNOSTICS");
    assertThat(text).doesNotContain(CANARY);
  }

  @Test
  void everyOperatorErrorPathKeepsTheCanaryOut() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    RedisServer redis =
        RedisServer.newRedisServer()
            .port(port)
            .bind("127.0.0.1")
            .setting("requirepass other-" + CANARY.length())
            .build();
    redis.start();
    try (Rig rig = Rig.start(api)) {
      String db =
          rig.world
              .databaseUrl()
              .replace(dev.schemagate.testing.LifecycleHarness.DB_PASSWORD, CANARY);
      String pgPort = Integer.toString(TestPostgres.shared().getPort());
      rig.world.kubelet.migrations(
          job -> image(job).endsWith(":broken") ? Outcome.FAIL : rig.buildSchema(job));
      Map<String, String> urls = new LinkedHashMap<>();
      urls.put("refused", "postgresql://postgres:" + CANARY + "@localhost:1/app");
      urls.put("unknown", "postgresql://postgres:" + CANARY + "@no-such-host.invalid:5432/app");
      urls.put("badoption", db + "?sslmode=" + CANARY);
      urls.put("jdbcrefused", "jdbc:postgresql://localhost:1/app?user=postgres&password=" + CANARY);
      urls.put(
          "jdbcok",
          "jdbc:postgresql://localhost:"
              + pgPort
              + "/"
              + rig.world.database
              + "?user=postgres&password="
              + CANARY);
      urls.put("broken", db);
      urls.put("redisdown", db);
      urls.put("redisauth", db);
      urls.forEach((app, url) -> rig.world.putSecret(app + "-db", "url", url));
      rig.world.putSecret("redisdown-redis", "url", "redis://:" + CANARY + "@127.0.0.1:1/0");
      rig.world.putSecret(
          "redisauth-redis", "url", "redis://:" + CANARY + "@127.0.0.1:" + port + "/0");
      stubFailedMigrationLog(rig, db);

      for (String app : urls.keySet()) {
        String yaml =
            APP.replace("name: shop}", "name: " + app + "}")
                .replace("name: app-db", "name: " + app + "-db")
                .replace("image: shop:1", "image: shop:" + (app.equals("broken") ? "broken" : "1"));
        if (app.startsWith("redis")) {
          yaml =
              yaml.replace(
                  "  migration:",
                  "  redis: {urlSecretRef: {name: "
                      + app
                      + "-redis, key: url}, timeoutSeconds: 1}\n  migration:");
        }
        yaml = yaml.replace("  components:", "  diagnostics: {env: [DATABASE_URL]}\n  components:");
        rig.world.apply(yaml);
      }

      awaitReason(rig, "refused", "SchemaVerified", "DatabaseUnreachable");
      awaitReason(rig, "unknown", "SchemaVerified", "DatabaseUnreachable");
      awaitReason(rig, "jdbcrefused", "SchemaVerified", "DatabaseUnreachable");
      rig.world.awaitStatus("badoption", a -> "False".equals(Awaits.statusOf(a, "SchemaVerified")));
      Awaits.phase(rig.world, "jdbcok", Phase.Ready);
      AppDeployment broken = Awaits.phase(rig.world, "broken", Phase.Failed);
      assertThat(broken.getStatus().getMigration().getLogTail()).contains("postgres:***@");
      awaitReason(rig, "redisdown", "DependenciesReady", "RedisUnreachable");
      awaitReason(rig, "redisauth", "DependenciesReady", "RedisAuthFailed");

      KubernetesClient client = rig.world.client;
      String ns = rig.world.namespace;
      String everything =
          client.getKubernetesSerialization().asJson(client.v1().events().inNamespace(ns).list())
              + client
                  .getKubernetesSerialization()
                  .asJson(client.resources(AppDeployment.class).inNamespace(ns).list())
              + client
                  .getKubernetesSerialization()
                  .asJson(client.batch().v1().jobs().inNamespace(ns).list())
              + client
                  .getKubernetesSerialization()
                  .asJson(client.apps().deployments().inNamespace(ns).list());
      assertThat(everything).contains("secretKeyRef").doesNotContain(CANARY);
      // What the operator sent to the API server, request by request.
      assertThat(
              api.seen(
                  r ->
                      r.path().contains("/namespaces/" + ns + "/")
                          && !r.path().contains("/secrets")))
          .allSatisfy(r -> assertThat(r.body()).doesNotContain(CANARY));
    } finally {
      redis.stop();
    }
  }

  @Test
  void everySchemaGateErrorPathKeepsTheCanaryOut() {
    String[] urls = {
      "postgresql://postgres:" + CANARY + "@localhost:1/app",
      "postgresql://postgres:" + CANARY + "@no-such-host.invalid:5432/app",
      "postgresql://postgres:"
          + CANARY
          + "@localhost:"
          + TestPostgres.shared().getPort()
          + "/postgres?sslmode="
          + CANARY,
      "jdbc:postgresql://localhost:1/app?user=postgres&password=" + CANARY,
      "not a url at all " + CANARY,
    };
    try {
      for (String url : urls) {
        StringWriter out = new StringWriter();
        Map<String, String> env =
            Map.of(
                "DATABASE_URL", url,
                "SCHEMAGATE_SCHEMA_REQUIREMENTS", "{\"tables\": [{\"name\": \"business\"}]}",
                "SCHEMAGATE_CHECK_ATTEMPTS", "1",
                "SCHEMAGATE_DIAGNOSTICS_ENV", "DATABASE_URL");
        int code;
        try (var ignored = GateEnvironment.override(env)) {
          code =
              SchemagateCli.execute(
                  new PrintWriter(out, true), new PrintWriter(out, true), "check-schema");
        }
        assertThat(code).as(out.toString()).isNotZero();
        assertThat(out.toString()).doesNotContain(CANARY);
      }
    } finally {
      // The command configured logging afresh, as its own process would: capture again.
      listen();
    }
  }

  private static void awaitReason(Rig rig, String app, String type, String reason) {
    Awaits.reason(rig.world, app, type, reason);
  }

  private static String image(Job job) {
    return job.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  private static void stubFailedMigrationLog(Rig rig, String url) {
    AppDeployment parsed =
        rig.world
            .client
            .getKubernetesSerialization()
            .unmarshal(
                APP.replace("name: shop}", "name: broken}")
                    .replace("name: app-db", "name: broken-db")
                    .replace("image: shop:1", "image: shop:broken"),
                AppDeployment.class);
    String job =
        LifecyclePlanner.jobName(
            "broken", dev.schemagate.lifecycle.Revision.of(parsed.getSpec(), Map.of()));
    api.server()
        .expect()
        .get()
        .withPath(
            "/api/v1/namespaces/"
                + rig.world.namespace
                + "/pods/"
                + job
                + "-pod/log?pretty=false&tailLines=50")
        .andReturn(200, "connecting to " + url + "\nFATAL: password=" + CANARY + " rejected\n")
        .always();
  }
}
