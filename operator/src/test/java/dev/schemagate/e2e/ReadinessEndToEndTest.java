package dev.schemagate.e2e;

import static dev.schemagate.testing.ShopApp.APP;
import static dev.schemagate.testing.ShopApp.FULL_SCHEMA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.MigrationState;
import dev.schemagate.api.Phase;
import dev.schemagate.api.TableRequirement;
import dev.schemagate.lifecycle.Conditions;
import dev.schemagate.runtime.OperatorSettings;
import dev.schemagate.testing.LifecycleHarness;
import dev.schemagate.testing.LogCapture;
import dev.schemagate.testing.StatusHistory;
import dev.schemagate.testkit.KubeletSimulator.Outcome;
import dev.schemagate.testkit.KubeletSimulator.PodReadiness;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Status that tells the truth at every moment, end to end: the real operator, the in-process API, a
 * kubelet simulator that can keep a new pod template's pods from ever becoming ready while the old
 * ones serve, and the real engines of Flux (kstatus) and Argo CD (its health check in a Lua engine)
 * judging every version of the AppDeployment a watch delivered.
 */
@EnableKubernetesMockClient(crud = true)
class ReadinessEndToEndTest {

  static KubernetesClient client;
  static KubernetesMockServer server;

  private LifecycleHarness world;
  private StatusHistory history;

  @BeforeEach
  void start() {
    world =
        LifecycleHarness.start(
            server, client, OperatorSettings.defaults().withStuckPodGrace(Duration.ofSeconds(2)));
    world.kubelet.migrations(
        job -> {
          world.sql(FULL_SCHEMA);
          return Outcome.SUCCEED;
        });
    history = StatusHistory.watch(client, world.namespace);
  }

  @AfterEach
  void stop() {
    history.close();
    world.close();
  }

  private AppDeployment awaitCurrent(java.util.function.Predicate<AppDeployment> condition) {
    return world.awaitStatus(
        "shop",
        a ->
            a.getMetadata().getGeneration().equals(a.getStatus().getObservedGeneration())
                && condition.test(a));
  }

  private AppDeployment awaitPhase(Phase phase) {
    return awaitCurrent(a -> a.getStatus().getPhase() == phase);
  }

  private AppDeployment edit(java.util.function.Consumer<AppDeployment> change) {
    return world.edit("shop", change);
  }

  private static Condition condition(AppDeployment appd, String type) {
    return Conditions.find(appd.getStatus().getConditions(), type);
  }

  private List<Event> events(String reason) {
    return client.v1().events().inNamespace(world.namespace).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .toList();
  }

  /**
   * The API's pods of the new image never become ready (the worker, stopped during the migration,
   * has no old pods left to serve: its new ones do become ready).
   */
  private static PodReadiness apiOf(
      io.fabric8.kubernetes.api.model.apps.Deployment deployment, String image, PodReadiness how) {
    String running = deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    return image.equals(running) && deployment.getMetadata().getName().equals("shop-api")
        ? how
        : PodReadiness.READY;
  }

