package dev.schemagate.node;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.workload.Labels;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The small application most node scenarios deploy, AppDeployment "shop" in a namespace of its own
 * with a database of its own: the Flyway files of examples/prosaas, run by the image's {@code
 * schemagate migrate}, and one component "web", busybox {@code httpd} with an {@code httpGet}
 * readiness probe, behind the real schema gate. busybox starts in milliseconds, so what the
 * scenarios time is schemagate and the kubelet, not an application's start-up.
 */
final class Shop {

  static final String NAME = "shop";
  static final String COMPONENT = "web";
  static final String MIGRATIONS = "prosaas-migrations";
  static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

  /**
   * Serves "ok" on 8080. The shell traps SIGTERM: as PID 1 without a handler it would ignore it and
   * every old pod would wait out its 30 s grace period.
   */
  static final String SERVE =
      "trap 'exit 0' TERM; mkdir -p /www && echo ok > /www/index.html"
          + " && httpd -f -p 8080 -h /www & wait";

  private final Node node;
  private final KubernetesClient admin;
  final String namespace;
  final Node.Database database;

  private Shop(Node node, String namespace, Node.Database database) {
    this.node = node;
    this.admin = node.admin();
    this.namespace = namespace;
    this.database = database;
  }

  /**
   * A namespace enforcing "baseline" and warning about "restricted" (the component is busybox as
   * root), and a fresh database.
   */
  static Shop create(Node node, String namespace) {
    return create(
        node,
        namespace,
        Map.of(
            OperatorChart.RESTRICTED, "baseline", "pod-security.kubernetes.io/warn", "restricted"));
  }

  static Shop create(Node node, String namespace, Map<String, String> labels) {
    node.createNamespace(namespace, labels);
    return new Shop(node, namespace, node.createDatabase(namespace.replace('-', '_')));
  }

  /** What {@link #deploy} measured. */
  record Deployed(Pod firstReadyPod, double jobSucceededToPodReadySeconds) {}

