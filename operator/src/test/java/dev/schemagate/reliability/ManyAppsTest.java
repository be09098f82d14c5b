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
import dev.schemagate.testkit.KubeletSimulator;
import dev.schemagate.testkit.KubeletSimulator.Outcome;
import dev.schemagate.testkit.TestPostgres;
import dev.schemagate.workload.Labels;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A hundred AppDeployments in ten namespaces, reconciled by one operator at once, next to apps that
 * fail: one whose database accepts connections and never answers (each check holds a reconcile
 * thread for its whole timeout) and two whose migration fails. Every healthy app converges on its
 * own, with one Job each, while the silent database is still being waited for.
 */
class ManyAppsTest {

  private static final int NAMESPACES = 10;
  private static final int APPS_PER_NAMESPACE = 10;
  private static final int SILENT_DB_TIMEOUT_SECONDS = 120;

  @Test
  void aHundredAppsConvergeIndependentlyOfTheFailingOnes() throws Exception {
    String database = "many_apps_" + System.nanoTime() % 100_000;
    try (FaultyApiServer api = new FaultyApiServer();
        ServerSocket silent = new ServerSocket(0);
        Connection admin = TestPostgres.admin(TestPostgres.shared())) {
      TestPostgres.exec(admin, "CREATE DATABASE " + database);
      try (Connection app =
          TestPostgres.shared().getDatabase("postgres", database).getConnection()) {
        TestPostgres.exec(app, FULL_SCHEMA);
      }
      List<Socket> held = new CopyOnWriteArrayList<>();
      Thread acceptor = new Thread(() -> acceptAndHold(silent, held), "silent-database");
      acceptor.setDaemon(true);
      acceptor.start();

      KubernetesClient client = api.client();
      LifecycleHarness.installCrd(client);
      List<String> namespaces = new ArrayList<>();
      for (int n = 0; n < NAMESPACES; n++) {
        namespaces.add("many-" + n);
      }
      String url =
          "postgresql://postgres:"
              + LifecycleHarness.DB_PASSWORD
              + "@localhost:"
              + TestPostgres.shared().getPort()
              + "/"
              + database;
      for (String ns : namespaces) {
        client
            .namespaces()
            .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
            .create();
        secret(client, ns, "app-db", url);
      }
      secret(
          client,
          "many-0",
          "silent-db",
          "postgresql://postgres:x@127.0.0.1:" + silent.getLocalPort() + "/app");

      KubeletSimulator kubelet =
          new KubeletSimulator(client, (String) null, Map.of(Labels.MANAGED_BY, Labels.MANAGER))
              .jobRunTime(Duration.ofMillis(20))
              .start();
      kubelet.migrations(
          job ->
              job.getSpec()
                      .getTemplate()
                      .getSpec()
                      .getContainers()
                      .get(0)
                      .getImage()
                      .endsWith(":broken")
                  ? Outcome.FAIL
                  : Outcome.SUCCEED);
      Operator operator =
          SchemagateOperator.create(
              api.client("schemagate-many-apps"),
              OperatorSettings.defaults().withNamespaces(namespaces),
              new LiveDependencyChecks());
      operator.start();
      try {
        String small = APP.replace("replicas: 2", "replicas: 1");
        apply(
            client,
            "many-0",
            small
                .replace("name: shop}", "name: silent}")
                .replace(
                    "name: app-db, key: url}, timeoutSeconds: 3",
                    "name: silent-db, key: url}, timeoutSeconds: " + SILENT_DB_TIMEOUT_SECONDS));
        apply(
            client,
            "many-1",
            small
                .replace("name: shop}", "name: broken-a}")
                .replace("image: shop:1", "image: shop:broken"));
        apply(
            client,
            "many-2",
            small
                .replace("name: shop}", "name: broken-b}")
                .replace("image: shop:1", "image: shop:broken"));
        Instant started = Instant.now();
        for (String ns : namespaces) {
          for (int i = 0; i < APPS_PER_NAMESPACE; i++) {
            apply(client, ns, small.replace("name: shop}", "name: app-" + i + "}"));
          }
        }

        await()
            .atMost(Duration.ofSeconds(SILENT_DB_TIMEOUT_SECONDS - 5))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> healthyReady(client) == NAMESPACES * APPS_PER_NAMESPACE);
        Duration took = Duration.between(started, Instant.now());
        LoggerFactory.getLogger(ManyAppsTest.class)
            .info(
                "{} apps in {} namespaces Ready in {} ms",
                NAMESPACES * APPS_PER_NAMESPACE,
                NAMESPACES,
                took.toMillis());

        AppDeployment waiting = get(client, "many-0", "silent");
        assertThat(waiting.getStatus().getPhase())
            .as("the silent database's first check has not even returned")
            .isIn(Phase.Verifying, Phase.Migrating, Phase.Pending);
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> get(client, "many-1", "broken-a").getStatus().getPhase() == Phase.Failed);
        assertThat(get(client, "many-2", "broken-b").getStatus().getPhase())
            .isEqualTo(Phase.Failed);
        // The silent app has no Job yet: before migrating, its revision is looked up in its
        // database's record of migrated revisions, and that database has not answered.
        for (String ns : namespaces) {
          assertThat(client.batch().v1().jobs().inNamespace(ns).list().getItems())
              .as(ns)
              .hasSize(APPS_PER_NAMESPACE + (ns.equals("many-1") || ns.equals("many-2") ? 1 : 0));
        }
        assertThat(took)
            .as("100 apps converged in")
            .isLessThan(Duration.ofSeconds(SILENT_DB_TIMEOUT_SECONDS - 5));
      } finally {
        operator.stop();
        kubelet.close();
        for (Socket socket : held) {
          socket.close();
        }
      }
    }
  }

  private static long healthyReady(KubernetesClient client) {
    return client.resources(AppDeployment.class).inAnyNamespace().list().getItems().stream()
        .filter(a -> a.getMetadata().getName().startsWith("app-"))
        .filter(a -> a.getStatus() != null && a.getStatus().getPhase() == Phase.Ready)
        .count();
  }

  private static AppDeployment get(KubernetesClient client, String ns, String name) {
    return client.resources(AppDeployment.class).inNamespace(ns).withName(name).get();
  }

  private static void apply(KubernetesClient client, String ns, String yaml) {
    AppDeployment appd = client.getKubernetesSerialization().unmarshal(yaml, AppDeployment.class);
    appd.getMetadata().setNamespace(ns);
    client.resource(appd).create();
  }

  private static void secret(KubernetesClient client, String ns, String name, String url) {
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(ns)
                .endMetadata()
                .addToStringData("url", url)
                .build())
        .create();
  }

  /** A database that accepts connections and never says a word. */
  private static void acceptAndHold(ServerSocket server, List<Socket> held) {
    while (!server.isClosed()) {
      try {
        held.add(server.accept());
      } catch (IOException e) {
        return;
      }
    }
  }
}