  @Test
  void anUpgradeWhoseNewPodsNeverBecomeReadyIsNeverReportedReady() {
    world.apply(APP);
    AppDeployment v1 = awaitPhase(Phase.Ready);
    StatusHistory.assertBothSayDone(client, v1);
    String firstRevision = v1.getStatus().getRevision();

    world.kubelet.componentPods(d -> apiOf(d, "shop:2", PodReadiness.NEVER_READY));
    AppDeployment upgrade = edit(a -> a.getSpec().setImage("shop:2"));

    awaitCurrent(
        a ->
            a.getStatus().getPhase() == Phase.RollingOut
                && a.getStatus().getComponents().stream()
                    .allMatch(c -> "shop:2".equals(c.getImage()))
                && "True".equals(condition(a, Conditions.AVAILABLE).getStatus()));
    // Long enough for the operator to see every Deployment update the simulator makes.
    await()
        .pollDelay(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(() -> world.get("shop").getStatus().getPhase() == Phase.RollingOut);
    Instant released = Instant.now();

    AppDeployment held = world.get("shop");
    assertThat(condition(held, Conditions.READY).getStatus()).isEqualTo("False");
    assertThat(condition(held, Conditions.READY).getMessage()).endsWith("api: Updated: 1/2");
    assertThat(condition(held, Conditions.AVAILABLE).getStatus())
        .as("the old pods serve: %s", condition(held, Conditions.AVAILABLE).getMessage())
        .isEqualTo("True");
    assertThat(held.getStatus().getVerifiedRevision()).isNotEqualTo(firstRevision);
    assertThat(held.getStatus().getComponents())
        .extracting(c -> c.getName() + " " + c.getRolledOut())
        .containsExactly("api false", "worker true");
    assertThat(world.deployment("shop-api").getStatus().getReadyReplicas())
        .as("the previous version keeps serving")
        .isEqualTo(2);
    assertThat(events("Ready")).as("only the first revision's").hasSize(1);

    world.kubelet.componentPods(d -> PodReadiness.READY);
    AppDeployment v2 =
        awaitCurrent(
            a ->
                a.getStatus().getPhase() == Phase.Ready
                    && !firstRevision.equals(a.getStatus().getRevision()));
    StatusHistory.assertBothSayDone(client, v2);
    assertThat(history.assertNeitherSaidDone(upgrade.getMetadata().getGeneration(), released))
        .as("versions judged while the new pods were not ready")
        .isPositive();
    // Recorded right after the status that said Ready: waited for, not raced.
    await().atMost(Duration.ofSeconds(30)).until(() -> events("Ready"), e -> e.size() == 2);
    assertThat(v2.getStatus().getReady()).isEqualTo("3/3");
    assertThat(v2.getStatus().getComponents())
        .allSatisfy(
            c -> {
              assertThat(c.getRolledOut()).isTrue();
              assertThat(c.getAvailableReplicas()).isEqualTo(c.getReplicas());
              assertThat(c.getRevision()).isEqualTo(v2.getStatus().getRevision());
            });
  }

  @Test
  void aRolloutPastItsProgressDeadlineIsStalledWithAWarningWhileTheOldVersionServes() {
    world.apply(APP);
    awaitPhase(Phase.Ready);

    world.kubelet.componentPods(d -> apiOf(d, "shop:2", PodReadiness.PAST_PROGRESS_DEADLINE));
    AppDeployment upgrade = edit(a -> a.getSpec().setImage("shop:2"));
    AppDeployment stalled =
        awaitCurrent(
            a ->
                condition(a, Conditions.STALLED) != null
                    && "ProgressDeadlineExceeded"
                        .equals(condition(a, Conditions.STALLED).getReason()));

    assertThat(condition(stalled, Conditions.STALLED).getStatus()).isEqualTo("True");
    assertThat(condition(stalled, Conditions.STALLED).getMessage())
        .contains("shop-api", "progress deadline");
    assertThat(condition(stalled, Conditions.AVAILABLE).getStatus()).isEqualTo("True");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> events("ProgressDeadlineExceeded"), e -> e.size() == 1);
    assertThat(events("ProgressDeadlineExceeded").get(0).getType()).isEqualTo("Warning");
    history.assertNeitherSaidDone(upgrade.getMetadata().getGeneration(), Instant.now());
  }

  @Test
  void afterReadyStatusFollowsTheDeployments() {
    world.apply(APP);
    awaitPhase(Phase.Ready);
    edit(a -> a.getSpec().getComponents().get(0).setReplicas(4));
    AppDeployment scaled = awaitCurrent(a -> "5/5".equals(a.getStatus().getReady()));
    assertThat(scaled.getStatus().getPhase()).isEqualTo(Phase.Ready);

    edit(a -> a.getSpec().getComponents().get(0).setReplicas(1));
    AppDeployment down = awaitCurrent(a -> "2/2".equals(a.getStatus().getReady()));
    assertThat(down.getStatus().getComponents().get(0).getReadyReplicas()).isEqualTo(1);
    assertThat(down.getStatus().getPhase()).isEqualTo(Phase.Ready);
  }

  @Test
  void aMissingSecretIsAWarningEventAndALogLineAndSuspendWinsOverIt() {
    try (LogCapture logs = new LogCapture().attach()) {
      world.apply(
          APP.replace(
              "name: app-db, key: url}, timeoutSeconds", "name: nope, key: url}, timeoutSeconds"));
      AppDeployment stalled = awaitPhase(Phase.Failed);
      assertThat(condition(stalled, Conditions.STALLED).getReason()).isEqualTo("InvalidConfig");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> events("InvalidConfig"), e -> e.size() == 1);
      assertThat(events("InvalidConfig").get(0).getType()).isEqualTo("Warning");
      assertThat(events("InvalidConfig").get(0).getMessage())
          .contains("spec.database.urlSecretRef");
      assertThat(logs.text()).contains("InvalidConfig").contains("spec.database.urlSecretRef");
    }