  /**
   * A ConfigMap named {@code name}: the Flyway files of examples/prosaas plus these, e.g. a slow or
   * a failing V118.
   */
  void migrations(String name, Map<String, String> moreFiles) {
    ConfigMap migrations;
    try (InputStream in =
        Files.newInputStream(node.repo().resolve("examples/prosaas/migrations.yaml"))) {
      migrations = admin.configMaps().load(in).item();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    migrations.getMetadata().setNamespace(namespace);
    migrations.getMetadata().setName(name);
    migrations.getData().putAll(moreFiles);
    admin.resource(migrations).create();
  }

  /** kubectl apply of the Secret, examples/prosaas's Flyway ConfigMap and the AppDeployment. */
  void apply() {
    apply(MIGRATIONS);
  }

  /** The same, the migration taking its files from this ConfigMap (see {@link #migrations}). */
  void apply(String migrationsConfigMap) {
    try {
      String migrations =
          Files.readString(node.repo().resolve("examples/prosaas/migrations.yaml"))
              .replace("namespace: prosaas", "namespace: " + namespace);
      String manifests =
          """
          apiVersion: v1
          kind: Secret
          metadata: {name: shop-db, namespace: %1$s}
          stringData:
            url: "%2$s"
          ---
          %3$s
          ---
          apiVersion: schemagate.dev/v1alpha1
          kind: AppDeployment
          metadata: {name: shop, namespace: %1$s}
          spec:
            image: %4$s
            env:
              - name: DATABASE_URL
                valueFrom: {secretKeyRef: {name: shop-db, key: url}}
            database:
              urlSecretRef: {name: shop-db, key: url}
            migration:
              flyway:
                configMapRef: {name: %5$s}
              backoffLimit: 1
            schema:
              tables:
                - name: business
                - name: gmail_receipts
                  columns: [gmail_message_id]
                  indexes: [idx_gmail_receipts_business_message]
                - name: scheduled_message_rules
                  columns: [business_id, send_at_minutes, is_active]
              flyway: {minVersion: "117"}
            components:
              - name: web
                replicas: 1
                command: ["sh", "-c", "%6$s"]
                ports: [{name: http, containerPort: 8080}]
                readinessProbe:
                  httpGet: {path: /, port: http}
                  periodSeconds: 1
            rollout:
              strategy: KeepRunning
            schemaGate:
              enabled: true
          """
              .formatted(
                  namespace,
                  database.url(),
                  migrations,
                  node.busyboxImage(),
                  migrationsConfigMap,
                  SERVE);
      Path file = Files.createTempFile("node-" + namespace, ".yaml");
      Files.writeString(file, manifests);
      try {
        node.kubectl("apply", "-f", file.toString()).ok();
      } finally {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@link #apply}, then waits for the migration, the first pod and the AppDeployment Ready. */
  Deployed deploy() {
    long t0 = System.nanoTime();
    apply();
    Job job = awaitJob(Shop::succeeded);
    long tJob = System.nanoTime();
    Pod pod = awaitPod(Shop::ready, READY_TIMEOUT);
    long tPod = System.nanoTime();
    waitReady();
    long tReady = System.nanoTime();
    System.out.printf(
        "%s %s: kubectl apply -> migration Job succeeded %.1f s, -> first app pod Ready %.1f s,"
            + " -> kubectl wait appd Ready %.1f s; Job succeeded -> first app pod Ready %.1f s"
            + " (Job %s)%n",
        RealNodeIT.TIMING,
        namespace,
        (tJob - t0) / 1e9,
        (tPod - t0) / 1e9,
        (tReady - t0) / 1e9,
        (tPod - tJob) / 1e9,
        job.getMetadata().getName());
    return new Deployed(pod, (tPod - tJob) / 1e9);
  }

  /** kubectl wait --for=condition=Ready appd/shop. */
  void waitReady() {
    node.kubectl(
            "-n",
            namespace,
            "wait",
            "--for=condition=Ready",
            "appd/" + NAME,
            "--timeout=" + READY_TIMEOUT.toSeconds() + "s")
        .ok();
  }

  /** kubectl patch appd/shop with a JSON patch (RFC 6902). */
  void patch(String jsonPatch) {
    node.kubectl("-n", namespace, "patch", "appd", NAME, "--type=json", "-p", jsonPatch).ok();
  }

  AppDeployment appd() {
    return admin.resources(AppDeployment.class).inNamespace(namespace).withName(NAME).get();
  }

  /** Waits until the AppDeployment, as the API server has it, is as wanted. */
  AppDeployment awaitAppd(Predicate<AppDeployment> wanted, Duration timeout) {
    return admin
        .resources(AppDeployment.class)
        .inNamespace(namespace)
        .withName(NAME)
        .waitUntilCondition(
            a -> a != null && wanted.test(a), timeout.toSeconds(), TimeUnit.SECONDS);
  }

  /** The migration Jobs of this AppDeployment, every revision's. */
  List<Job> jobs() {
    return admin
        .batch()
        .v1()
        .jobs()
        .inNamespace(namespace)
        .withLabel(Labels.APPDEPLOYMENT, NAME)
        .list()
        .getItems();
  }

  /** The first migration Job (of any revision) seen as wanted, through a watch. */
  Job awaitJob(Predicate<Job> wanted) {
    try {
      return admin
          .batch()
          .v1()
          .jobs()
          .inNamespace(namespace)
          .withLabel(Labels.APPDEPLOYMENT, NAME)
          .informOnCondition(jobs -> jobs.stream().anyMatch(wanted))
          .get(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
          .stream()
          .filter(wanted)
          .findFirst()
          .orElseThrow();
    } catch (Exception e) {
      throw new AssertionError("no migration Job as wanted in " + namespace + ": " + state(), e);
    }
  }

  static boolean succeeded(Job job) {
    return job.getStatus() != null
        && job.getStatus().getSucceeded() != null
        && job.getStatus().getSucceeded() > 0;
  }

  /** The component's pods (not the migration Job's) that are not being deleted, oldest first. */
  List<Pod> componentPods() {
    return admin
        .pods()
        .inNamespace(namespace)
        .withLabel(Labels.COMPONENT, COMPONENT)
        .list()
        .getItems()
        .stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .sorted(Comparator.comparing(p -> p.getMetadata().getCreationTimestamp()))
        .toList();
  }

  Pod awaitPod(Predicate<Pod> wanted, Duration timeout) {
    try {
      return Awaitility.await()
          .atMost(timeout)
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> componentPods().stream().filter(wanted).findFirst().orElse(null),
              Objects::nonNull);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "no component pod as wanted in " + namespace + " within " + timeout + ":\n" + state(), e);
    }
  }

  /** The pod as the API server has it now, or null once it is gone. */
  Pod pod(String name) {
    return admin.pods().inNamespace(namespace).withName(name).get();
  }

  /**
   * The pod of the previous version stays, Ready, and answers, for this long: while an upgrade
   * fails, the kubelet retries it meanwhile.
   */
  void assertStillServing(Pod old, Duration during) {
    String name = old.getMetadata().getName();
    Awaitility.await()
        .during(during)
        .atMost(during.plusSeconds(5))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> ready(pod(name)));
    Pod now = pod(name);
    if (now == null || !ready(now) || !"ok".equals(httpGet(now))) {
      throw new AssertionError("the old pod " + name + " stopped serving:\n" + state());
    }
  }

  /** What kubectl shows of the namespace: for failure messages. */
  String state() {
    return node.kubectl("-n", namespace, "get", "pods,jobs,appd,events", "-o", "wide").toString();
  }

  static boolean ready(Pod pod) {
    List<PodCondition> conditions =
        pod == null || pod.getStatus() == null ? null : pod.getStatus().getConditions();
    return conditions != null
        && conditions.stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** The AppDeployment's condition of this type, if written for its current generation. */
  static Optional<Condition> condition(AppDeployment appd, String type) {
    if (appd.getStatus() == null || appd.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return appd.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .filter(
            c ->
                c.getObservedGeneration() == null
                    || c.getObservedGeneration().equals(appd.getMetadata().getGeneration()))
        .findFirst();
  }

  /** What the component answers on its pod IP (host to pod, over the bridge). */
  static String httpGet(Pod pod) {
    try {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://" + pod.getStatus().getPodIP() + ":8080/"))
                      .timeout(Duration.ofSeconds(5))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      return response.body().strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
