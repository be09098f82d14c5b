package dev.schemagate.node;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.Phase;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Figures of docs/benchmarks.md, "On a real node", printed with the prefix {@value #BENCH}: not a
 * test (failsafe runs only *IT classes by default), run on demand with
 *
 * <pre>
 * mvn -B -pl operator verify -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false \
 *   -Dit.test=RealNodeBenchmark [-Dschemagate.bench.rounds=5] [-Dschemagate.bench.apps=100]
 * </pre>
 *
 * <ol>
 *   <li>Migration Job succeeded to the first new application pod Ready: schemagate (the operator
 *       sees the Job, verifies the schema, scales the Deployment up; the pod runs the schema gate,
 *       then its readiness probe) against the init-container polling way (k8s-wait-for style: the
 *       pod exists from the start, its init container reads the Job through the API every 2 s), the
 *       same application container and probe, rounds alternating on the same node.
 *   <li>The operator pod's memory, from its container's memory cgroup (working set as the kubelet
 *       computes it, RSS), idle and with N AppDeployments Ready.
 * </ol>
 */
@RealNode
class RealNodeBenchmark {

  static final String BENCH = "[node-bench]";

  static Node node;
  static KubernetesClient admin;

  @BeforeAll
  static void printTheMachine() {
    System.out.printf(
        "%s machine: %d cores, %s; load average at start %s%n",
        BENCH, Runtime.getRuntime().availableProcessors(), memTotal(), loadAverage());
  }

  @Test
  void jobSucceededToFirstPodReadyAgainstInitContainerPolling() {
    int rounds = Integer.getInteger("schemagate.bench.rounds", 5);
    List<Double> gated = new ArrayList<>();
    List<Double> polled = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      Shop shop = Shop.create(node, "bench-gated-" + i);
      gated.add(shop.deploy().jobSucceededToPodReadySeconds());
      polled.add(new PollingInitContainer("bench-polled-" + i).jobSucceededToPodReadySeconds());
      System.out.printf(
          "%s round %d: schemagate %.2f s, init container polling every 2 s %.2f s (load %s)%n",
          BENCH, i + 1, gated.get(i), polled.get(i), loadAverage());
    }
    System.out.printf(
        "%s Job succeeded -> first app pod Ready, %d rounds: schemagate median %.2f s [%.2f-%.2f],"
            + " polling median %.2f s [%.2f-%.2f]%n",
        BENCH,
        rounds,
        median(gated),
        min(gated),
        max(gated),
        median(polled),
        min(polled),
        max(polled));
  }

  @Test
  void operatorMemoryIdleAndWithManyAppDeployments() throws Exception {
    int apps = Integer.getInteger("schemagate.bench.apps", 100);
    System.out.printf("%s operator idle: %s%n", BENCH, operatorMemory());
    Node.Database database = node.createDatabase("bench_many");
    node.sql(database.name(), "CREATE TABLE business (id bigserial PRIMARY KEY)");
    int namespaces = 10;
    long t0 = System.nanoTime();
    for (int n = 0; n < namespaces; n++) {
      String ns = "bench-many-" + n;
      node.createNamespace(ns, Map.of());
      StringBuilder manifests =
          new StringBuilder(
              """
              apiVersion: v1
              kind: Secret
              metadata: {name: db, namespace: %s}
              stringData: {url: "%s"}
              """
                  .formatted(ns, database.url()));
      for (int a = n; a < apps; a += namespaces) {
        manifests.append(
            """
            ---
            apiVersion: schemagate.dev/v1alpha1
            kind: AppDeployment
            metadata: {name: app-%d, namespace: %s}
            spec:
              image: %s
              env:
                - name: DATABASE_URL
                  valueFrom: {secretKeyRef: {name: db, key: url}}
              database:
                urlSecretRef: {name: db, key: url}
              migration:
                command: ["true"]
              schema:
                tables: [{name: business}]
              components:
                - name: web
                  replicas: 0
                  command: ["sh", "-c", "exec sleep 3600"]
            """
                .formatted(a, ns, node.busyboxImage()));
      }
      Path file = Files.createTempFile("bench-many", ".yaml");
      Files.writeString(file, manifests);
      node.kubectl("apply", "-f", file.toString()).ok();
      Files.delete(file);
    }
    Awaitility.await()
        .atMost(Duration.ofMinutes(20))
        .pollInterval(Duration.ofSeconds(2))
        .until(
            () ->
                admin.resources(AppDeployment.class).inAnyNamespace().list().getItems().stream()
                    .filter(a -> a.getMetadata().getNamespace().startsWith("bench-many-"))
                    .filter(a -> a.getStatus() != null && a.getStatus().getPhase() == Phase.Ready)
                    .count(),
            ready -> ready == apps);
    System.out.printf(
        "%s %d AppDeployments (command migrations, 0 replicas) Ready in %.1f s (load %s)%n",
        BENCH, apps, (System.nanoTime() - t0) / 1e9, loadAverage());
    System.out.printf("%s operator with %d Ready: %s%n", BENCH, apps, operatorMemory());
    // Once more after a quiet minute: what stays once the rollouts are over.
    Awaitility.await()
        .pollDelay(Duration.ofSeconds(60))
        .atMost(Duration.ofSeconds(61))
        .until(() -> true);
    System.out.printf(
        "%s operator with %d Ready, a minute later: %s (load %s)%n",
        BENCH, apps, operatorMemory(), loadAverage());
  }

  /**
   * The k8s-wait-for way: a Job and a Deployment created together; the Deployment's pod waits in an
   * init container that reads the Job from the API server every 2 s (python3 of the example image,
   * with the pod's ServiceAccount token), then runs the same busybox httpd and probe as {@link
   * Shop}.
   */
  private static final class PollingInitContainer {
    private final String namespace;

    PollingInitContainer(String namespace) {
      this.namespace = namespace;
      node.createNamespace(namespace, Map.of());
    }

    double jobSucceededToPodReadySeconds() {
      String poll =
          String.join(
              "\n",
              "import json, os, ssl, time, urllib.request",
              "sa = '/var/run/secrets/kubernetes.io/serviceaccount/'",
              "url = 'https://%s:%s/apis/batch/v1/namespaces/%s/jobs/migrate' % (",
              "    os.environ['KUBERNETES_SERVICE_HOST'], os.environ['KUBERNETES_SERVICE_PORT'],",
              "    open(sa + 'namespace').read())",
              "tls = ssl.create_default_context(cafile=sa + 'ca.crt')",
              "while True:",
              "    request = urllib.request.Request(",
              "        url, headers={'Authorization': 'Bearer ' + open(sa + 'token').read()})",
              "    try:",
              "        job = json.load(urllib.request.urlopen(request, context=tls, timeout=5))",
              "        if (job.get('status') or {}).get('succeeded'):",
              "            print('job succeeded', flush=True)",
              "            break",
              "    except Exception as error:",
              "        print('waiting:', type(error).__name__, flush=True)",
              "    time.sleep(2)");
      String manifests =
          """
          apiVersion: rbac.authorization.k8s.io/v1
          kind: Role
          metadata: {name: job-reader, namespace: %1$s}
          rules: [{apiGroups: [batch], resources: [jobs], verbs: [get]}]
          ---
          apiVersion: rbac.authorization.k8s.io/v1
          kind: RoleBinding
          metadata: {name: job-reader, namespace: %1$s}
          roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: job-reader}
          subjects: [{kind: ServiceAccount, name: default, namespace: %1$s}]
          ---
          apiVersion: batch/v1
          kind: Job
          metadata: {name: migrate, namespace: %1$s}
          spec:
            backoffLimit: 0
            template:
              spec:
                restartPolicy: Never
                containers:
                  - {name: migrate, image: %2$s, command: ["sleep", "4"]}
          ---
          apiVersion: apps/v1
          kind: Deployment
          metadata: {name: web, namespace: %1$s}
          spec:
            replicas: 1
            selector: {matchLabels: {app: web}}
            template:
              metadata: {labels: {app: web}}
              spec:
                initContainers:
                  - name: wait-for-job
                    image: %3$s
                    command: ["python3", "-c", %4$s]
                containers:
                  - name: app
                    image: %2$s
                    command: ["sh", "-c", "%5$s"]
                    ports: [{name: http, containerPort: 8080}]
                    readinessProbe:
                      httpGet: {path: /, port: http}
                      periodSeconds: 1
          """
              .formatted(
                  namespace, node.busyboxImage(), node.prosaasImage(), json(poll), Shop.SERVE);
      try {
        Path file = Files.createTempFile("bench-polled", ".yaml");
        Files.writeString(file, manifests);
        node.kubectl("apply", "-f", file.toString()).ok();
        Files.delete(file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      try {
        admin
            .batch()
            .v1()
            .jobs()
            .inNamespace(namespace)
            .withName("migrate")
            .informOnCondition(jobs -> jobs.stream().anyMatch(j -> j != null && Shop.succeeded(j)))
            .get(3, TimeUnit.MINUTES);
      } catch (Exception e) {
        throw new AssertionError("the Job in " + namespace + " did not succeed", e);
      }
      long tJob = System.nanoTime();
      Awaitility.await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () ->
                  admin
                      .pods()
                      .inNamespace(namespace)
                      .withLabel("app", "web")
                      .list()
                      .getItems()
                      .stream()
                      .anyMatch(Shop::ready));
      return (System.nanoTime() - tJob) / 1e9;
    }
  }

  /**
   * The operator container's memory from its memory cgroup, as the kubelet computes it: usage, and
   * the working set (usage minus inactive file pages, what the kubelet evicts by and {@code kubectl
   * top} shows), and RSS. (The API server's node proxy refuses this node's loopback address, so the
   * kubelet's Summary API is not reachable through it; the cgroup is its source anyway.)
   */
  private static String operatorMemory() throws IOException {
    StringBuilder out = new StringBuilder();
    for (var pod : OperatorChart.pods(node)) {
      String id =
          pod.getStatus().getContainerStatuses().get(0).getContainerID().replaceFirst("^.*://", "");
      Path cgroup;
      try (var dirs = Files.walk(Path.of("/sys/fs/cgroup/memory/schemagate"), 6)) {
        cgroup =
            dirs.filter(d -> d.getFileName().toString().equals(id))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no memory cgroup for " + id));
      }
      long usage =
          Long.parseLong(Files.readString(cgroup.resolve("memory.usage_in_bytes")).strip());
      Map<String, Long> stat = new java.util.HashMap<>();
      for (String line : Files.readAllLines(cgroup.resolve("memory.stat"))) {
        String[] kv = line.split(" ");
        stat.put(kv[0], Long.parseLong(kv[1]));
      }
      long workingSet = usage - stat.getOrDefault("total_inactive_file", 0L);
      out.append(
          "%s working set %s MiB, RSS %s MiB, usage %s MiB "
              .formatted(
                  pod.getMetadata().getName(),
                  mib(workingSet),
                  mib(stat.get("total_rss")),
                  mib(usage)));
    }
    return out.toString().strip();
  }

  private static String mib(Object bytes) {
    return bytes == null ? "?" : "%.1f".formatted(((Number) bytes).doubleValue() / (1 << 20));
  }

  private static String json(String text) {
    return admin.getKubernetesSerialization().asJson(text);
  }

  private static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException e) {
      return "?";
    }
  }

  private static String memTotal() {
    try {
      return Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\s+", " ");
    } catch (IOException e) {
      return "?";
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static double min(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
  }

  private static double max(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
  }
}
