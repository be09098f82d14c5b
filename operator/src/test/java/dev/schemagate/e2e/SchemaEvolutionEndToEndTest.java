package dev.schemagate.e2e;

import static dev.schemagate.testing.ShopApp.APP;
import static dev.schemagate.testing.ShopApp.FULL_SCHEMA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.ComponentStatus;
import dev.schemagate.api.ContractSpec;
import dev.schemagate.api.DriftSpec;
import dev.schemagate.api.FlywayMigrationSpec;
import dev.schemagate.api.MigrationState;
import dev.schemagate.api.Phase;
import dev.schemagate.api.RolloutSpec;
import dev.schemagate.api.ServingIncompatiblePolicy;
import dev.schemagate.lifecycle.Conditions;
import dev.schemagate.runtime.OperatorSettings;
import dev.schemagate.testing.InProcessCli;
import dev.schemagate.testing.LifecycleHarness;
import dev.schemagate.testing.StatusHistory;
import dev.schemagate.testkit.JobRunner;
import dev.schemagate.testkit.KubeletSimulator.Outcome;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Schema evolution end to end - ordered rollout, migrate ahead, drift, rollback - with the real
 * operator on an in-process Kubernetes API and every migration's SQL run on a real PostgreSQL.
 */
@EnableKubernetesMockClient(crud = true)
class SchemaEvolutionEndToEndTest {

  static KubernetesClient client;
  static KubernetesMockServer server;

  LifecycleHarness world;

  /** ":dropq" migrates to a schema without calendar_routing_rules.question_text. */
  private static final String DROP_QUESTION =
      FULL_SCHEMA
          + "DROP INDEX IF EXISTS idx_rules_question;"
          + " ALTER TABLE calendar_routing_rules DROP COLUMN IF EXISTS question_text;";

