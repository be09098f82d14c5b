package dev.schemagate.e2e;

import static dev.schemagate.testing.ShopApp.APP;
import static dev.schemagate.testing.ShopApp.FULL_SCHEMA;
import static dev.schemagate.testing.ShopApp.HALF_BUILT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.MigrationState;
import dev.schemagate.api.Phase;
import dev.schemagate.api.RolloutStrategy;
import dev.schemagate.helm.RbacConformance;
import dev.schemagate.lifecycle.Conditions;
import dev.schemagate.lifecycle.Revision;
import dev.schemagate.runtime.HealthServer;
import dev.schemagate.runtime.Leadership;
import dev.schemagate.runtime.OperatorSettings;
import dev.schemagate.testing.InProcessCli;
import dev.schemagate.testing.LifecycleHarness;
import dev.schemagate.testing.LogCapture;
import dev.schemagate.testing.OperatorRequests;
import dev.schemagate.testkit.JobRunner;
import dev.schemagate.testkit.KubeletSimulator.Outcome;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

/**
 * The lifecycle end to end: the real operator against an in-process Kubernetes API, a kubelet
 * simulator that really runs each migration's SQL on a real PostgreSQL, one test per scenario.
 */
@EnableKubernetesMockClient(crud = true)
class LifecycleEndToEndTest {

  static KubernetesClient client;
  static KubernetesMockServer server;

  LifecycleHarness world;

  /** Every log line of every scenario, written through the shipped masking converters. */
  static final LogCapture LOGS = new LogCapture();

  @BeforeAll
  static void captureEveryLogLine() {
    LOGS.attach();
  }

  /** RBAC conformance: the chart allows every request the operator sent in these scenarios. */
  @AfterAll
  static void theChartsRbacAllowsEveryRequestTheOperatorSent() {
    System.out.println(RbacConformance.check(OperatorRequests.drain(server)));
  }

  @AfterAll
  static void noSecretReachedALogLineAnEventOrAStatus() {
    LOGS.close();
    String logs = LOGS.text();
    assertThat(logs)
        .doesNotContain(LifecycleHarness.DB_PASSWORD)
        .contains("ROLLOUT DIAGNOSTICS")
        .contains("DATABASE_URL: postgresql://postgres:***@localhost");
    String everything =
        client.getKubernetesSerialization().asJson(client.v1().events().inAnyNamespace().list())
            + client
                .getKubernetesSerialization()
                .asJson(client.resources(AppDeployment.class).inAnyNamespace().list())
            + client
                .getKubernetesSerialization()
                .asJson(client.batch().v1().jobs().inAnyNamespace().list())
            + client
                .getKubernetesSerialization()
                .asJson(client.apps().deployments().inAnyNamespace().list());
    assertThat(everything).doesNotContain(LifecycleHarness.DB_PASSWORD);
  }

  @BeforeEach
  void start() {
    world =
        LifecycleHarness.start(
            server, client, OperatorSettings.defaults().withStuckPodGrace(Duration.ofSeconds(2)));
    // Migrations by image: ":half" leaves calendar_routing_rules without question_text,
    // ":broken" fails, ":missing" never pulls, anything else builds the whole schema.
    world.kubelet.migrations(
        job -> {
          String image = job.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
          if (image.endsWith(":broken")) {
            return Outcome.FAIL;
          }
          if (image.endsWith(":missing")) {
            return Outcome.STUCK_IMAGE_PULL;
          }
          world.sql(image.endsWith(":half") ? HALF_BUILT : FULL_SCHEMA);
          return Outcome.SUCCEED;
        });
  }

  @AfterEach
  void stop() {
    world.close();
  }

  private AppDeployment awaitPhase(Phase phase) {
    return world.awaitPhase("shop", phase);
  }

  private AppDeployment edit(java.util.function.Consumer<AppDeployment> change) {
    return world.edit("shop", change);
  }