    edit(a -> a.getSpec().setSuspend(true));
    AppDeployment suspended = awaitPhase(Phase.Suspended);
    assertThat(condition(suspended, Conditions.STALLED).getStatus()).isEqualTo("False");
    assertThat(events("InvalidConfig")).as("said once").hasSize(1);
  }

  @Test
  void aRetryHasItsMigrationStartedEvent() {
    world.kubelet.migrations(job -> Outcome.FAIL);
    world.apply(APP);
    awaitPhase(Phase.Failed);
    world.kubelet.migrations(
        job -> {
          world.sql(FULL_SCHEMA);
          return Outcome.SUCCEED;
        });
    edit(a -> a.getMetadata().setAnnotations(Map.of("schemagate.dev/retry", "1")));
    awaitPhase(Phase.Ready);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> events("MigrationStarted"), e -> e.size() == 2);
    world.metricsMatching(
        java.util.regex.Pattern.quote(
            "schemagate_migrations_started_total{namespace=\"" + world.namespace + "\"} 2.0"));
  }

  @Test
  void theServingPreviousRevisionIsAvailableWhileTheUpgradeMigrates() {
    world.apply(APP);
    awaitPhase(Phase.Ready);
    world.kubelet.migrations(job -> Outcome.RUN_UNTIL_RELEASED);
    edit(a -> a.getSpec().setImage("shop:2"));
    AppDeployment migrating =
        awaitCurrent(
            a ->
                a.getStatus().getPhase() == Phase.Migrating
                    && "0"
                        .equals(
                            String.valueOf(a.getStatus().getComponents().get(1).getReplicas())));
    Condition available = condition(migrating, Conditions.AVAILABLE);
    assertThat(available.getStatus()).as(available.getMessage()).isEqualTo("True");
    assertThat(available.getMessage()).contains("api 2/2 available", "at 0 replicas: worker");
    world.sql(FULL_SCHEMA);
    world.kubelet.release(Outcome.SUCCEED);
    awaitPhase(Phase.Ready);
  }

  @Test
  void aChangedSchemaRequirementIsVerifiedWithoutANewMigration() {
    world.apply(APP);
    AppDeployment v1 = awaitPhase(Phase.Ready);

    AppDeployment changed =
        edit(
            a -> {
              TableRequirement invoices = new TableRequirement();
              invoices.setName("invoices");
              a.getSpec().getSchema().getTables().add(invoices);
            });
    AppDeployment failed = awaitPhase(Phase.Failed);
    assertThat(failed.getStatus().getSchema().getMissingTables()).containsExactly("invoices");
    assertThat(condition(failed, Conditions.READY).getStatus()).isEqualTo("False");
    assertThat(condition(failed, Conditions.AVAILABLE).getStatus())
        .as("the running version is not stopped")
        .isEqualTo("True");
    assertThat(world.deployment("shop-api").getSpec().getReplicas()).isEqualTo(2);
    assertThat(world.jobs()).hasSize(1);
    history.assertNeitherSaidDone(changed.getMetadata().getGeneration(), Instant.now());

    // Repaired by hand; a change of spec.database (its timeout) verifies again.
    world.sql("CREATE TABLE invoices (id int)");
    edit(a -> a.getSpec().getDatabase().setTimeoutSeconds(4));
    AppDeployment ready = awaitPhase(Phase.Ready);
    assertThat(ready.getStatus().getRevision()).isEqualTo(v1.getStatus().getRevision());
    assertThat(world.jobs()).as("no new migration").hasSize(1);
  }

  @Test
  void anUpgradeDuringARunningMigrationWaitsForItAndARevertIsVerifiedAgain() {
    world.apply(APP);
    AppDeployment v1 = awaitPhase(Phase.Ready);
    world.kubelet.migrations(job -> Outcome.RUN_UNTIL_RELEASED);
    edit(a -> a.getSpec().setImage("shop:2"));
    awaitCurrent(
        a ->
            a.getStatus().getMigration() != null
                && a.getStatus().getMigration().getState() == MigrationState.Running);

    edit(a -> a.getSpec().setImage("shop:3"));
    AppDeployment waiting =
        awaitCurrent(
            a -> "WaitingForRunningMigration".equals(condition(a, Conditions.READY).getReason()));
    assertThat(world.jobs()).as("no second migration while one runs").hasSize(2);

    // Back to the first image while shop:2's migration still changes the schema.
    edit(a -> a.getSpec().setImage("shop:1"));
    AppDeployment reverted =
        awaitCurrent(
            a -> "WaitingForRunningMigration".equals(condition(a, Conditions.READY).getReason()));
    assertThat(reverted.getStatus().getRevision()).isEqualTo(v1.getStatus().getRevision());
    assertThat(reverted.getStatus().getPhase()).isEqualTo(Phase.Migrating);

    world.kubelet.release(Outcome.SUCCEED);
    AppDeployment ready = awaitPhase(Phase.Ready);
    assertThat(ready.getStatus().getRevision()).isEqualTo(v1.getStatus().getRevision());
    assertThat(Instant.parse(ready.getStatus().getSchema().getCheckedAt()))
        .as("verified again after shop:2's migration, not taken from before it")
        .isAfter(Instant.parse(waiting.getStatus().getSchema().getCheckedAt()));
    assertThat(world.jobs()).hasSize(2);
  }
}