  @BeforeEach
  void start() {
    world = LifecycleHarness.start(server, client, OperatorSettings.defaults());
    world.kubelet.migrations(
        job -> {
          var container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
          if (List.of("contract").equals(container.getCommand())) {
            // The contract phase: records that it ran, and which pods existed meanwhile.
            world.sql("CREATE TABLE IF NOT EXISTS contracted (job text);");
            world.sql("INSERT INTO contracted VALUES ('" + job.getMetadata().getName() + "');");
            return Outcome.SUCCEED;
          }
          if (List.of("contract-fails").equals(container.getCommand())) {
            return Outcome.FAIL;
          }
          world.sql(container.getImage().endsWith(":dropq") ? DROP_QUESTION : FULL_SCHEMA);
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

  private AppDeployment edit(Consumer<AppDeployment> change) {
    return world.edit("shop", change);
  }

  private static RolloutSpec rollout(AppDeployment appd) {
    if (appd.getSpec().getRollout() == null) {
      appd.getSpec().setRollout(new RolloutSpec());
    }
    return appd.getSpec().getRollout();
  }

  private static String reason(AppDeployment appd, String type) {
    return Conditions.find(appd.getStatus().getConditions(), type).getReason();
  }

  private static ComponentStatus component(AppDeployment appd, String name) {
    return appd.getStatus().getComponents().stream()
        .filter(c -> c.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void theWorkerGetsTheNewRevisionOnlyOnceTheApiRunsItAndIsAvailable() {
    world.apply(APP.replace("    - name: worker\n", "    - name: worker\n      after: [api]\n"));
    awaitPhase(Phase.Ready);

    try (StatusHistory history = StatusHistory.watch(client, world.namespace)) {
      AppDeployment upgraded = edit(a -> a.getSpec().setImage("shop:2"));
      AppDeployment ready = awaitPhase(Phase.Ready);
      String revision = ready.getStatus().getRevision();
      assertThat(world.image("shop-worker")).isEqualTo("shop:2");

      List<AppDeployment> seen =
          history.seen().stream()
              .map(StatusHistory.Seen::appd)
              .filter(a -> a.getStatus() != null && a.getStatus().getComponents() != null)
              .toList();
      assertThat(seen)
          .as("the worker waited, and said so")
          .anySatisfy(
              a ->
                  assertThat(Conditions.find(a.getStatus().getConditions(), Conditions.READY))
                      .satisfies(
                          c -> assertThat(c.getMessage()).contains("worker: waits for api")));
      assertThat(seen)
          .as("no status shows the worker on the new revision before the api rolled it out")
          .allSatisfy(
              a -> {
                if (revision.equals(component(a, "worker").getRevision())) {
                  assertThat(component(a, "api").getRevision()).isEqualTo(revision);
                  assertThat(component(a, "api").getRolledOut()).isTrue();
                }
              });
      assertThat(upgraded.getMetadata().getGeneration()).isPositive();
    }
  }

  @Test
  void aHeldRevisionMigratesAheadAndRollsOutWhenReleasedWithoutAnotherMigration() {
    world.apply(APP);
    awaitPhase(Phase.Ready);

    edit(
        a -> {
          a.getSpec().setImage("shop:2");
          rollout(a).setHold(true);
        });
    AppDeployment held = awaitPhase(Phase.Held);
    assertThat(reason(held, Conditions.READY)).isEqualTo("RolloutHeld");
    assertThat(reason(held, Conditions.SCHEMA_VERIFIED)).isEqualTo("SchemaVerified");
    assertThat(world.jobs()).hasSize(2);
    assertThat(world.image("shop-api")).as("the old revision serves").isEqualTo("shop:1");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(world.deployment("shop-worker").getSpec().getReplicas()).isEqualTo(1));
    assertThat(world.image("shop-worker")).isEqualTo("shop:1");
    world.events("RolloutHeld");

    edit(a -> rollout(a).setHold(false));
    awaitPhase(Phase.Ready);
    assertThat(world.image("shop-api")).isEqualTo("shop:2");
    assertThat(world.jobs()).as("releasing runs no migration").hasSize(2);
  }

  @Test
  void aColumnDroppedByHandAfterReadyIsFoundHoldsScaleUpsAndIsForgivenOnceRestored() {
    world.apply(APP);
    awaitPhase(Phase.Ready);
    edit(
        a -> {
          a.getSpec().setDrift(new DriftSpec());
          a.getSpec().getDrift().setIntervalSeconds(30);
        });
    awaitPhase(Phase.Ready);

    world.sql(
        "DROP INDEX idx_rules_question; ALTER TABLE calendar_routing_rules DROP COLUMN"
            + " question_text;");
    AppDeployment drifted =
        await()
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> world.get("shop"), a -> a.getStatus().getPhase() == Phase.Failed);
    assertThat(reason(drifted, Conditions.STALLED)).isEqualTo("SchemaDrift");
    assertThat(
            Conditions.find(drifted.getStatus().getConditions(), Conditions.STALLED).getMessage())
        .contains("calendar_routing_rules")
        .contains("question_text");
    world.events("SchemaDrift");
    world.metricsMatching(
        "schemagate_schema_drift_total\\{namespace=\"" + world.namespace + "\"} 1");
    assertThat(drifted.getStatus().getConditions())
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo(Conditions.AVAILABLE);
              assertThat(c.getStatus()).as("nothing is stopped").isEqualTo("True");
            });

    edit(a -> a.getSpec().getComponents().get(0).setReplicas(3));
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(world.deployment("shop-api").getSpec().getReplicas())
                    .as("a scale-up waits for the repair")
                    .isEqualTo(2));

    world.sql(FULL_SCHEMA);
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> assertThat(world.deployment("shop-api").getSpec().getReplicas()).isEqualTo(3));
    awaitPhase(Phase.Ready);
  }

  @Test
  void goingBackToAVerifiedRevisionRunsNoMigrationAndIsRefusedWhenTheSchemaNoLongerFits() {
    world.apply(APP);
    awaitPhase(Phase.Ready);
    edit(a -> a.getSpec().setImage("shop:2"));
    awaitPhase(Phase.Ready);

    edit(a -> a.getSpec().setImage("shop:1"));
    awaitPhase(Phase.Ready);
    assertThat(world.jobs()).as("a rollback runs no migration").hasSize(2);
    assertThat(world.image("shop-api")).isEqualTo("shop:1");

    // shop:dropq drops a column shop:1 needs; its own spec.schema no longer asks for it.
    edit(
        a -> {
          a.getSpec().setImage("shop:dropq");
          a.getSpec().getSchema().getTables().get(1).setColumns(List.of("id"));
          a.getSpec().getSchema().getTables().get(1).setIndexes(null);
        });
    awaitPhase(Phase.Ready);
    edit(
        a -> {
          a.getSpec().setImage("shop:1");
          a.getSpec().getSchema().getTables().get(1).setColumns(List.of("id", "question_text"));
          a.getSpec().getSchema().getTables().get(1).setIndexes(List.of("idx_rules_question"));
        });
    AppDeployment refused = awaitPhase(Phase.Failed);
    assertThat(reason(refused, Conditions.STALLED)).isEqualTo("RollbackRefused");
    assertThat(refused.getStatus().getSchema().getMissingColumns())
        .containsExactly("calendar_routing_rules.question_text");
    assertThat(world.image("shop-api")).as("shop:dropq keeps serving").isEqualTo("shop:dropq");
    assertThat(world.jobs()).hasSize(3);
    world.events("RollbackRefused");
  }

  /** shop:1 serves; shop:dropq's migration drops a column shop:1 needs. */
  private void upgradeToDropq(Consumer<AppDeployment> more) {
    world.apply(APP);
    awaitPhase(Phase.Ready);
    edit(
        a -> {
          a.getSpec().setImage("shop:dropq");
          a.getSpec().getSchema().getTables().get(1).setColumns(List.of("id"));
          a.getSpec().getSchema().getTables().get(1).setIndexes(null);
          more.accept(a);
        });
  }

  @Test
  void aServingRevisionTheMigrationBrokeIsReportedFromItsOwnGatesRequirements() {
    upgradeToDropq(a -> {});
    AppDeployment ready = awaitPhase(Phase.Ready);

    assertThat(reason(ready, Conditions.SERVING_COMPATIBLE)).isEqualTo("Replaced");
    List<Event> warnings =
        world.events("ServingRevisionIncompatible").stream()
            .filter(e -> "ServingRevisionIncompatible".equals(e.getReason()))
            .toList();
    assertThat(warnings)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getType()).isEqualTo("Warning");
              assertThat(e.getMessage())
                  .as("the worker is held at 0 during migrations: it does not serve")
                  .contains("(api)")
                  .contains("question_text")
                  .contains("serves until revision");
            });
    world.metricsMatching(
        "schemagate_serving_incompatible_total\\{namespace=\"" + world.namespace + "\"} 1");
  }

  @Test
  void withStopServingTheBrokenRevisionIsStoppedBeforeTheNewOneRollsOut() {
    try (StatusHistory history = StatusHistory.watch(client, world.namespace)) {
      upgradeToDropq(
          a -> rollout(a).setOnServingIncompatible(ServingIncompatiblePolicy.StopServing));
      AppDeployment ready = awaitPhase(Phase.Ready);
      String oldRevision = ready.getStatus().getHistory().get(1).getRevision();

      assertThat(history.seen())
          .filteredOn(
              seen ->
                  seen.appd().getStatus() != null
                      && seen.appd().getStatus().getComponents() != null)
          .as("the api ran shop:1 at 0 replicas before it got shop:dropq")
          .anySatisfy(
              seen -> {
                ComponentStatus api = component(seen.appd(), "api");
                assertThat(api.getRevision()).isEqualTo(oldRevision);
                assertThat(api.getReplicas()).isZero();
                assertThat(
                        Conditions.find(
                            seen.appd().getStatus().getConditions(), Conditions.SERVING_COMPATIBLE))
                    .isNotNull();
              });
      assertThat(world.image("shop-api")).isEqualTo("shop:dropq");
    }
  }

  private static String withContract(String command) {
    return APP.replace(
        "  migration: {command: [migrate]}\n",
        "  migration: {command: [migrate], contract: {command: [" + command + "]}}\n");
  }

  @Test
  void theContractPhaseRunsOncePerRevisionOnlyAfterEveryPodRunsIt() {
    try (StatusHistory history = StatusHistory.watch(client, world.namespace)) {
      world.apply(withContract("contract"));
      AppDeployment first = awaitPhase(Phase.Ready);
      String r1 = first.getStatus().getRevision();
      edit(a -> a.getSpec().setImage("shop:2"));
      AppDeployment second = awaitPhase(Phase.Ready);
      String r2 = second.getStatus().getRevision();

      assertThat(second.getStatus().getContract().getState().name()).isEqualTo("Succeeded");
      assertThat(second.getStatus().getHistory())
          .extracting(h -> h.getRevision() + " " + h.getContract())
          .containsExactly(r2 + " Succeeded", r1 + " Succeeded");
      world.sqlAssert(
          "SELECT count(*) = 2 AND count(DISTINCT job) = 2 FROM contracted"
              + " WHERE job IN ('shop-post-"
              + r1
              + "', 'shop-post-"
              + r2
              + "')");
      assertThat(history.seen())
          .filteredOn(
              seen ->
                  seen.appd().getStatus() != null
                      && seen.appd().getStatus().getContract() != null
                      && r2.equals(seen.appd().getStatus().getContract().getRevision()))
          .isNotEmpty()
          .allSatisfy(
              seen ->
                  assertThat(seen.appd().getStatus().getComponents())
                      .as("the contract phase is due only once every component runs " + r2)
                      .allSatisfy(
                          c -> {
                            assertThat(c.getRevision()).isEqualTo(r2);
                            assertThat(c.getRolledOut()).isTrue();
                          }));
    }
  }

  private void configMap(String name, Map<String, String> files) {
    client
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(world.namespace)
                .endMetadata()
                .addToData(files)
                .build())
        .createOr(NonDeletingOperation::update);
  }

  /**
   * Expand/contract in Flyway mode: shop:2's expand set adds calendar_routing_rules.question next
   * to question_text, which shop:1 still reads while it serves; once every pod runs shop:2, the
   * contract's own Flyway SQL drops question_text. Each Job's real command line runs in-process.
   */
  @Test
  void aFlywayContractDropsTheOldColumnAfterTheRolloutWithAHistoryTableOfItsOwn() {
    world.kubelet.migrations(job -> JobRunner.run(client, job, InProcessCli::run).outcome());
    String base = "V1__base.sql";
    configMap("shop-sql", Map.of(base, FULL_SCHEMA));
    world.apply(
        APP.replace(
            "migration: {command: [migrate]}",
            "migration: {flyway: {configMapRef: {name: shop-sql}}}"));
    awaitPhase(Phase.Ready);

    configMap(
        "shop-sql",
        Map.of(
            base,
            FULL_SCHEMA,
            "V2__question.sql",
            "ALTER TABLE calendar_routing_rules ADD COLUMN question text;"));
    configMap(
        "shop-contract",
        Map.of(
            "V1__drop_question_text.sql",
            "ALTER TABLE calendar_routing_rules DROP COLUMN question_text;"));
    edit(
        a -> {
          a.getSpec().setImage("shop:2");
          ContractSpec contract = new ContractSpec();
          contract.setFlyway(new FlywayMigrationSpec());
          contract.getFlyway().setConfigMapRef(new LocalObjectReference("shop-contract"));
          a.getSpec().getMigration().setContract(contract);
          a.getSpec().getSchema().getTables().get(1).setColumns(List.of("id", "question"));
          a.getSpec().getSchema().getTables().get(1).setIndexes(null);
        });
    AppDeployment ready =
        await()
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(200))
            .until(
                () -> world.get("shop"),
                a ->
                    a.getStatus() != null
                        && a.getStatus().getPhase() == Phase.Ready
                        && a.getStatus().getContract() != null
                        && a.getStatus().getContract().getState() == MigrationState.Succeeded);
    String r2 = ready.getStatus().getRevision();

    assertThat(ready.getStatus().getContract().getRevision()).isEqualTo(r2);
    assertThat(world.image("shop-api")).isEqualTo("shop:2");
    Job post =
        world.jobs().stream()
            .filter(j -> j.getMetadata().getName().equals("shop-post-" + r2))
            .findFirst()
            .orElseThrow();
    assertThat(post.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .startsWith("migrate")
        .containsSequence("--table", "flyway_contract_history");
    world.sqlAssert(
        "SELECT 1 FROM flyway_schema_history WHERE success HAVING count(*) FILTER (WHERE version"
            + " = '1') = 1 AND count(*) FILTER (WHERE version = '2') = 1");
    world.sqlAssert(
        "SELECT 1 FROM flyway_contract_history WHERE version = '1' AND success"
            + " AND script = 'V1__drop_question_text.sql'");
    world.sqlAssert(
        "SELECT 1 FROM flyway_schema_history HAVING count(*) FILTER (WHERE script ="
            + " 'V1__drop_question_text.sql') = 0");
    world.sqlAssert(
        "SELECT 1 FROM information_schema.columns WHERE table_name = 'calendar_routing_rules'"
            + " HAVING count(*) FILTER (WHERE column_name = 'question') = 1"
            + " AND count(*) FILTER (WHERE column_name = 'question_text') = 0");
    assertThat(Conditions.find(ready.getStatus().getConditions(), Conditions.READY).getStatus())
        .isEqualTo("True");
  }

  @Test
  void aFailedContractPhaseLeavesTheAppServingAndSaysSo() {
    world.apply(withContract("contract-fails"));
    AppDeployment failed = awaitPhase(Phase.Failed);

    assertThat(reason(failed, Conditions.STALLED)).isEqualTo("ContractFailed");
    assertThat(
            Conditions.find(failed.getStatus().getConditions(), Conditions.AVAILABLE).getStatus())
        .isEqualTo("True");
    assertThat(failed.getStatus().getContract().getState().name()).isEqualTo("Failed");
    assertThat(world.deployment("shop-api").getSpec().getReplicas()).isEqualTo(2);
    world.events("ContractStarted", "ContractFailed");
    world.metricsMatching(
        "schemagate_contracts_failed_total\\{namespace=\"" + world.namespace + "\"} 1");
  }
}
