package dev.schemagate.controlplane;

import static dev.schemagate.testing.ShopApp.APP;
import static dev.schemagate.testing.ShopApp.FULL_SCHEMA;
import static dev.schemagate.testing.ShopApp.HALF_BUILT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.Crd;
import dev.schemagate.api.MigrationState;
import dev.schemagate.api.Phase;
import dev.schemagate.helm.Chart;
import dev.schemagate.lifecycle.Conditions;
import dev.schemagate.lifecycle.LiveDependencyChecks;
import dev.schemagate.runtime.OperatorSettings;
import dev.schemagate.runtime.SchemagateOperator;
import dev.schemagate.testing.HealthJudges;
import dev.schemagate.testing.LifecycleHarness;
import dev.schemagate.testing.StatusHistory;
import dev.schemagate.testkit.ControlPlane;
import dev.schemagate.testkit.KubeletSimulator;
import dev.schemagate.workload.ComponentDeployments;
import dev.schemagate.workload.MigrationJobs;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.Operator;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The lifecycle on a real control plane with kube-controller-manager: the operator runs in-process
 * with the admin client, {@link KubeletSimulator} plays the kubelet and really runs each
 * migration's SQL on an embedded PostgreSQL, and the real Job, ReplicaSet, Deployment and garbage
 * collector controllers compute everything else: Job conditions, readyReplicas, cascading deletion.
 */
// Garbage collection last: by then the garbage collector has likely picked up the CRD.
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@RealKubernetes(controllerManager = true)
class LifecycleOnRealControlPlaneTest {

  static ControlPlane plane;
  static KubernetesClient client;

  private static final String CRD_NAME = "appdeployments.schemagate.dev";
  private static final String PASSWORD = LifecycleHarness.DB_PASSWORD;
  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final String NODE = "realcp-lifecycle-node";
  private static final Duration GC_DISCOVERY_PERIOD = Duration.ofSeconds(30);
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private String namespace;
  private String database;
  private Operator operator;
  private KubernetesClient operatorClient;
  private KubeletSimulator simulator;
  private long started;

  @BeforeAll
  static void installCrd() throws IOException {
    CustomResourceDefinition crd;
    try (InputStream in = Files.newInputStream(Crd.committed())) {
      crd = client.apiextensions().v1().customResourceDefinitions().load(in).item();
    }
    try {
      client.resource(crd).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              CustomResourceDefinition current =
                  client.apiextensions().v1().customResourceDefinitions().withName(CRD_NAME).get();
              return current != null
                  && current.getStatus() != null
                  && current.getStatus().getConditions().stream()
                      .anyMatch(
                          c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
            });
    // Established does not yet mean every handler serves the endpoint: wait for a list.
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(() -> client.resources(AppDeployment.class).inAnyNamespace().list() != null);
  }

