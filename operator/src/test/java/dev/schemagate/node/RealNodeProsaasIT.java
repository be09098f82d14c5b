package dev.schemagate.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.workload.Labels;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * README's "Install on a real cluster", step 3, as written: {@code kubectl apply -k
 * examples/prosaas} and {@code kubectl wait --for=condition=Ready appd/prosaas}, with the example's
 * own image (examples/prosaas/app), namespace (enforcing "restricted"), Flyway ConfigMap and
 * AppDeployment. The one thing changed is what a user changes too: the CHANGE-ME URLs of the two
 * Secrets, here through a kustomize overlay that points them at the node's PostgreSQL and Redis.
 */
@RealNode
@Order(2)
class RealNodeProsaasIT {

  static final String NAMESPACE = "prosaas";

  static Node node;
  static KubernetesClient admin;

  @Test
  void theExampleAppliedWithKustomizeBecomesReadyAndItsWorkerUsesTheDatabaseAndRedis()
      throws Exception {
    Node.Database database = node.createDatabase("prosaas");
    Path overlay = overlay(database.url(), node.redisUrl());

    long t0 = System.nanoTime();
    node.kubectl("apply", "-k", overlay.toString()).ok();
    node.kubectl(
            "-n",
            NAMESPACE,
            "wait",
            "--for=condition=Ready",
            "appd/prosaas",
            "--timeout=" + Shop.READY_TIMEOUT.toSeconds() + "s")
        .ok();
    System.out.printf(
        "%s examples/prosaas: kubectl apply -k -> kubectl wait appd/prosaas Ready %.1f s%n",
        RealNodeIT.TIMING, (System.nanoTime() - t0) / 1e9);

    // The example's namespace enforces restricted, and its components run there.
    assertThat(admin.namespaces().withName(NAMESPACE).get().getMetadata().getLabels())
        .containsEntry(OperatorChart.RESTRICTED, "restricted");
    List<Pod> api = pods("api");
    assertThat(api).hasSize(2).allMatch(Shop::ready);
    assertThat(api.get(0).getSpec().getContainers().get(0).getImage())
        .isEqualTo(node.prosaasImage());
    assertThat(
            api.get(0).getSpec().getContainers().get(0).getReadinessProbe().getHttpGet().getPath())
        .isEqualTo("/healthz");
    List<Pod> worker = pods("worker");
    assertThat(worker).hasSize(1);

    // The API's readiness probe is real: the kubelet asked /healthz, which asked both backends.
    String apiLog =
        node.kubectl("-n", NAMESPACE, "logs", api.get(0).getMetadata().getName(), "-c", "app").ok();
    assertThat(apiLog).contains("\"GET /healthz HTTP/1.1\" 200");

    // A lead posted to the API's Service (ClusterIP, through kube-proxy) goes through Redis to the
    // worker, which stores it in the database; the API then counts it from there.
    String service =
        "http://"
            + admin
                .services()
                .inNamespace(NAMESPACE)
                .withName("prosaas-api")
                .get()
                .getSpec()
                .getClusterIP();
    assertThat(http("POST", service + "/leads?phone=555-0100")).contains("queued");
    String leads =
        Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(250))
            .until(() -> http("GET", service + "/leads"), body -> body.contains("\"leads\": 1"));
    assertThat(leads).contains("\"leads\": 1");
    assertThat(
            node.kubectl(
                    "-n", NAMESPACE, "logs", worker.get(0).getMetadata().getName(), "-c", "app")
                .ok())
        .contains("worker started")
        .contains("lead stored");
  }

  /**
   * A kustomize overlay of examples/prosaas that sets the two Secrets' URLs: kustomize takes a base
   * only by a relative path.
   */
  private static Path overlay(String databaseUrl, String redisUrl) throws IOException {
    Path dir = Files.createTempDirectory("prosaas-overlay");
    dir.toFile().deleteOnExit();
    String base = dir.relativize(node.repo().resolve("examples/prosaas")).toString();
    Path kustomization = dir.resolve("kustomization.yaml");
    Files.writeString(
        kustomization,
        """
        apiVersion: kustomize.config.k8s.io/v1beta1
        kind: Kustomization
        resources:
          - %s
        patches:
          - patch: |
              apiVersion: v1
              kind: Secret
              metadata: {name: prosaas-db, namespace: prosaas}
              stringData: {url: "%s"}
          - patch: |
              apiVersion: v1
              kind: Secret
              metadata: {name: prosaas-redis, namespace: prosaas}
              stringData: {url: "%s"}
        """
            .formatted(base, databaseUrl, redisUrl));
    kustomization.toFile().deleteOnExit();
    return dir;
  }

  private static List<Pod> pods(String component) {
    return admin
        .pods()
        .inNamespace(NAMESPACE)
        .withLabel(Labels.COMPONENT, component)
        .list()
        .getItems()
        .stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .toList();
  }

  private static String http(String method, String url) {
    try {
      return HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(URI.create(url))
                  .method(method, HttpRequest.BodyPublishers.noBody())
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