  private static String condition(AppDeployment appd, String type) {
    return Conditions.find(appd.getStatus().getConditions(), type).getStatus();
  }

  private int replicas(String deployment) {
    return world.deployment(deployment).getSpec().getReplicas();
  }

  /**
   * A CRD newer than the operator (applied first, as the upgrade steps advise) lets through fields
   * this operator does not know: it reconciles the AppDeployment instead of failing its watch, and
   * with it every other one.
   */
  @Test
  void anAppDeploymentWithFieldsTheOperatorDoesNotKnowIsReconciled() {
    String yaml =
        APP.replace("  image: shop:1\n", "  image: shop:1\n  aFieldOfANewerRelease: {on: true}\n")
            .replace("    - name: api\n", "    - name: api\n      alsoNew: 3\n");
    GenericKubernetesResource raw =
        client.getKubernetesSerialization().unmarshal(yaml, GenericKubernetesResource.class);
    raw.getMetadata().setNamespace(world.namespace);
    client.resource(raw).create();

    // Read the way the operator reads it (this test's own client would refuse the object), not as
    // the operator: the RBAC check counts the operator's requests by its User-Agent.
    try (KubernetesClient tolerant =
        new io.fabric8.kubernetes.client.KubernetesClientBuilder()
            .withConfig(client.getConfiguration())
            .withKubernetesSerialization(
                dev.schemagate.runtime.SchemagateOperator.tolerantSerialization())
            .build()) {
      AppDeployment ready =
          org.awaitility.Awaitility.await()
              .atMost(Duration.ofSeconds(60))
              .until(
                  () ->
                      tolerant
                          .resources(AppDeployment.class)
                          .inNamespace(world.namespace)
                          .withName("shop")
                          .get(),
                  a -> a.getStatus() != null && a.getStatus().getPhase() == Phase.Ready);
      assertThat(ready.getStatus().getReady()).isEqualTo("3/3");
      // The finalizer the operator put on and took off around the migration is a patch of the
      // finalizers alone: the fields it does not know are still there.
      assertThat((Object) client.resource(raw).get().get("spec", "aFieldOfANewerRelease"))
          .isNotNull();
    } finally {
      client.resource(raw).delete(); // the other scenarios' checks read every AppDeployment
    }
  }

  @Test
  void firstInstallMigratesVerifiesAndScalesUp() {
    world.apply(APP);
    AppDeployment ready = awaitPhase(Phase.Ready);

    assertThat(world.jobs())
        .singleElement()
        .satisfies(
            job ->
                assertThat(job.getMetadata().getName())
                    .isEqualTo("shop-migrate-" + ready.getStatus().getRevision()));
    assertThat(replicas("shop-api")).isEqualTo(2);
    assertThat(replicas("shop-worker")).isEqualTo(1);
    assertThat(world.image("shop-api")).isEqualTo("shop:1");
    assertThat(ready.getStatus().getVerifiedRevision()).isEqualTo(ready.getStatus().getRevision());
    assertThat(ready.getStatus().getReady()).isEqualTo("3/3");
    for (String type :
        List.of(
            "Ready", "MigrationSucceeded", "SchemaVerified", "DependenciesReady", "Available")) {
      assertThat(condition(ready, type)).as(type).isEqualTo("True");
    }
    assertThat(condition(ready, "Stalled")).isEqualTo("False");
    assertThat(ready.getStatus().getMigration().getState()).isEqualTo(MigrationState.Succeeded);
    String jobSpec = client.getKubernetesSerialization().asJson(world.jobs().get(0));
    assertThat(jobSpec).doesNotContain(LifecycleHarness.DB_PASSWORD).contains("secretKeyRef");
  }