  @BeforeEach
  void start(TestInfo test) {
    started = System.nanoTime();
    int n = COUNTER.incrementAndGet();
    String suffix = UUID.randomUUID().toString().substring(0, 6);
    namespace = "realcp-life-" + n + "-" + suffix;
    database = "realcp_" + n + "_" + suffix;
    try (Connection c = LifecycleHarness.postgres().getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + database);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    plane.createNamespace(namespace);
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("app-db")
                .withNamespace(namespace)
                .endMetadata()
                .addToStringData("url", databaseUrl())
                .build())
        .create();
    startOperator();
    System.err.printf(
        "[realcp-lifecycle] %s: namespace %s ready after %d ms%n",
        test.getDisplayName(), namespace, (System.nanoTime() - started) / 1_000_000);
  }

  /**
   * The operator runs as the chart's ServiceAccount with the chart's RBAC and admission guard,
   * rendered by helm and enforced by the real API server: a request the chart does not allow fails
   * the scenario.
   */
  @BeforeAll
  static void installTheChartsRbac() {
    Chart.Rendered chart = Chart.render(java.util.Map.of());
    plane.createNamespace(Chart.NAMESPACE);
    for (HasMetadata object : chart.objects()) {
      // The admission guard too: everything the operator creates in these scenarios passes it.
      if (object instanceof ClusterRole
          || object instanceof ClusterRoleBinding
          || object.getKind().startsWith("ValidatingAdmissionPolicy")) {
        client.resource(object).createOr(existing -> existing.update());
      }
    }
    // The authorizer reads RBAC through an informer: wait until the grant is in effect.
    try (KubernetesClient operator = operatorClient()) {
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(100))
          .ignoreExceptions()
          .until(() -> operator.batch().v1().jobs().inAnyNamespace().list() != null);
    }
  }

  /** The operator of this test's namespace, as the chart's ServiceAccount. */
  private void startOperator() {
    operatorClient = operatorClient();
    operator =
        SchemagateOperator.create(
            operatorClient,
            OperatorSettings.defaults()
                .withNamespaces(List.of(namespace))
                .withStuckPodGrace(Duration.ofSeconds(5)),
            new LiveDependencyChecks());
    operator.start();
  }

  /** The chart's ServiceAccount, as the API server authenticates it in a cluster. */
  private static KubernetesClient operatorClient() {
    KubernetesClient impersonating =
        plane.newImpersonatingClient(
            "system:serviceaccount:" + Chart.NAMESPACE + ":" + Chart.RELEASE,
            "system:serviceaccounts",
            "system:serviceaccounts:" + Chart.NAMESPACE,
            "system:authenticated");
    try {
      return SchemagateOperator.newClient(impersonating);
    } finally {
      impersonating.close();
    }
  }

  @AfterEach
  void stop(TestInfo test) {
    try {
      if (operator != null) {
        operator.stop();
      }
      if (operatorClient != null) {
        operatorClient.close();
      }
    } finally {
      if (simulator != null) {
        simulator.close();
      }
    }
    // No secret value reached the AppDeployments' status, a Job, a Deployment or an Event.
    String everything =
        json(client.resources(AppDeployment.class).inNamespace(namespace).list())
            + json(client.batch().v1().jobs().inNamespace(namespace).list())
            + json(client.apps().deployments().inNamespace(namespace).list())
            + json(client.v1().events().inNamespace(namespace).list());
    assertThat(everything).doesNotContain(PASSWORD);
    System.err.printf(
        "[realcp-lifecycle] %s took %d ms%n",
        test.getDisplayName(), (System.nanoTime() - started) / 1_000_000);
  }

  // ------------------------------------------------------------------------------ scenarios

  @Test
  @Order(1)
  void firstInstallMigratesVerifiesAndScalesUpWithTheRealControllers() {
    simulate(null);
    apply(APP);
    AppDeployment ready = awaitPhase(Phase.Ready);

    List<Job> jobs = jobs();
    assertThat(jobs)
        .singleElement()
        .satisfies(
            job ->
                assertThat(job.getMetadata().getName())
                    .isEqualTo("shop-migrate-" + ready.getStatus().getRevision()));
    Job job = jobs.get(0);
    // Complete and SuccessCriteriaMet are written by the Job controller (nothing else here
    // writes Job status: the simulator only patches Pods).
    assertThat(jobCondition(job, "Complete"))
        .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
    assertThat(jobCondition(job, "SuccessCriteriaMet"))
        .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
    assertThat(job.getStatus().getSucceeded()).isEqualTo(1);
    assertThat(statusManagers(job.getMetadata().getManagedFields()))
        .contains("kube-controller-manager");
    assertThat(json(job)).doesNotContain(PASSWORD).contains("secretKeyRef");

    for (var expected : List.of(new Object[] {"shop-api", 2}, new Object[] {"shop-worker", 1})) {
      String name = (String) expected[0];
      int replicas = (Integer) expected[1];
      await()
          .atMost(TIMEOUT)
          .pollInterval(Duration.ofMillis(200))
          .untilAsserted(
              () -> {
                Deployment d = deployment(name);
                assertThat(d.getSpec().getReplicas()).as(name).isEqualTo(replicas);
                assertThat(d.getStatus().getReadyReplicas()).as(name).isEqualTo(replicas);
                assertThat(d.getStatus().getAvailableReplicas()).as(name).isEqualTo(replicas);
              });
      assertThat(statusManagers(deployment(name).getMetadata().getManagedFields()))
          .as(name + " status written by")
          .contains("kube-controller-manager");
    }
    assertThat(
            client
                .apps()
                .replicaSets()
                .inNamespace(namespace)
                .withLabel("schemagate.dev/appdeployment", "shop")
                .list()
                .getItems())
        .as("ReplicaSets made by the real Deployment controller")
        .isNotEmpty();

    assertThat(ready.getStatus().getVerifiedRevision()).isEqualTo(ready.getStatus().getRevision());
    assertThat(ready.getStatus().getReady()).isEqualTo("3/3");
    for (String type : List.of("Ready", "MigrationSucceeded", "SchemaVerified", "Available")) {
      assertThat(condition(ready, type)).as(type).isEqualTo("True");
    }
    assertThat(condition(ready, "Stalled")).isEqualTo("False");
    assertThat(ready.getStatus().getMigration().getState()).isEqualTo(MigrationState.Succeeded);
    assertThat(simulator.errors()).isEmpty();

    // What the builders produce passes the API server's strict field validation, no warnings.
    Job built =
        MigrationJobs.build(
            ready,
            "strict-check",
            ready.getStatus().getRevision(),
            "",
            OperatorSettings.DEFAULT_IMAGE);
    assertStrictDryRunCreate("/apis/batch/v1/namespaces/" + namespace + "/jobs", built);
    Deployment api =
        ComponentDeployments.build(
            ready,
            ready.getSpec().getComponents().get(0),
            ready.getStatus().getRevision(),
            2,
            OperatorSettings.DEFAULT_IMAGE);
    api.getMetadata().setName("strict-check");
    assertStrictDryRunCreate("/apis/apps/v1/namespaces/" + namespace + "/deployments", api);
  }

  private void assertStrictDryRunCreate(String collection, Object body) {
    ControlPlane.Response response =
        plane.request(
            ControlPlane.ADMIN_USER,
            "POST",
            collection + "?dryRun=All&fieldValidation=Strict",
            json(body));
    assertThat(response.status()).as(collection + ": " + response.body()).isEqualTo(201);
    assertThat(response.header("Warning")).as(collection).isEmpty();
  }

  @Test
  @Order(4)
  void failedMigrationIsFailedByTheJobControllerAndKeepsComponentsAtZero() {
    // Bound to a node that has no kubelet: the API server cannot fetch the log.
    simulate(NODE);
    AppDeployment failed = applyBrokenAndAwaitFailed();

    String logTail = failed.getStatus().getMigration().getLogTail();
    System.err.println("[realcp-lifecycle] logTail (bound pod): " + logTail);

    // The API server answers 500 "no preferred addresses found" at once; a client that does not
    // retry sees it at once, while Fabric8's default client retries a 5xx with exponential
    // backoff (requestRetryBackoffLimit 10), about 20 s, and the operator's reconcile waits that
    // long before it records the failure.
    Config noRetry = plane.config(ControlPlane.ADMIN_USER);
    noRetry.setRequestRetryBackoffLimit(0);
    try (KubernetesClient direct = new KubernetesClientBuilder().withConfig(noRetry).build()) {
      long t0 = System.nanoTime();
      KubernetesClientException error =
          catchThrowableOfType(
              KubernetesClientException.class,
              () ->
                  direct
                      .pods()
                      .inNamespace(namespace)
                      .withName(jobPod().getMetadata().getName())
                      .tailingLines(50)
                      .getLog());
      long ms = (System.nanoTime() - t0) / 1_000_000;
      System.err.printf(
          "[realcp-lifecycle] pods/log of a bound pod without retries: %d in %d ms%n",
          error.getCode(), ms);
      assertThat(error.getCode()).isEqualTo(500);
      assertThat(error.getMessage()).contains("no preferred addresses found");
    }
    assertThat(logTail).contains("not available").doesNotContain(PASSWORD);
  }

  @Test
  @Order(3)
  void failedMigrationOfAPodNoNodeRanRecordsAnEmptyLogTail() {
    simulate(null);
    AppDeployment failed = applyBrokenAndAwaitFailed();

    // For a pod with no spec.nodeName the real API server answers pods/log with 204 and an
    // empty body instead of an error, so the tail is empty rather than "not available".
    Job job = jobs().get(0);
    Pod pod =
        client
            .pods()
            .inNamespace(namespace)
            .withLabel("batch.kubernetes.io/job-name", job.getMetadata().getName())
            .list()
            .getItems()
            .get(0);
    assertThat(pod.getSpec().getNodeName()).isNull();
    ControlPlane.Response log =
        plane.request(
            ControlPlane.ADMIN_USER,
            "GET",
            "/api/v1/namespaces/"
                + namespace
                + "/pods/"
                + pod.getMetadata().getName()
                + "/log?tailLines=50",
            null);
    System.err.printf(
        "[realcp-lifecycle] pods/log of an unbound pod: %d '%s'%n", log.status(), log.body());
    assertThat(log.status()).isEqualTo(204);
    assertThat(log.body()).isEmpty();
    String logTail = failed.getStatus().getMigration().getLogTail();
    System.err.println("[realcp-lifecycle] logTail (unbound pod): '" + logTail + "'");
    assertThat(logTail == null ? "" : logTail).isEmpty();
  }

  private AppDeployment applyBrokenAndAwaitFailed() {
    apply(
        APP.replace("image: shop:1", "image: shop:broken")
            .replace(
                "migration: {command: [migrate]}",
                "migration: {command: [migrate], backoffLimit: 0}"));

    AppDeployment failed = awaitPhase(Phase.Failed);
    Instant seen = Instant.now();

    assertThat(condition(failed, "Stalled")).isEqualTo("True");
    assertThat(failed.getStatus().getMigration().getState()).isEqualTo(MigrationState.Failed);
    assertThat(failed.getStatus().getMigration().getReason()).isEqualTo("BackoffLimitExceeded");
    assertThat(jobs()).hasSize(1);
    Job job = jobs().get(0);
    assertThat(job.getSpec().getBackoffLimit()).isZero();
    assertThat(jobCondition(job, "Failed"))
        .hasValueSatisfying(
            c -> {
              assertThat(c.getStatus()).isEqualTo("True");
              assertThat(c.getReason()).isEqualTo("BackoffLimitExceeded");
            });
    assertThat(job.getStatus().getFailed()).isEqualTo(1);
    Instant podFailed =
        simulator.steps().stream()
            .filter(step -> "Failed".equals(step.phase()))
            .map(KubeletSimulator.Step::at)
            .findFirst()
            .orElseThrow();
    System.err.printf(
        "[realcp-lifecycle] phase Failed seen %d ms after the migration pod failed%n",
        Duration.between(podFailed, seen).toMillis());
    assertThat(statusManagers(job.getMetadata().getManagedFields()))
        .contains("kube-controller-manager");
    assertThat(deployment("shop-api").getSpec().getReplicas()).isZero();
    assertThat(deployment("shop-worker").getSpec().getReplicas()).isZero();
    assertThat(pods("api")).isEmpty();
    assertThat(simulator.errors()).isEmpty();
    return failed;
  }

  @Test
  @Order(2)
  void halfBuiltTableIsNamedAndHoldsTheRollout() {
    simulate(null);
    apply(APP.replace("image: shop:1", "image: shop:half"));

    AppDeployment failed = awaitPhase(Phase.Failed);

    assertThat(condition(failed, "MigrationSucceeded")).isEqualTo("True");
    assertThat(condition(failed, "SchemaVerified")).isEqualTo("False");
    assertThat(Conditions.find(failed.getStatus().getConditions(), "SchemaVerified").getMessage())
        .contains("calendar_routing_rules")
        .contains("question_text");
    assertThat(failed.getStatus().getSchema().getMissingColumns())
        .contains("calendar_routing_rules.question_text");
    assertThat(jobCondition(jobs().get(0), "Complete"))
        .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
    assertThat(deployment("shop-api").getSpec().getReplicas()).isZero();
    assertThat(deployment("shop-worker").getSpec().getReplicas()).isZero();
  }

  /** The next migration pod held running by the simulator. */
  private Pod awaitHeldMigration() throws InterruptedException {
    Pod pod = heldMigrations.poll(TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
    assertThat(pod).as("a held migration pod").isNotNull();
    return pod;
  }

  /** Applies the schema the held migration would have built, and lets its pod succeed. */
  private void complete(Pod heldMigration) {
    sql(FULL_SCHEMA);
    simulator.complete(heldMigration, true);
  }

  private List<Pod> pods(String component) {
    return client
        .pods()
        .inNamespace(namespace)
        .withLabel("app.kubernetes.io/component", component)
        .list()
        .getItems();
  }

  private String image(String deployment) {
    return deployment(deployment)
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getImage();
  }

  private AppDeployment upgradeTo(String image, String strategy) {
    return dev.schemagate.testing.UserEdit.edit(
        client,
        namespace,
        "shop",
        a -> {
          a.getSpec().setImage(image);
          a.getSpec()
              .getRollout()
              .setStrategy(dev.schemagate.api.RolloutStrategy.valueOf(strategy));
        });
  }

  @Test
  @Order(6)
  void keepRunningUpgradeServesTheOldRevisionUntilTheNewOneIsVerified() throws Exception {
    simulate(null);
    apply(APP);
    awaitPhase(Phase.Ready);
    String firstRevision = get().getStatus().getRevision();
    // Someone else owns a field of the Deployment through server-side apply (as kubectl apply
    // --server-side or another controller would): the operator's update path must keep it.
    client
        .apps()
        .deployments()
        .inNamespace(namespace)
        .withName("shop-api")
        .patch(
            io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                io.fabric8.kubernetes.client.dsl.base.PatchType.SERVER_SIDE_APPLY),
            "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":"
                + "\"shop-api\",\"annotations\":{\"team.example.com/owner\":\"payments\"}}}");

    upgradeTo("shop:2-held", "KeepRunning");
    Pod migration = awaitHeldMigration();
    // The migration runs: the API keeps serving revision 1 with its ready pods; the worker
    // (stopDuringMigration) is held at zero.
    assertThat(image("shop-api")).isEqualTo("shop:1");
    assertThat(deployment("shop-api").getSpec().getReplicas()).isEqualTo(2);
    assertThat(deployment("shop-api").getStatus().getReadyReplicas()).isEqualTo(2);
    await().atMost(TIMEOUT).until(() -> deployment("shop-worker").getSpec().getReplicas() == 0);
    assertThat(get().getStatus().getVerifiedRevision()).isEqualTo(firstRevision);

    complete(migration);
    AppDeployment upgraded =
        await()
            .atMost(TIMEOUT)
            .until(
                this::get,
                a ->
                    a.getStatus().getPhase() == Phase.Ready
                        && !firstRevision.equals(a.getStatus().getVerifiedRevision()));
    assertThat(image("shop-api")).isEqualTo("shop:2-held");
    assertThat(image("shop-worker")).isEqualTo("shop:2-held");
    assertThat(deployment("shop-api").getMetadata().getAnnotations())
        .containsEntry("team.example.com/owner", "payments");
    assertThat(deployment("shop-worker").getSpec().getReplicas()).isEqualTo(1);
    assertThat(jobs()).hasSize(2);
    assertThat(upgraded.getStatus().getRevision()).isNotEqualTo(firstRevision);
    // Ready comes once no old pod is left: the counts are the Deployments' own, not 4/3.
    assertThat(upgraded.getStatus().getReady()).isEqualTo("3/3");
    assertThat(upgraded.getStatus().getComponents())
        .allSatisfy(c -> assertThat(c.getReadyReplicas()).isEqualTo(c.getReplicas()));
  }

  @Test
  @Order(7)
  void stopTheWorldUpgradeStopsEveryComponentWhileTheMigrationRuns() throws Exception {
    simulate(null);
    apply(APP);
    awaitPhase(Phase.Ready);

    upgradeTo("shop:3-held", "StopTheWorld");
    Pod migration = awaitHeldMigration();
    // The migration started only once every component was at zero and the real ReplicaSet
    // controller had removed their pods.
    assertThat(deployment("shop-api").getSpec().getReplicas()).isZero();
    assertThat(deployment("shop-worker").getSpec().getReplicas()).isZero();
    assertThat(pods("api")).isEmpty();
    assertThat(pods("worker")).isEmpty();

    complete(migration);
    awaitPhase(Phase.Ready);
    assertThat(image("shop-api")).isEqualTo("shop:3-held");
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                deployment("shop-api").getStatus().getReadyReplicas() != null
                    && deployment("shop-api").getStatus().getReadyReplicas() == 2);
  }

  @Test
  @Order(8)
  void anOperatorRestartedMidMigrationFinishesWithOneJob() throws Exception {
    simulate(null);
    apply(APP.replace("image: shop:1", "image: shop:1-held"));
    Pod migration = awaitHeldMigration();

    operator.stop();
    operatorClient.close();
    startOperator();

    complete(migration);
    AppDeployment ready = awaitPhase(Phase.Ready);
    assertThat(jobs())
        .singleElement()
        .satisfies(
            job ->
                assertThat(job.getMetadata().getName())
                    .isEqualTo("shop-migrate-" + ready.getStatus().getRevision()));
    assertThat(image("shop-api")).isEqualTo("shop:1-held");
  }

  /**
   * An upgrade whose new API pods never become ready, as the real Deployment controller rolls it:
   * the old ReplicaSet keeps serving, the AppDeployment never says Ready for the new revision, and
   * neither kstatus (Flux) nor Argo CD's health check, judging every version a watch delivered,
   * says Current/Healthy before the new pods are ready. Then they become ready: all three say so.
   */
  @Test
  @Order(9)
  void anUpgradeWhoseNewPodsNeverBecomeReadyIsNeverReportedReady() {
    simulate(null);
    apply(APP);
    AppDeployment v1 = awaitPhase(Phase.Ready);
    StatusHistory.assertBothSayDone(client, v1);
    try (StatusHistory history = StatusHistory.watch(client, namespace)) {
      AppDeployment upgrade = upgradeTo("shop:2-notready", "KeepRunning");
      AppDeployment rolling =
          awaitStatus(
              "the new revision rolling out with the old pods serving",
              a ->
                  a.getStatus().getPhase() == Phase.RollingOut
                      && a.getMetadata()
                          .getGeneration()
                          .equals(a.getStatus().getObservedGeneration())
                      && a.getStatus().getComponents().stream()
                          .anyMatch(
                              c ->
                                  "api".equals(c.getName())
                                      && c.getUpdatedReplicas() != null
                                      && c.getUpdatedReplicas() > 0)
                      && "True".equals(condition(a, "Available")));
      // The real controllers have had time to settle: still not Ready.
      await()
          .pollDelay(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(6))
          .until(() -> get().getStatus().getPhase() == Phase.RollingOut);
      Instant released = Instant.now();
      Deployment api = deployment("shop-api");
      assertThat(api.getStatus().getUpdatedReplicas()).as("a new pod was made").isPositive();
      assertThat(api.getStatus().getAvailableReplicas()).as("the old ones serve").isEqualTo(2);
      assertThat(condition(get(), "Ready")).isEqualTo("False");
      assertThat(Conditions.find(get().getStatus().getConditions(), "Ready").getMessage())
          .contains("api: ");
      assertThat(rolling.getStatus().getVerifiedRevision())
          .isNotEqualTo(v1.getStatus().getVerifiedRevision());

      // The probe passes from now on: new pods start ready, and those held not ready become
      // ready, as a kubelet reports them.
      probesPass = true;
      client
          .pods()
          .inNamespace(namespace)
          .withLabel("app.kubernetes.io/component", "api")
          .list()
          .getItems()
          .stream()
          .filter(p -> "shop:2-notready".equals(p.getSpec().getContainers().get(0).getImage()))
          .forEach(p -> simulator.makeReady(p));
      AppDeployment v2 =
          awaitStatus(
              "the new revision ready",
              a ->
                  a.getStatus().getPhase() == Phase.Ready
                      && rolling.getStatus().getRevision().equals(a.getStatus().getRevision()));
      StatusHistory.assertBothSayDone(client, v2);
      assertThat(history.assertNeitherSaidDone(upgrade.getMetadata().getGeneration(), released))
          .isPositive();
      assertThat(v2.getStatus().getReady()).isEqualTo("3/3");
      assertThat(deployment("shop-api").getStatus().getReplicas())
          .as("no old pod left")
          .isEqualTo(2);
    }
  }

  /**
   * New API pods that crash-loop past the Deployment's progress deadline: the real Deployment
   * controller says ProgressDeadlineExceeded, the AppDeployment says Stalled with that reason and a
   * Warning Event, and the old pods keep serving (Available).
   */
  @Test
  @Order(10)
  void crashLoopingNewPodsPastTheProgressDeadlineStallWhileTheOldVersionServes() {
    simulate(null);
    apply(APP.replace("rollout: {", "rollout: {progressDeadlineSeconds: 3, "));
    awaitPhase(Phase.Ready);
    try (StatusHistory history = StatusHistory.watch(client, namespace)) {
      AppDeployment upgrade = upgradeTo("shop:2-crash", "KeepRunning");
      AppDeployment stalled =
          awaitStatus(
              "Stalled ProgressDeadlineExceeded",
              a ->
                  "True".equals(condition(a, "Stalled"))
                      && "ProgressDeadlineExceeded"
                          .equals(
                              Conditions.find(a.getStatus().getConditions(), "Stalled")
                                  .getReason()));
      assertThat(deployment("shop-api").getSpec().getProgressDeadlineSeconds()).isEqualTo(3);
      assertThat(condition(stalled, "Available")).isEqualTo("True");
      assertThat(deployment("shop-api").getStatus().getAvailableReplicas()).isEqualTo(2);
      await()
          .atMost(TIMEOUT)
          .until(
              () ->
                  client.v1().events().inNamespace(namespace).list().getItems().stream()
                      .filter(e -> "ProgressDeadlineExceeded".equals(e.getReason()))
                      .toList(),
              events -> events.size() == 1 && "Warning".equals(events.get(0).getType()));
      history.assertNeitherSaidDone(upgrade.getMetadata().getGeneration(), Instant.now());
      assertThat(HealthJudges.kstatus(json(get())).status()).isEqualTo("Failed");
      assertThat(HealthJudges.argoCd(json(get())).status()).isEqualTo("Degraded");
    }
  }

  @Test
  @Order(5)
  void deletingTheAppDeploymentLetsTheRealGarbageCollectorRemoveWhatItOwns() {
    simulate(null);
    apply(APP);
    AppDeployment ready = awaitPhase(Phase.Ready);
    String uid = ready.getMetadata().getUid();
    assertThat(jobs()).hasSize(1);
    for (HasOwner owned : owned()) {
      assertThat(owned.ownerUid()).as(owned.name()).isEqualTo(uid);
    }

    // The garbage collector learns new resource types from discovery every 30 s; until then it
    // cannot map the owner ("unable to get REST mapping for schemagate.dev/v1alpha1/AppDeployment")
    // and backs off. In a cluster the CRD is installed long before; here, let one sync pass.
    Instant crdCreated =
        Instant.parse(
            client
                .apiextensions()
                .v1()
                .customResourceDefinitions()
                .withName(CRD_NAME)
                .get()
                .getMetadata()
                .getCreationTimestamp());
    Instant gcKnowsIt = crdCreated.plus(GC_DISCOVERY_PERIOD).plusSeconds(3);
    long waitMs = Math.max(0, Duration.between(Instant.now(), gcKnowsIt).toMillis());
    System.err.printf(
        "[realcp-lifecycle] waiting %d ms for the garbage collector's discovery sync%n", waitMs);
    await()
        .pollDelay(Duration.ZERO)
        .atMost(GC_DISCOVERY_PERIOD.plusSeconds(10))
        .until(() -> !Instant.now().isBefore(gcKnowsIt));

    long deleting = System.nanoTime();
    client.resources(AppDeployment.class).inNamespace(namespace).withName("shop").delete();

    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> get() == null);
    System.err.printf(
        "[realcp-lifecycle] AppDeployment gone after %d ms%n",
        (System.nanoTime() - deleting) / 1_000_000);
    await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () -> {
              assertThat(jobs()).isEmpty();
              assertThat(client.apps().deployments().inNamespace(namespace).list().getItems())
                  .isEmpty();
            });
    System.err.printf(
        "[realcp-lifecycle] garbage collector removed the Job and Deployments in %d ms%n",
        (System.nanoTime() - deleting) / 1_000_000);
    // ... and, cascading, the ReplicaSets and Pods.
    await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () -> {
              assertThat(client.apps().replicaSets().inNamespace(namespace).list().getItems())
                  .isEmpty();
              assertThat(
                      client.pods().inNamespace(namespace).list().getItems().stream()
                          .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                          .toList())
                  .isEmpty();
            });
  }

  // ------------------------------------------------------------------------------ helpers

  /**
   * Starts the kubelet stand-in. Migrations by image: ":half" leaves calendar_routing_rules without
   * question_text, ":broken" fails, anything else builds the whole schema. Component pods become
   * ready. With a node, every pod is bound to it first (as the scheduler would).
   */
  /** Once set, API pods of "-notready" images become ready like any other. */
  private volatile boolean probesPass;

  /** Migration pods of images ending in "-held" run until the test completes them. */
  private final java.util.concurrent.BlockingQueue<Pod> heldMigrations =
      new java.util.concurrent.LinkedBlockingQueue<>();

  private void simulate(String node) {
    KubeletSimulator.Builder builder =
        KubeletSimulator.pods(client, namespace).runFor(Duration.ofMillis(300));
    if (node != null) {
      builder.bindTo(node);
    }
    simulator =
        builder.start(
            pod -> {
              if ("contract".equals(component(pod))) {
                // What the component pods are when the contract phase starts, as they say.
                podsAtContract.addAll(
                    client.pods().inNamespace(namespace).list().getItems().stream()
                        .filter(p -> p.getMetadata().getAnnotations() != null)
                        .filter(p -> !"contract".equals(component(p)))
                        .filter(p -> !"migration".equals(component(p)))
                        .map(p -> p.getMetadata().getAnnotations().get("schemagate.dev/revision"))
                        .toList());
                sql(
                    "CREATE TABLE IF NOT EXISTS contracted (at timestamptz DEFAULT now());"
                        + " INSERT INTO contracted DEFAULT VALUES;");
                return KubeletSimulator.PodOutcome.SUCCEEDED;
              }
              if (!"migration".equals(component(pod))) {
                String app = pod.getSpec().getContainers().get(0).getImage();
                if ("api".equals(component(pod)) && app.endsWith("-notready") && !probesPass) {
                  return KubeletSimulator.PodOutcome.RUNNING_NOT_READY;
                }
                if ("api".equals(component(pod)) && app.endsWith("-crash")) {
                  return KubeletSimulator.PodOutcome.CRASH_LOOP;
                }
                return KubeletSimulator.PodOutcome.RUNNING_READY;
              }
              String image = pod.getSpec().getContainers().get(0).getImage();
              if (image.endsWith(":broken")) {
                return KubeletSimulator.PodOutcome.FAILED;
              }
              if (image.endsWith("-held")) {
                heldMigrations.add(pod);
                return KubeletSimulator.PodOutcome.RUNNING_READY;
              }
              sql(image.endsWith(":half") ? HALF_BUILT : FULL_SCHEMA);
              return KubeletSimulator.PodOutcome.SUCCEEDED;
            });
  }

  /** The revision of every component pod that existed when a contract-phase pod started. */
  private final List<String> podsAtContract = new java.util.concurrent.CopyOnWriteArrayList<>();

  @Test
  @Order(11)
  void expandContractInOrderOnTheRealControllers() {
    simulate(null);
    apply(
        APP.replace(
                "  migration: {command: [migrate]}\n",
                "  migration: {command: [migrate], contract: {command: [contract]}}\n")
            .replace("    - name: worker\n", "    - name: worker\n      after: [api]\n"));
    awaitPhase(Phase.Ready);
    podsAtContract.clear();

    try (StatusHistory history = StatusHistory.watch(client, namespace)) {
      upgradeTo("shop:2", "KeepRunning");
      AppDeployment ready = awaitPhase(Phase.Ready);
      String revision = ready.getStatus().getRevision();

      assertThat(podsAtContract)
          .as("when the contract phase started, every component pod ran " + revision)
          .isNotEmpty()
          .containsOnly(revision);
      Job contract =
          client
              .batch()
              .v1()
              .jobs()
              .inNamespace(namespace)
              .withName(dev.schemagate.lifecycle.LifecyclePlanner.contractJobName("shop", revision))
              .get();
      assertThat(jobCondition(contract, "Complete"))
          .as("the real Job controller completed the contract phase")
          .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
      assertThat(ready.getStatus().getHistory().get(0).getContract()).isEqualTo("Succeeded");
      assertThat(history.seen())
          .filteredOn(
              seen ->
                  seen.appd().getStatus() != null
                      && seen.appd().getStatus().getComponents() != null)
          .as("the worker got the new revision only once the api had rolled it out")
          .allSatisfy(
              seen -> {
                var components = seen.appd().getStatus().getComponents();
                var api = components.get(0);
                var worker = components.get(1);
                if (revision.equals(worker.getRevision())) {
                  assertThat(api.getRevision()).isEqualTo(revision);
                  assertThat(api.getRolledOut()).isTrue();
                }
              });
    }
  }

  @Test
  @Order(12)
  void aRollbackOnTheRealControllersRunsNoMigration() {
    simulate(null);
    apply(APP);
    awaitPhase(Phase.Ready);
    upgradeTo("shop:2", "KeepRunning");
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                get().getStatus().getPhase() == Phase.Ready && image("shop-api").equals("shop:2"));

    upgradeTo("shop:1", "KeepRunning");
    AppDeployment back = awaitPhase(Phase.Ready);
    assertThat(image("shop-api")).isEqualTo("shop:1");
    assertThat(image("shop-worker")).isEqualTo("shop:1");
    assertThat(jobs()).as("a rollback runs no migration").hasSize(2);
    assertThat(back.getStatus().getHistory())
        .extracting(h -> h.getOutcome() + " " + (h.getReadyAt() != null))
        .containsExactly("Succeeded true", "Succeeded true");
  }

  private record HasOwner(String name, String ownerUid) {}

  private List<HasOwner> owned() {
    List<HasOwner> owned = new java.util.ArrayList<>();
    for (Job job : jobs()) {
      owned.add(
          new HasOwner(
              "job/" + job.getMetadata().getName(),
              job.getMetadata().getOwnerReferences().get(0).getUid()));
    }
    for (Deployment d : client.apps().deployments().inNamespace(namespace).list().getItems()) {
      owned.add(
          new HasOwner(
              "deployment/" + d.getMetadata().getName(),
              d.getMetadata().getOwnerReferences().get(0).getUid()));
    }
    assertThat(owned).hasSizeGreaterThanOrEqualTo(3);
    return owned;
  }

  private String databaseUrl() {
    return "postgresql://postgres:"
        + PASSWORD
        + "@localhost:"
        + LifecycleHarness.postgres().getPort()
        + "/"
        + database;
  }

  private void sql(String statements) {
    try (Connection c =
            LifecycleHarness.postgres().getDatabase("postgres", database).getConnection();
        Statement s = c.createStatement()) {
      s.execute(statements);
    } catch (SQLException e) {
      throw new IllegalStateException("SQL failed: " + statements, e);
    }
  }

  private static String component(Pod pod) {
    var labels = pod.getMetadata().getLabels();
    return labels == null ? null : labels.get("app.kubernetes.io/component");
  }

  private AppDeployment apply(String yaml) {
    AppDeployment appd =
        client
            .resources(AppDeployment.class)
            .load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)))
            .item();
    appd.getMetadata().setNamespace(namespace);
    return client.resource(appd).create();
  }

  private AppDeployment get() {
    return client.resources(AppDeployment.class).inNamespace(namespace).withName("shop").get();
  }

  private AppDeployment awaitPhase(Phase phase) {
    return awaitStatus(
        "phase " + phase,
        a ->
            a.getStatus().getPhase() == phase
                && a.getMetadata().getGeneration().equals(a.getStatus().getObservedGeneration()));
  }

  private AppDeployment awaitStatus(String what, Predicate<AppDeployment> condition) {
    try {
      return await()
          .atMost(TIMEOUT)
          .pollInterval(Duration.ofMillis(200))
          .until(this::get, a -> a != null && a.getStatus() != null && condition.test(a));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "no "
              + what
              + " within "
              + TIMEOUT
              + "\nAppDeployment: "
              + json(get())
              + "\nJobs: "
              + json(jobs())
              + "\nDeployments: "
              + json(client.apps().deployments().inNamespace(namespace).list().getItems())
              + "\nPods: "
              + json(client.pods().inNamespace(namespace).list().getItems())
              + "\nsimulator steps: "
              + simulator.steps()
              + "\nsimulator errors: "
              + simulator.errors(),
          e);
    }
  }

  private Pod jobPod() {
    return client
        .pods()
        .inNamespace(namespace)
        .withLabel("batch.kubernetes.io/job-name", jobs().get(0).getMetadata().getName())
        .list()
        .getItems()
        .get(0);
  }

  private List<Job> jobs() {
    return client.batch().v1().jobs().inNamespace(namespace).list().getItems();
  }

  private Deployment deployment(String name) {
    return client.apps().deployments().inNamespace(namespace).withName(name).get();
  }

  private static Optional<JobCondition> jobCondition(Job job, String type) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return job.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst();
  }

  private static List<String> statusManagers(List<ManagedFieldsEntry> entries) {
    return entries.stream()
        .filter(e -> "status".equals(e.getSubresource()))
        .map(ManagedFieldsEntry::getManager)
        .toList();
  }

  private static String condition(AppDeployment appd, String type) {
    Condition c = Conditions.find(appd.getStatus().getConditions(), type);
    return c == null ? null : c.getStatus();
  }

  private static String json(Object o) {
    return client.getKubernetesSerialization().asJson(o);
  }
}
