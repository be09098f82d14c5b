package dev.schemagate.reliability;

import static dev.schemagate.testing.ShopApp.APP;
import static dev.schemagate.testing.ShopApp.FULL_SCHEMA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.Phase;
import dev.schemagate.lifecycle.LiveDependencyChecks;
import dev.schemagate.runtime.OperatorSettings;
import dev.schemagate.runtime.SchemagateOperator;
import dev.schemagate.testing.LifecycleHarness;
import dev.schemagate.testing.SilentDatabase;
import dev.schemagate.testkit.KubeletSimulator;
import dev.schemagate.testkit.TestPostgres;
import dev.schemagate.workload.Labels;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Tenants are not trusted: twenty AppDeployments whose databases accept connections and never
 * answer, more than the operator has reconcile threads, must not delay a healthy one. Their checks
 * run off the reconcile threads; the healthy app becomes Ready in seconds while theirs still wait.
 */
class SilentDatabasesTest {

  private static final int SILENT = 20;
  private static final int SILENT_TIMEOUT_SECONDS = 30;
  private static final String NAMESPACE = "silent-dbs";

  @Test
  void twentySilentDatabasesDoNotDelayAHealthyApp() throws Exception {
    String database = "silent_dbs_" + System.nanoTime() % 100_000;
    try (FaultyApiServer api = new FaultyApiServer();
        SilentDatabase silent = new SilentDatabase();
        Connection admin = TestPostgres.admin(TestPostgres.shared())) {
      TestPostgres.exec(admin, "CREATE DATABASE " + database);
      try (Connection app =
          TestPostgres.shared().getDatabase("postgres", database).getConnection()) {
        TestPostgres.exec(app, FULL_SCHEMA);
      }

      KubernetesClient client = api.client();
      LifecycleHarness.installCrd(client);
      client
          .namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
          .create();
      secret(
          client,
          "app-db",
          "postgresql://postgres:"
              + LifecycleHarness.DB_PASSWORD
              + "@localhost:"
              + TestPostgres.shared().getPort()
              + "/"
              + database);
      secret(client, "silent-db", "postgresql://postgres:x@127.0.0.1:" + silent.port() + "/app");

      try (KubeletSimulator kubelet =
          new KubeletSimulator(client, NAMESPACE, Map.of(Labels.MANAGED_BY, Labels.MANAGER))
              .jobRunTime(Duration.ofMillis(20))
              .start()) {
        Operator operator =
            SchemagateOperator.create(
                api.client("schemagate-silent-dbs"),
                OperatorSettings.defaults().withNamespaces(List.of(NAMESPACE)),
                new LiveDependencyChecks());
        operator.start();
        try {
          String small = APP.replace("replicas: 2", "replicas: 1");
          for (int i = 0; i < SILENT; i++) {
            apply(
                client,
                small
                    .replace("name: shop}", "name: silent-" + i + "}")
                    .replace(
                        "name: app-db, key: url}, timeoutSeconds: 3",
                        "name: silent-db, key: url}, timeoutSeconds: " + SILENT_TIMEOUT_SECONDS));
          }
          // Every silent one has reached its check, holding whatever it holds.
          await()
              .atMost(Duration.ofSeconds(60))
              .until(() -> silent.accepted() >= OperatorSettings.defaults().reconcileThreads());
          Instant started = Instant.now();
          apply(client, small.replace("name: shop}", "name: healthy}"));

          await()
              .atMost(Duration.ofSeconds(SILENT_TIMEOUT_SECONDS))
              .pollInterval(Duration.ofMillis(200))
              .until(() -> phase(client, "healthy") == Phase.Ready);
          Duration took = Duration.between(started, Instant.now());
          LoggerFactory.getLogger(SilentDatabasesTest.class)
              .info(
                  "healthy app Ready in {} ms beside {} silent databases", took.toMillis(), SILENT);
          assertThat(took).isLessThan(Duration.ofSeconds(15));
          // Waiting on its database: for the look-up of its revision before migrating, or for
          // the verification after.
          assertThat(phase(client, "silent-0"))
              .as("a silent database is still being waited for")
              .isIn(Phase.Migrating, Phase.Verifying);
        } finally {
          operator.stop();
        }
      }
    }
  }

  private static Phase phase(KubernetesClient client, String name) {
    AppDeployment appd =
        client.resources(AppDeployment.class).inNamespace(NAMESPACE).withName(name).get();
    return appd == null || appd.getStatus() == null ? null : appd.getStatus().getPhase();
  }

  private static void apply(KubernetesClient client, String yaml) {
    AppDeployment appd = client.getKubernetesSerialization().unmarshal(yaml, AppDeployment.class);
    appd.getMetadata().setNamespace(NAMESPACE);
    client.resource(appd).create();
  }

  private static void secret(KubernetesClient client, String name, String url) {
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NAMESPACE)
                .endMetadata()
                .addToStringData("url", url)
                .build())
        .create();
  }
}