  @Test
  void metricsCountTheMigrationTheVerificationAndTheRollout() throws Exception {
    try (HealthServer http =
        HealthServer.start(
            0, world.operator().getRuntimeInfo(), Leadership.always(), world.metrics)) {
      String namespace = "namespace=\"" + world.namespace + "\"";
      assertThat(scrape(http)).doesNotContain("schemagate_migrations_started_total{" + namespace);
      world.apply(APP);
      awaitPhase(Phase.Ready);
      String metrics = scrape(http);
      assertThat(metrics)
          .contains("schemagate_migrations_started_total{" + namespace + "} 1.0")
          .contains("schemagate_migrations_succeeded_total{" + namespace + "} 1.0")
          .contains("schemagate_migration_to_rollout_seconds_count{" + namespace + "} 1")
          .containsPattern(
              "schemagate_schema_verification_seconds_count\\{outcome=\"SchemaVerified\"\\} [1-9]")
          .doesNotContain("schemagate_migrations_failed_total{" + namespace)
          // JOSDK's own, in the same registry.
          .containsPattern("(?m)^operator_sdk_[a-z_.]+");
    }
  }

  private static String scrape(HealthServer http) throws Exception {
    java.net.http.HttpResponse<String> response =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + http.port() + "/metrics"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  @Test
  void aComponentsServiceIsCreatedAndFollowsTheSpec() {
    world.apply(APP.replace("      replicas: 2", "      replicas: 2\n      service: {port: 80}"));
    awaitPhase(Phase.Ready);
    assertThat(servicePort("shop-api")).isEqualTo(80);
    edit(a -> a.getSpec().getComponents().get(0).getService().setPort(8080));
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> servicePort("shop-api") == 8080);
  }

