package dev.schemagate.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.testing.HealthJudges;
import dev.schemagate.testing.StatusHistory;
import dev.schemagate.workload.Labels;
import dev.schemagate.workload.SchemaGateContainer;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * schemagate end to end on a real node: nothing simulated. The operator runs as a pod of the image
 * built from the Dockerfile, installed by the real helm under the chart's ServiceAccount, RBAC and
 * admission guard in a namespace enforcing the "restricted" Pod Security Standard; the migration
 * Job's pod runs the image's {@code schemagate migrate} against PostgreSQL on the host; the kubelet
 * runs the {@code schema-gate} init container and the application's readiness probe.
 *
 * <p>Timings are printed with the prefix {@value #TIMING} (docs/benchmarks.md).
 */
@RealNode
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealNodeIT {

  static final String TIMING = "[node-timing]";
  private static final String OPERATOR_NAMESPACE = "schemagate-system";
  private static final String RESTRICTED = "pod-security.kubernetes.io/enforce";
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

  static Node node;
  static KubernetesClient admin;

  /** Every secret value handed to the cluster by this class: none may show up anywhere else. */
  private static final List<String> SECRETS = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void installTheOperatorWithHelm() {
    if (admin.namespaces().withName(OPERATOR_NAMESPACE).get() != null) {
      return;
    }
    node.createNamespace(OPERATOR_NAMESPACE, Map.of(RESTRICTED, "restricted"));
    String image = node.schemagateImage();
    int colon = image.lastIndexOf(':');
    long t0 = System.nanoTime();
    String output =
        node.helm(
                "install",
                "schemagate",
                node.repo().resolve("helm/schemagate").toString(),
                "--namespace",
                OPERATOR_NAMESPACE,
                "--set",
                "image.repository=" + image.substring(0, colon),
                "--set",
                "image.tag=" + image.substring(colon + 1),
                "--set",
                "image.pullPolicy=Never",
                "--wait",
                "--timeout",
                "3m")
            .ok();
    System.out.printf("%s helm install --wait to operator Ready: %.1f s%n", TIMING, secs(t0));
    assertThat(output).contains("STATUS: deployed");
  }

  // ------------------------------------------------------------------------------------------ a

  @Test
  @Order(1)
  void theChartRunsTheOperatorUnderRestrictedPodSecurityAndItBecomesReady() {
    Pod pod = operatorPod();
    assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("schemagate");
    assertThat(pod.getSpec().getContainers().get(0).getImage()).isEqualTo(node.schemagateImage());
    assertThat(ready(pod)).as("operator pod Ready: %s", pod.getStatus()).isTrue();
    assertThat(admin.namespaces().withName(OPERATOR_NAMESPACE).get().getMetadata().getLabels())
        .containsEntry(RESTRICTED, "restricted");
    // /readyz of the pod itself, through the API server's pod proxy (kubectl fails unless 2xx).
    String readyz =
        node.kubectl(
                "get",
                "--raw",
                "/api/v1/namespaces/"
                    + OPERATOR_NAMESPACE
                    + "/pods/"
                    + pod.getMetadata().getName()
                    + ":8081/proxy/readyz")
            .ok();
    assertThat(readyz).isNotBlank();
    // It talks to the API server as the chart's ServiceAccount: it started its controller.
    assertThat(node.kubectl("-n", OPERATOR_NAMESPACE, "logs", pod.getMetadata().getName()).ok())
        .contains("schemagate operator started");
    // The chart's admission guard is in force.
    assertThat(node.kubectl("get", "validatingadmissionpolicybindings", "-o", "name").ok())
        .contains("schemagate");
  }

  // ------------------------------------------------------------------------------------------ b

  @Test
  @Order(2)
  void aFlywayAppMigratesPassesTheGateAndBecomesReadyByItsOwnProbe() throws Exception {
    String ns = "node-shop";
    Node.Database db = newApp(ns);
    try (StatusHistory history = StatusHistory.watch(admin, ns)) {
      Deployed app = deploy(ns, db);

      // The migration Job ran the image's real `schemagate migrate`.
      Job job = migrationJob(ns);
      assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
          .isEqualTo(node.schemagateImage());
      assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
          .contains("migrate");
      String migrateLog = node.kubectl("-n", ns, "logs", "job/" + job.getMetadata().getName()).ok();
      assertThat(migrateLog).containsIgnoringCase("117");
      // The component's pod passed the real gate, then its own readiness probe.
      Pod pod = app.firstReadyPod();
      ContainerStatus gate = pod.getStatus().getInitContainerStatuses().get(0);
      assertThat(gate.getName()).isEqualTo(SchemaGateContainer.NAME);
      assertThat(gate.getImage()).isEqualTo(node.schemagateImage());
      assertThat(gate.getState().getTerminated().getExitCode()).isZero();
      String gateLog =
          node.kubectl(
                  "-n",
                  ns,
                  "logs",
                  pod.getMetadata().getName(),
                  "-c",
                  "schema-gate",
                  "--timestamps")
              .ok();
      assertThat(gateLog).contains("Schema check passed");
      printGateStartup(gateLog, gate);

      // Flux (kstatus) and Argo CD said done only once the AppDeployment was Ready.
      AppDeployment now =
          admin.resources(AppDeployment.class).inNamespace(ns).withName("shop").get();
      StatusHistory.assertBothSayDone(admin, now);
      Instant firstReady =
          history.seen().stream()
              .filter(
                  s ->
                      condition(s.appd(), "Ready")
                          .filter(c -> "True".equals(c.getStatus()))
                          .isPresent())
              .map(StatusHistory.Seen::at)
              .findFirst()
              .orElseThrow();
      // Every version before that: Argo CD never Healthy; kstatus never Current once the operator
      // wrote a status (before its first write kstatus says Current, a known difference,
      // docs/api.md "How GitOps tools read it").
      int judged = 0;
      for (StatusHistory.Seen version : history.seen()) {
        if (!version.at().isBefore(firstReady)) {
          continue;
        }
        judged++;
        assertThat(HealthJudges.argoCd(version.json()).status())
            .as("Argo CD health of %s", version.json())
            .isNotEqualTo("Healthy");
        if (version.appd().getStatus() != null) {
          assertThat(HealthJudges.kstatus(version.json()).status())
              .as("kstatus of %s", version.json())
              .isNotEqualTo("Current");
        }
      }
      assertThat(judged).as("versions judged before Ready").isGreaterThan(2);
    }
  }

  // ------------------------------------------------------------------------------------------ c

  @Test
  @Order(3)
  void aHalfBuiltSchemaIsRefusedByTheGateInTheKubeletsContainer() throws Exception {
    String ns = "node-halfbuilt";
    Node.Database db = newApp(ns);
    deploy(ns, db);
    // Someone drops a column the spec requires, behind schemagate's back; the next pod's gate
    // must refuse to start the application.
    node.sql(db.name(), "ALTER TABLE gmail_receipts DROP COLUMN gmail_message_id CASCADE");
    String old = componentPods(ns).get(0).getMetadata().getName();
    node.kubectl("-n", ns, "delete", "pod", old, "--wait=false").ok();

    // The kubelet runs the gate, it exits 1, the kubelet restarts it (CrashLoopBackOff). Its exit
    // code from the container status; its words from its log: the kubelet keeps the log of the
    // last dead instance only, so read it while the status names that instance.
    Pod refused = null;
    String log = "";
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (!log.contains("❌ DB schema") && System.nanoTime() < deadline) {
      refused =
          awaitPod(
              ns,
              p -> !p.getMetadata().getName().equals(old) && gateExit(p) != null,
              Duration.ofMinutes(2));
      ContainerStatus gate = refused.getStatus().getInitContainerStatuses().get(0);
      Node.Result logs =
          gate.getState().getTerminated() != null
              ? node.kubectl("-n", ns, "logs", refused.getMetadata().getName(), "-c", "schema-gate")
              : node.kubectl(
                  "-n",
                  ns,
                  "logs",
                  refused.getMetadata().getName(),
                  "-c",
                  "schema-gate",
                  "--previous");
      log = logs.exit() == 0 ? logs.stdout() : "";
    }
    assertThat(refused).isNotNull();
    ContainerStatus gate = refused.getStatus().getInitContainerStatuses().get(0);
    assertThat(gate.getName()).isEqualTo(SchemaGateContainer.NAME);
    assertThat(gateExit(refused)).isEqualTo(1);
    assertThat(log)
        // The history is at the required version: a drift, which migrate would not repair.
        .contains("DB schema drifted")
        .doesNotContain("run migrate")
        .contains("gmail_receipts")
        .contains("gmail_message_id");
    var ended =
        gate.getState().getTerminated() != null
            ? gate.getState().getTerminated()
            : gate.getLastState().getTerminated();
    System.out.printf(
        "%s gate refusal as the kubelet reports it: exit %d, reason %s, message %s, restarts %d%n",
        TIMING, ended.getExitCode(), ended.getReason(), ended.getMessage(), gate.getRestartCount());
    assertThat(ready(refused)).isFalse();
    // The app never started in that pod, and the AppDeployment no longer says Ready.
    assertThat(refused.getStatus().getContainerStatuses().get(0).getState().getRunning()).isNull();
    AppDeployment appd =
        admin
            .resources(AppDeployment.class)
            .inNamespace(ns)
            .withName("shop")
            .waitUntilCondition(
                a -> condition(a, "Ready").filter(c -> "False".equals(c.getStatus())).isPresent(),
                60,
                TimeUnit.SECONDS);
    assertThat(
            admin
                .resources(AppDeployment.class)
                .inNamespace(ns)
                .withName("shop")
                .waitUntilCondition(
                    a ->
                        condition(a, "Ready")
                            .map(Condition::getMessage)
                            .filter(m -> m.contains("the schema gate refused"))
                            .isPresent(),
                    60,
                    TimeUnit.SECONDS))
        .as("status says the gate refused, and why")
        .satisfies(
            a ->
                assertThat(condition(a, "Ready").map(Condition::getMessage).orElse(""))
                    .contains("gmail_message_id"));
    System.out.printf(
        "%s half-built schema: AppDeployment Ready=False says \"%s\"%n",
        TIMING, condition(appd, "Ready").map(Condition::getMessage).orElse(""));
  }

  // ------------------------------------------------------------------------------------------ d

  @Test
  @Order(4)
  void anUpgradeToAnImageThatDoesNotExistLeavesTheOldVersionServing() throws Exception {
    String ns = "node-badimage";
    Node.Database db = newApp(ns);
    try (StatusHistory history = StatusHistory.watch(admin, ns)) {
      deploy(ns, db);
      Pod old = componentPods(ns).get(0);
      String missing = node.busyboxImage().replaceFirst(":[^:]+$", ":does-not-exist");
      node.kubectl(
              "-n",
              ns,
              "patch",
              "appd",
              "shop",
              "--type=merge",
              "-p",
              "{\"spec\":{\"image\":\"" + missing + "\"}}")
          .ok();

      Pod pulling =
          awaitPod(
              ns,
              p ->
                  p.getStatus().getContainerStatuses() != null
                      && p.getStatus().getContainerStatuses().stream()
                          .anyMatch(
                              s ->
                                  s.getState().getWaiting() != null
                                      && List.of("ErrImagePull", "ImagePullBackOff")
                                          .contains(s.getState().getWaiting().getReason())),
              Duration.ofMinutes(3));
      ContainerStatus app = pulling.getStatus().getContainerStatuses().get(0);
      assertThat(app.getImage()).isEqualTo(missing);
      assertThat(app.getState().getWaiting().getMessage()).contains("does-not-exist");
      // Let the kubelet retry a while: the old pod keeps serving all along.
      org.awaitility.Awaitility.await()
          .during(Duration.ofSeconds(15))
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  ready(admin.pods().inNamespace(ns).withName(old.getMetadata().getName()).get()));
      Pod oldNow = admin.pods().inNamespace(ns).withName(old.getMetadata().getName()).get();
      assertThat(oldNow).as("the old pod is still there").isNotNull();
      assertThat(ready(oldNow)).as("the old pod is still Ready").isTrue();
      assertThat(httpGet(oldNow.getStatus().getPodIP())).isEqualTo("ok");
      AppDeployment appd =
          admin.resources(AppDeployment.class).inNamespace(ns).withName("shop").get();
      assertThat(appd.getMetadata().getGeneration()).isEqualTo(2);
      assertThat(condition(appd, "Ready").map(Condition::getStatus)).contains("False");
      assertThat(condition(appd, "Ready").map(Condition::getMessage).orElse(""))
          .as("status says why, in the kubelet's words")
          .containsAnyOf("ErrImagePull", "ImagePullBackOff");
      System.out.printf(
          "%s missing image: AppDeployment Ready=False says \"%s\"%n",
          TIMING, condition(appd, "Ready").map(Condition::getMessage).orElse(""));
      assertThat(history.assertNeitherSaidDone(2, Instant.now()))
          .as("versions of generation 2 judged")
          .isPositive();
    }
  }

  // --------------------------------------------------------------------------------- restricted

  /**
   * In a namespace enforcing "restricted", the migration Job's pod (schemagate's image) is admitted
   * and migrates; the component's pods are refused by Pod Security admission for the application's
   * container alone - the schema-gate beside it complies - because an AppDeployment cannot give its
   * components a securityContext.
   */
  @Test
  @Order(5)
  void inARestrictedNamespaceOnlyTheApplicationsOwnContainerIsRefused() throws Exception {
    String ns = "node-restricted";
    node.createNamespace(ns, Map.of(RESTRICTED, "restricted"));
    Node.Database db = node.createDatabase(ns.replace('-', '_'));
    SECRETS.add(db.password());
    apply(ns, db);
    Job job = awaitMigrationSucceeded(ns);
    assertThat(job.getStatus().getSucceeded()).isEqualTo(1);
    List<String> refusals =
        org.awaitility.Awaitility.await()
            .atMost(Duration.ofMinutes(1))
            .pollInterval(Duration.ofMillis(200))
            .until(
                () ->
                    admin.v1().events().inNamespace(ns).list().getItems().stream()
                        .filter(e -> "FailedCreate".equals(e.getReason()))
                        .map(io.fabric8.kubernetes.api.model.Event::getMessage)
                        .toList(),
                found -> !found.isEmpty());
    assertThat(refusals)
        .isNotEmpty()
        .allSatisfy(
            m ->
                assertThat(m)
                    .contains("violates PodSecurity \"restricted:latest\"")
                    .contains("container \"app\"")
                    .doesNotContain("schema-gate"));
    AppDeployment appd =
        admin.resources(AppDeployment.class).inNamespace(ns).withName("shop").get();
    assertThat(condition(appd, "Ready").map(Condition::getStatus)).contains("False");
    System.out.printf(
        "%s restricted namespace: AppDeployment Ready=False says \"%s\"%n",
        TIMING, condition(appd, "Ready").map(Condition::getMessage).orElse(""));
  }

  // ------------------------------------------------------------------------------------------ e

  @Test
  @Order(6)
  void noSecretValueShowsUpAnywhereInTheCluster() throws Exception {
    String ns = "node-canary";
    Node.Database db = newApp(ns);
    deploy(ns, db);
    assertThat(SECRETS).hasSizeGreaterThanOrEqualTo(1);

    List<String> places = new ArrayList<>();
    List<String> hits = new ArrayList<>();
    for (String kind :
        List.of(
            "events",
            "appdeployments.schemagate.dev",
            "pods",
            "jobs",
            "deployments",
            "replicasets",
            "configmaps",
            "services")) {
      scan(kind, node.kubectl("get", kind, "--all-namespaces", "-o", "json").ok(), places, hits);
    }
    for (Pod pod : admin.pods().inAnyNamespace().list().getItems()) {
      List<ContainerStatus> statuses = new ArrayList<>();
      if (pod.getStatus().getInitContainerStatuses() != null) {
        statuses.addAll(pod.getStatus().getInitContainerStatuses());
      }
      if (pod.getStatus().getContainerStatuses() != null) {
        statuses.addAll(pod.getStatus().getContainerStatuses());
      }
      for (ContainerStatus status : statuses) {
        String where =
            "logs of "
                + pod.getMetadata().getNamespace()
                + "/"
                + pod.getMetadata().getName()
                + "/"
                + status.getName();
        Node.Result logs =
            node.kubectl(
                "-n",
                pod.getMetadata().getNamespace(),
                "logs",
                pod.getMetadata().getName(),
                "-c",
                status.getName());
        if (logs.exit() == 0) {
          scan(where, logs.stdout(), places, hits);
        }
        if (status.getRestartCount() != null && status.getRestartCount() > 0) {
          Node.Result previous =
              node.kubectl(
                  "-n",
                  pod.getMetadata().getNamespace(),
                  "logs",
                  pod.getMetadata().getName(),
                  "-c",
                  status.getName(),
                  "--previous");
          if (previous.exit() == 0) {
            scan(where + " (previous)", previous.stdout(), places, hits);
          }
        }
      }
    }
    assertThat(places)
        .as("scanned")
        .anyMatch(p -> p.contains("schema-gate"))
        .anyMatch(p -> p.contains("-migrate-"))
        .anyMatch(p -> p.contains("schemagate-system"));
    System.out.printf(
        "%s secret scan: %d places, %d secret values%n", TIMING, places.size(), SECRETS.size());
    assertThat(hits).as("secret values found").isEmpty();
  }

  private static void scan(String where, String text, List<String> places, List<String> hits) {
    places.add(where);
    for (String secret : SECRETS) {
      if (text.contains(secret)) {
        hits.add(where + " holds a secret value");
      }
    }
  }

  // ------------------------------------------------------------------------------------ helpers

  /** What {@link #deploy} measured. */
  private record Deployed(String namespace, Pod firstReadyPod) {}

  /**
   * A namespace for one app and a fresh database whose URL goes into a Secret. The namespace
   * enforces "baseline" and warns about "restricted": schemagate's own containers meet
   * "restricted", but an AppDeployment's component cannot (ComponentSpec has no securityContext).
   */
  private static Node.Database newApp(String ns) {
    node.createNamespace(
        ns, Map.of(RESTRICTED, "baseline", "pod-security.kubernetes.io/warn", "restricted"));
    Node.Database db = node.createDatabase(ns.replace('-', '_'));
    SECRETS.add(db.password());
    return db;
  }

  /**
   * kubectl apply of the Secret, the Flyway ConfigMap of examples/prosaas and an AppDeployment
   * whose component is the busybox image serving HTTP.
   */
  private static void apply(String ns, Node.Database db) throws Exception {
    String migrations =
        Files.readString(node.repo().resolve("examples/prosaas/migrations.yaml"))
            .replace("namespace: prosaas", "namespace: " + ns);
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
              configMapRef: {name: prosaas-migrations}
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
              command: ["sh", "-c", "mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 8080 -h /www"]
              ports: [{name: http, containerPort: 8080}]
              readinessProbe:
                httpGet: {path: /, port: http}
                periodSeconds: 1
          rollout:
            strategy: KeepRunning
          schemaGate:
            enabled: true
        """
            .formatted(ns, db.url(), migrations, node.busyboxImage());
    Path file = Files.createTempFile("node-" + ns, ".yaml");
    Files.writeString(file, manifests);
    try {
      node.kubectl("apply", "-f", file.toString()).ok();
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** {@link #apply}, then waits for the migration, the first pod and the AppDeployment Ready. */
  private static Deployed deploy(String ns, Node.Database db) throws Exception {
    long t0 = System.nanoTime();
    apply(ns, db);
    Job job = awaitMigrationSucceeded(ns);
    long tJob = System.nanoTime();
    Pod pod = awaitPod(ns, RealNodeIT::ready, READY_TIMEOUT);
    long tPod = System.nanoTime();
    node.kubectl(
            "-n",
            ns,
            "wait",
            "--for=condition=Ready",
            "appd/shop",
            "--timeout=" + READY_TIMEOUT.toSeconds() + "s")
        .ok();
    long tReady = System.nanoTime();
    System.out.printf(
        "%s %s: kubectl apply -> migration Job succeeded %.1f s, -> first app pod Ready %.1f s,"
            + " -> kubectl wait appd Ready %.1f s; Job succeeded -> first app pod Ready %.1f s"
            + " (Job %s)%n",
        TIMING,
        ns,
        (tJob - t0) / 1e9,
        (tPod - t0) / 1e9,
        (tReady - t0) / 1e9,
        (tPod - tJob) / 1e9,
        job.getMetadata().getName());
    return new Deployed(ns, pod);
  }

  private static Job awaitMigrationSucceeded(String ns) throws Exception {
    return admin
        .batch()
        .v1()
        .jobs()
        .inNamespace(ns)
        .withLabel(Labels.APPDEPLOYMENT, "shop")
        .informOnCondition(
            jobs ->
                jobs.stream()
                    .anyMatch(
                        j ->
                            j.getStatus() != null
                                && j.getStatus().getSucceeded() != null
                                && j.getStatus().getSucceeded() > 0))
        .get(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
        .get(0);
  }

  /**
   * The gate's start-up inside its container: containerd's log has the start of the container's
   * process and its exit (the shim going away) at nanosecond resolution, the container's own log
   * its first line and its verdict.
   */
  private static void printGateStartup(String timestampedLog, ContainerStatus gate)
      throws java.io.IOException {
    List<Instant> stamps =
        timestampedLog
            .lines()
            .filter(l -> l.length() > 30 && Character.isDigit(l.charAt(0)))
            .map(l -> Instant.parse(l.substring(0, l.indexOf(' '))))
            .toList();
    String id = gate.getContainerID().replaceFirst("^containerd://", "");
    Instant started = null;
    Instant exited = null;
    for (String line : Files.readAllLines(node.logs().resolve("containerd.log"))) {
      if (!line.contains(id) || !line.startsWith("time=\"")) {
        continue;
      }
      Instant at = Instant.parse(line.substring(6, line.indexOf('"', 6)));
      if (line.contains("StartContainer for") && line.contains("returns successfully")) {
        started = at;
      } else if (line.contains("shim disconnected") && exited == null) {
        exited = at;
      }
    }
    assertThat(started).as("containerd started %s", id).isNotNull();
    assertThat(exited).as("containerd saw %s exit", id).isNotNull();
    System.out.printf(
        "%s schema gate in its container (containerd + its log): process start -> first log line"
            + " %d ms, -> verdict %d ms, -> process exit %d ms%n",
        TIMING,
        Duration.between(started, stamps.get(0)).toMillis(),
        Duration.between(started, stamps.get(stamps.size() - 1)).toMillis(),
        Duration.between(started, exited).toMillis());
  }

  /** The exit code of the pod's schema-gate as the kubelet last saw it end, or null. */
  private static Integer gateExit(Pod pod) {
    List<ContainerStatus> init = pod.getStatus().getInitContainerStatuses();
    if (init == null || init.isEmpty()) {
      return null;
    }
    ContainerStatus gate = init.get(0);
    if (gate.getState() != null && gate.getState().getTerminated() != null) {
      return gate.getState().getTerminated().getExitCode();
    }
    if (gate.getLastState() != null && gate.getLastState().getTerminated() != null) {
      return gate.getLastState().getTerminated().getExitCode();
    }
    return null;
  }

  private static Pod operatorPod() {
    List<Pod> pods =
        admin
            .pods()
            .inNamespace(OPERATOR_NAMESPACE)
            .withLabel("app.kubernetes.io/name", "schemagate")
            .list()
            .getItems();
    assertThat(pods).hasSize(1);
    return pods.get(0);
  }

  private static Job migrationJob(String ns) {
    List<Job> jobs =
        admin
            .batch()
            .v1()
            .jobs()
            .inNamespace(ns)
            .withLabel(Labels.APPDEPLOYMENT, "shop")
            .list()
            .getItems();
    assertThat(jobs).hasSize(1);
    return jobs.get(0);
  }

  /** The component's pods (not the migration Job's), oldest first. */
  private static List<Pod> componentPods(String ns) {
    return admin
        .pods()
        .inNamespace(ns)
        .withLabel(Labels.COMPONENT, "web")
        .list()
        .getItems()
        .stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .sorted(java.util.Comparator.comparing(p -> p.getMetadata().getCreationTimestamp()))
        .toList();
  }

  private static Pod awaitPod(String ns, Predicate<Pod> wanted, Duration timeout) {
    try {
      return org.awaitility.Awaitility.await()
          .atMost(timeout)
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> componentPods(ns).stream().filter(wanted).findFirst().orElse(null),
              java.util.Objects::nonNull);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(
          "no component pod as wanted in "
              + ns
              + " within "
              + timeout
              + ":\n"
              + node.kubectl("-n", ns, "get", "pods,appd,events", "-o", "wide"),
          e);
    }
  }

  static boolean ready(Pod pod) {
    List<PodCondition> conditions =
        pod.getStatus() == null ? null : pod.getStatus().getConditions();
    return conditions != null
        && conditions.stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static Optional<Condition> condition(AppDeployment appd, String type) {
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

  private static String httpGet(String ip) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://" + ip + ":8080/"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return response.body().strip();
  }

  private static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }
}