  @Test
  void aComponentRemovedFromTheSpecLosesItsDeploymentAndService() {
    world.apply(APP.replace("      replicas: 2", "      replicas: 2\n      service: {port: 80}"));
    awaitPhase(Phase.Ready);
    assertThat(client.services().inNamespace(world.namespace).withName("shop-api").get())
        .isNotNull();
    edit(a -> a.getSpec().getComponents().removeIf(c -> c.getName().equals("api")));
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                world.deployment("shop-api") == null
                    && client.services().inNamespace(world.namespace).withName("shop-api").get()
                        == null);
    assertThat(world.deployment("shop-worker")).isNotNull();
    AppDeployment after = awaitPhase(Phase.Ready);
    assertThat(after.getStatus().getComponents())
        .extracting(c -> c.getName())
        .containsExactly("worker");
    world.events("ComponentRemoved");
  }

  @Test
  void aServiceOfTheComponentsNameOwnedBySomeoneElseIsNeverTakenOver() {
    client
        .resource(
            new io.fabric8.kubernetes.api.model.ServiceBuilder()
                .withNewMetadata()
                .withName("shop-api")
                .withNamespace(world.namespace)
                .endMetadata()
                .withNewSpec()
                .addNewPort()
                .withPort(9999)
                .endPort()
                .endSpec()
                .build())
        .create();
    world.apply(APP.replace("      replicas: 2", "      replicas: 2\n      service: {port: 80}"));
    AppDeployment stalled = awaitPhase(Phase.Failed);
    assertThat(Conditions.find(stalled.getStatus().getConditions(), "Stalled").getReason())
        .isEqualTo("NameConflict");
    assertThat(Conditions.find(stalled.getStatus().getConditions(), "Stalled").getMessage())
        .contains("Service shop-api exists and is not owned by this AppDeployment");
    assertThat(servicePort("shop-api")).as("untouched").isEqualTo(9999);
    assertThat(world.jobs()).as("nothing is started").isEmpty();
    assertThat(world.deployment("shop-api")).isNull();

    // The other object goes: the AppDeployment proceeds on its own.
    client.services().inNamespace(world.namespace).withName("shop-api").delete();
    awaitPhase(Phase.Ready);
    assertThat(servicePort("shop-api")).isEqualTo(80);
  }

  @Test
  void everySecretValueTheMigrationSeesIsMaskedInItsLogTail() {
    String apiKey = "zq9931-plain-canary";
    String fromEnvFrom = "k7-envfrom-canary";
    world.putSecret("app-keys", "payments", apiKey);
    world.putSecret("app-extra", "LICENSE", fromEnvFrom);
    String app =
        APP.replace("image: shop:1", "image: shop:broken")
            .replace(
                "  env:\n",
                "  envFrom: [{secretRef: {name: app-extra}}]\n  env:\n"
                    + "    - name: PAYMENTS\n"
                    + "      valueFrom: {secretKeyRef: {name: app-keys, key: payments}}\n");
    stubMigrationLog(app, "calling payments with " + apiKey + " and " + fromEnvFrom + "\nfailed\n");
    assertThat(app).contains("key: payments");
    world.apply(app);

    AppDeployment failed = awaitPhase(Phase.Failed);

    assertThat(failed.getStatus().getMigration().getLogTail())
        .contains("calling payments with")
        .doesNotContain(apiKey)
        .doesNotContain(fromEnvFrom);
    assertThat(
            client
                .getKubernetesSerialization()
                .asJson(client.v1().events().inNamespace(world.namespace).list()))
        .doesNotContain(apiKey)
        .doesNotContain(fromEnvFrom);
  }

  @Test
  void aDeletedAppDeploymentsSecretValuesAreForgotten() {
    String value = "forgettable-canary-771";
    world.putSecret("app-keys", "payments", value);
    world.apply(
        APP.replace(
            "  env:\n",
            "  env:\n"
                + "    - name: PAYMENTS\n"
                + "      valueFrom: {secretKeyRef: {name: app-keys, key: payments}}\n"));
    awaitPhase(Phase.Ready);
    assertThat(dev.schemagate.masking.logback.LogGuard.masker().maskText("key " + value))
        .doesNotContain(value);

    client.resources(AppDeployment.class).inNamespace(world.namespace).withName("shop").delete();

    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                dev.schemagate.masking.logback.LogGuard.masker()
                    .maskText("key " + value)
                    .contains(value));
  }

  @Test
  void aHostPortIsRefusedByTheDefaultPodPolicyAndNothingRuns() {
    world.apply(
        APP.replace(
            "      replicas: 2",
            "      replicas: 2\n      ports: [{containerPort: 80, hostPort: 80}]"));
    AppDeployment stalled = awaitPhase(Phase.Failed);
    assertThat(Conditions.find(stalled.getStatus().getConditions(), "Stalled").getReason())
        .isEqualTo("InvalidConfig");
    assertThat(Conditions.find(stalled.getStatus().getConditions(), "Stalled").getMessage())
        .contains("spec.components[0].ports[0]: hostPort", "--pod-policy-allow host-ports");
    assertThat(world.jobs()).isEmpty();
    assertThat(world.deployment("shop-api")).isNull();
  }

  @Test
  void twoAppDeploymentsWhoseNamesMakeTheSameDeploymentNameDoNotShareIt() {
    world.apply(APP.replace("name: api", "name: api-v2"));
    awaitPhase(Phase.Ready);
    AppDeployment other =
        world.apply(
            APP.replace("metadata: {name: shop}", "metadata: {name: shop-api}")
                .replace("name: api\n", "name: v2\n"));
    AppDeployment stalled =
        world.awaitStatus(
            other.getMetadata().getName(),
            a ->
                Conditions.find(a.getStatus().getConditions(), "Stalled") != null
                    && "NameConflict"
                        .equals(
                            Conditions.find(a.getStatus().getConditions(), "Stalled").getReason()));
    assertThat(Conditions.find(stalled.getStatus().getConditions(), "Stalled").getMessage())
        .contains("Deployment shop-api-v2");
    assertThat(world.deployment("shop-api-v2").getMetadata().getOwnerReferences().get(0).getName())
        .isEqualTo("shop");
  }

  /** What the failed migration pod of {@code app}'s revision logged (no pod logs in CRUD mode). */
  private void stubMigrationLog(String app, String log) {
    AppDeployment parsed = client.getKubernetesSerialization().unmarshal(app, AppDeployment.class);
    String job = "shop-migrate-" + Revision.of(parsed.getSpec(), Map.of());
    server
        .expect()
        .get()
        .withPath(
            "/api/v1/namespaces/"
                + world.namespace
                + "/pods/"
                + job
                + "-pod/log?pretty=false&tailLines=50")
        .andReturn(200, log)
        .always();
  }

  private int servicePort(String name) {
    return client
        .services()
        .inNamespace(world.namespace)
        .withName(name)
        .get()
        .getSpec()
        .getPorts()
        .get(0)
        .getPort();
  }

  @Test
  void aDeletedOrHandEditedDeploymentIsRestored() {
    world.apply(APP);
    awaitPhase(Phase.Ready);
    client.apps().deployments().inNamespace(world.namespace).withName("shop-api").delete();
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> world.deployment("shop-api") != null && replicas("shop-api") == 2);

    client
        .apps()
        .deployments()
        .inNamespace(world.namespace)
        .withName("shop-api")
        .edit(
            d -> {
              d.getSpec()
                  .getTemplate()
                  .getSpec()
                  .getContainers()
                  .get(0)
                  .setImage("shop:hand-edited");
              return d;
            });
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> world.image("shop-api").equals("shop:1"));
    assertThat(world.jobs()).hasSize(1);
  }

  @Test
  void failedMigrationStallsWithAMaskedLogTailAndKeepsComponentsAtZero() {
    String app = APP.replace("image: shop:1", "image: shop:broken");
    stubMigrationLog(
        app,
        "connecting to " + world.databaseUrl() + "\nERROR: relation \"business\" already exists\n");
    world.apply(app);

    AppDeployment failed = awaitPhase(Phase.Failed);

    assertThat(condition(failed, "Stalled")).isEqualTo("True");
    assertThat(failed.getStatus().getMigration().getReason()).isEqualTo("BackoffLimitExceeded");
    assertThat(failed.getStatus().getMigration().getLogTail())
        .contains("relation \"business\" already exists")
        .contains("postgresql://postgres:***@localhost")
        .doesNotContain(LifecycleHarness.DB_PASSWORD);
    List<Event> events = world.events("MigrationFailed");
    assertThat(events)
        .anySatisfy(
            e -> {
              assertThat(e.getType()).isEqualTo("Warning");
              assertThat(e.getReason()).isEqualTo("MigrationFailed");
            });
    assertThat(replicas("shop-api")).isZero();
    assertThat(replicas("shop-worker")).isZero();
  }

  @Test
  void halfBuiltTableIsNamedAndHoldsTheRolloutUntilAFixedRevision() {
    world.apply(APP.replace("image: shop:1", "image: shop:half"));
    AppDeployment failed = awaitPhase(Phase.Failed);
    assertThat(condition(failed, "SchemaVerified")).isEqualTo("False");
    assertThat(failed.getStatus().getSchema().getMissingColumns())
        .contains("calendar_routing_rules.question_text");
    assertThat(failed.getStatus().getSchema().getMessage()).contains("question_text");
    assertThat(replicas("shop-api")).isZero();
    assertThat(replicas("shop-worker")).isZero();

    edit(a -> a.getSpec().setImage("shop:2"));
    AppDeployment ready = awaitPhase(Phase.Ready);
    assertThat(world.image("shop-api")).isEqualTo("shop:2");
    assertThat(world.jobs()).hasSize(2);
  }

  @Test
  void keepRunningUpgradeServesTheOldImageUntilTheNewOneIsVerified() {
    world.apply(APP);
    AppDeployment v1 = awaitPhase(Phase.Ready);

    world.kubelet.migrations(job -> Outcome.RUN_UNTIL_RELEASED);
    edit(a -> a.getSpec().setImage("shop:2"));
    world.awaitStatus(
        "shop",
        a ->
            a.getStatus().getPhase() == Phase.Migrating
                && a.getStatus().getMigration() != null
                && a.getStatus().getMigration().getState() == MigrationState.Running);
    assertThat(world.image("shop-api")).isEqualTo("shop:1");
    assertThat(replicas("shop-api")).isEqualTo(2);
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> replicas("shop-worker") == 0);

    world.sql(FULL_SCHEMA);
    world.kubelet.release(Outcome.SUCCEED);
    AppDeployment v2 = awaitPhase(Phase.Ready);
    assertThat(v2.getStatus().getVerifiedRevision())
        .isNotEqualTo(v1.getStatus().getVerifiedRevision());
    assertThat(world.image("shop-api")).isEqualTo("shop:2");
    assertThat(replicas("shop-worker")).isEqualTo(1);

    world.kubelet.migrations(job -> Outcome.FAIL);
    edit(a -> a.getSpec().setImage("shop:3"));
    awaitPhase(Phase.Failed);
    assertThat(world.image("shop-api"))
        .as("a failed upgrade leaves the old version serving")
        .isEqualTo("shop:2");
    assertThat(replicas("shop-api")).isEqualTo(2);
  }

  @Test
  void stopTheWorldRunsTheMigrationWithNoComponentPod() {
    world.apply(APP);
    awaitPhase(Phase.Ready);
    world.kubelet.migrations(job -> Outcome.RUN_UNTIL_RELEASED);
    edit(
        a -> {
          a.getSpec().getRollout().setStrategy(RolloutStrategy.StopTheWorld);
          a.getSpec().setImage("shop:2");
        });
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> world.jobs().size() == 2);
    assertThat(
            world.pods(
                Map.of(
                    "schemagate.dev/appdeployment", "shop", "app.kubernetes.io/component", "api")))
        .isEmpty();
    assertThat(
            world.pods(
                Map.of(
                    "schemagate.dev/appdeployment",
                    "shop",
                    "app.kubernetes.io/component",
                    "worker")))
        .isEmpty();

    world.sql(FULL_SCHEMA);
    world.kubelet.release(Outcome.SUCCEED);
    awaitPhase(Phase.Ready);
    assertThat(replicas("shop-api")).isEqualTo(2);
  }

  @Test
  void operatorRestartMidMigrationStillRunsExactlyOneJob() {
    world.kubelet.migrations(job -> Outcome.RUN_UNTIL_RELEASED);
    world.apply(APP);
    world.awaitStatus(
        "shop",
        a ->
            a.getStatus().getMigration() != null
                && a.getStatus().getMigration().getState() == MigrationState.Running);
    world.stopOperator();
    world.startOperator();
    world.sql(FULL_SCHEMA);
    world.kubelet.release(Outcome.SUCCEED);
    awaitPhase(Phase.Ready);
    assertThat(world.jobs()).hasSize(1);
  }

  @Test
  void unreachableDatabaseIsRetriedUntilItAnswersWithNoNewJob() {
    world.putSecret(
        "app-db",
        "url",
        "postgresql://postgres:" + LifecycleHarness.DB_PASSWORD + "@localhost:1/" + world.database);
    world.apply(APP);
    AppDeployment waiting =
        world.awaitStatus(
            "shop",
            a -> {
              var c = Conditions.find(a.getStatus().getConditions(), "SchemaVerified");
              return c != null && "DatabaseUnreachable".equals(c.getReason());
            });
    assertThat(waiting.getStatus().getPhase()).isEqualTo(Phase.Verifying);
    assertThat(condition(waiting, "Stalled")).isEqualTo("False");
    assertThat(client.getKubernetesSerialization().asJson(waiting.getStatus()))
        .doesNotContain(LifecycleHarness.DB_PASSWORD);

    world.putSecret("app-db", "url", world.databaseUrl());
    awaitPhase(Phase.Ready);
    assertThat(world.jobs()).hasSize(1);
  }

  @Test
  void redisDownHoldsTheRolloutUntilItAnswers() throws Exception {
    int port;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    world.putSecret(
        "app-redis",
        "url",
        "redis://:" + LifecycleHarness.DB_PASSWORD + "@127.0.0.1:" + port + "/0");
    world.apply(
        APP.replace(
            "  migration:",
            "  redis: {urlSecretRef: {name: app-redis, key: url}, timeoutSeconds: 1}\n  migration:"));
    AppDeployment waiting =
        world.awaitStatus(
            "shop",
            a -> {
              var c = Conditions.find(a.getStatus().getConditions(), "DependenciesReady");
              return c != null && "False".equals(c.getStatus());
            });
    assertThat(
            Conditions.find(waiting.getStatus().getConditions(), "DependenciesReady").getReason())
        .isEqualTo("RedisUnreachable");
    assertThat(replicas("shop-api")).isZero();

    RedisServer server =
        RedisServer.newRedisServer()
            .port(port)
            .bind("127.0.0.1")
            .setting("requirepass " + LifecycleHarness.DB_PASSWORD)
            .build();
    server.start();
    try {
      AppDeployment ready = awaitPhase(Phase.Ready);
      assertThat(condition(ready, "DependenciesReady")).isEqualTo("True");
      assertThat(world.jobs()).hasSize(1);
    } finally {
      server.stop();
    }
  }

  @Test
  void flywayJobRunsSchemagateMigrateFromTheConfigMapThenVerifiesAndRollsOut() {
    client
        .resource(
            new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata()
                .withName("shop-sql")
                .withNamespace(world.namespace)
                .endMetadata()
                .addToData("V1__base.sql", FULL_SCHEMA)
                .build())
        .create();
    // The simulated kubelet runs the Job's real command line: schemagate migrate, in-process,
    // with the ConfigMap's files where the volume would be and the URL its Secret holds.
    world.kubelet.migrations(
        job -> {
          JobRunner.Result result = JobRunner.run(client, job, InProcessCli::run);
          assertThat(result.output()).doesNotContain(LifecycleHarness.DB_PASSWORD);
          // The command configured logging afresh, as its own process would: capture again.
          captureEveryLogLine();
          return result.outcome();
        });
    world.apply(
        APP.replace(
            "migration: {command: [migrate]}",
            "migration: {flyway: {configMapRef: {name: shop-sql}}}"));
    awaitPhase(Phase.Ready);

    Job job = world.jobs().get(0);
    var container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getImage()).isEqualTo(OperatorSettings.DEFAULT_IMAGE);
    assertThat(container.getArgs()).startsWith("migrate");
    assertThat(container.getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("SCHEMAGATE_DATABASE_URL");
              assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("app-db");
            });
    assertThat(job.getSpec().getTemplate().getSpec().getVolumes())
        .anySatisfy(v -> assertThat(v.getConfigMap().getName()).isEqualTo("shop-sql"));
    world.sqlAssert("SELECT 1 FROM flyway_schema_history WHERE version = '1' AND success");
    assertThat(replicas("shop-api")).isEqualTo(2);
  }

  /** Two ConfigMaps read as one set, with placeholders on: the Job's own command line runs it. */
  @Test
  void flywayMigrationsFromSeveralConfigMapsWithPlaceholdersRunAsOneSet() {
    for (var entry :
        Map.of(
                "shop-sql", Map.of("V1__base.sql", FULL_SCHEMA),
                "shop-sql-2", Map.of("V2__notes.sql", "CREATE TABLE notes_${owner} (id INT);"))
            .entrySet()) {
      client
          .resource(
              new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                  .withNewMetadata()
                  .withName(entry.getKey())
                  .withNamespace(world.namespace)
                  .endMetadata()
                  .addToData(entry.getValue())
                  .build())
          .create();
    }
    world.kubelet.migrations(
        job -> {
          JobRunner.Result result = JobRunner.run(client, job, InProcessCli::run);
          assertThat(result.output()).doesNotContain(LifecycleHarness.DB_PASSWORD);
          captureEveryLogLine();
          return result.outcome();
        });
    world.apply(
        APP.replace(
            "migration: {command: [migrate]}",
            "migration: {flyway: {configMapRef: {name: shop-sql}, configMapRefs: [{name:"
                + " shop-sql-2}], placeholders: {enabled: true, values: {owner: shop}}}}"));
    awaitPhase(Phase.Ready);

    var args =
        world.jobs().get(0).getSpec().getTemplate().getSpec().getContainers().get(0).getArgs();
    assertThat(args)
        .containsSequence("--location", "/schemagate/migrations")
        .containsSequence("--location", "/schemagate/migrations-1")
        .containsSequence("--placeholder", "owner=shop");
    world.sqlAssert("SELECT 1 FROM flyway_schema_history WHERE version = '2' AND success");
    world.sqlAssert("SELECT 1 FROM pg_tables WHERE tablename = 'notes_shop'");
  }

  @Test
  void migrationPodStuckPullingItsImageFailsAfterTheGracePeriod() {
    world.apply(APP.replace("image: shop:1", "image: shop:missing"));
    AppDeployment failed = awaitPhase(Phase.Failed);
    assertThat(failed.getStatus().getMigration().getReason()).isEqualTo("ImagePullBackOff");
    assertThat(failed.getStatus().getMigration().getMessage()).contains("ImagePullBackOff");
  }

  @Test
  void retryAnnotationReRunsAFailedRevisionAndReplicasAloneRunNoJob() {
    world.apply(APP.replace("image: shop:1", "image: shop:broken"));
    awaitPhase(Phase.Failed);
    world.kubelet.migrations(
        job -> {
          world.sql(FULL_SCHEMA);
          return Outcome.SUCCEED;
        });
    edit(a -> a.getMetadata().setAnnotations(Map.of("schemagate.dev/retry", "1")));
    awaitPhase(Phase.Ready);
    List<Job> jobs = world.jobs();
    assertThat(jobs)
        .singleElement()
        .satisfies(
            j ->
                assertThat(j.getMetadata().getAnnotations())
                    .containsEntry("schemagate.dev/retry", "1"));

    edit(a -> a.getSpec().getComponents().get(0).setReplicas(4));
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> replicas("shop-api") == 4);
    awaitPhase(Phase.Ready);
    assertThat(world.jobs()).hasSize(1);
  }

  @Test
  void failedFlywayHistoryEntryBlocksTheRolloutAndIsNamed() {
    world.kubelet.migrations(
        job -> {
          world.sql(
              FULL_SCHEMA
                  + """
          CREATE TABLE flyway_schema_history (installed_rank int primary key, version varchar(50),
            description varchar(200), type varchar(20), script varchar(1000), checksum int,
            installed_by varchar(100), installed_on timestamp default now(), execution_time int, success boolean);
          INSERT INTO flyway_schema_history VALUES
            (1, '116', 'base', 'SQL', 'V116__base.sql', 1, 'app', now(), 5, true),
            (2, '117', 'index', 'SQL', 'V117__index.sql', 2, 'app', now(), 5, false);
          """);
          return Outcome.SUCCEED;
        });
    world.apply(APP.replace("  components:", "    flyway: {minVersion: \"116\"}\n  components:"));
    AppDeployment failed = awaitPhase(Phase.Failed);
    assertThat(condition(failed, "SchemaVerified")).isEqualTo("False");
    assertThat(failed.getStatus().getSchema().getFailedMigrations())
        .anySatisfy(m -> assertThat(m).contains("117"));
    assertThat(replicas("shop-api")).isZero();
  }
}
