package dev.schemagate.lifecycle;

import static dev.schemagate.lifecycle.LifecyclePlannerTest.PASS;
import static dev.schemagate.lifecycle.LifecyclePlannerTest.R1;
import static dev.schemagate.lifecycle.LifecyclePlannerTest.R2;
import static dev.schemagate.lifecycle.LifecyclePlannerTest.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.api.AppDeploymentStatus;
import dev.schemagate.api.ComponentSpec;
import dev.schemagate.api.ContractSpec;
import dev.schemagate.api.DriftPolicy;
import dev.schemagate.api.DriftSpec;
import dev.schemagate.api.MigrationState;
import dev.schemagate.api.Phase;
import dev.schemagate.api.RevisionRecord;
import dev.schemagate.api.RolloutSpec;
import dev.schemagate.api.RolloutStrategy;
import dev.schemagate.api.SchemaStatus;
import dev.schemagate.api.ServingIncompatiblePolicy;
import dev.schemagate.lifecycle.Action.CreateJob;
import dev.schemagate.lifecycle.Action.EnsureDeployment;
import dev.schemagate.lifecycle.DeploymentRollout.State;
import dev.schemagate.lifecycle.LifecyclePlannerTest.World;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The schema-evolution rows of {@link LifecyclePlanner}'s decision table: ordered rollout, migrate
 * ahead (hold), drift, rollback and the serving revision's compatibility.
 */
class SchemaEvolutionPlannerTest {

  private final LifecyclePlanner planner = new LifecyclePlanner(3);

  private Plan plan(World world) {
    Plan first = planner.plan(world.observed(), Checks.NOT_RUN);
    return first.needsChecks() ? planner.plan(world.observed(), PASS) : first;
  }

  private static String condition(Plan plan, String type) {
    return Conditions.find(plan.status().getConditions(), type).getStatus();
  }

  private static String reason(Plan plan, String type) {
    return Conditions.find(plan.status().getConditions(), type).getReason();
  }

  private static ComponentSpec component(World world, String name) {
    return world.resource.getSpec().getComponents().stream()
        .filter(c -> c.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private static RolloutSpec rollout(World world) {
    if (world.resource.getSpec().getRollout() == null) {
      world.resource.getSpec().setRollout(new RolloutSpec());
    }
    return world.resource.getSpec().getRollout();
  }

  /** R1 serves on both components; R2's migration succeeded. */
  private static World upgrade() {
    World world = new World().job(R2, JobView.Phase.Succeeded).bothDeployments(R1, 2, 1);
    world.revision = R2;
    return world;
  }

  // ---- ordered rollout ----

  @Test
  void aComponentAfterAnotherKeepsItsRevisionUntilTheOtherIsRolledOutAndAvailable() {
    World world = upgrade();
    component(world, "worker").setAfter(List.of("api"));

    Plan first = plan(world);
    assertThat(first.actions())
        .contains(new EnsureDeployment("api", 2, true))
        .noneMatch(a -> a instanceof EnsureDeployment e && e.component().equals("worker"));
    assertThat(first.status().getPhase()).isEqualTo(Phase.RollingOut);
    assertThat(Conditions.find(first.status().getConditions(), Conditions.READY).getMessage())
        .contains("worker: waits for api to roll out and be available");

    world.status(first.status());
    world.deployments.put("api", Views.rolling("api", R2, 2, 2, State.PROGRESSING));
    assertThat(plan(world).actions())
        .as("api's new pods are not available yet")
        .noneMatch(a -> a instanceof EnsureDeployment e && e.component().equals("worker"));

    world.deployment("api", R2, 2, 2);
    Plan afterApi = plan(world);
    assertThat(afterApi.actions()).contains(new EnsureDeployment("worker", 1, true));
    assertThat(afterApi.status().getPhase()).isEqualTo(Phase.RollingOut);

    world.status(afterApi.status()).deployment("worker", R2, 1, 1);
    assertThat(plan(world).status().getPhase()).isEqualTo(Phase.Ready);
  }

  @Test
  void aFailureStopsTheOrderWhereItIs() {
    World world = upgrade();
    component(world, "worker").setAfter(List.of("api"));
    world.deployments.put("api", Views.rolling("api", R2, 2, 2, State.DEADLINE_EXCEEDED));

    Plan plan = plan(world);
    assertThat(plan.status().getPhase()).isEqualTo(Phase.Failed);
    assertThat(reason(plan, Conditions.STALLED)).isEqualTo("ProgressDeadlineExceeded");
    assertThat(plan.actions())
        .as("the worker keeps serving R1")
        .noneMatch(a -> a instanceof EnsureDeployment e && e.component().equals("worker"));
    assertThat(condition(plan, Conditions.AVAILABLE)).isEqualTo("True");
  }

  @Test
  void onFirstInstallAWaitingComponentIsCreatedAtZero() {
    World world = new World().job(R1, JobView.Phase.Succeeded);
    component(world, "worker").setAfter(List.of("api"));
    Plan plan = plan(world);
    assertThat(plan.actions())
        .contains(new EnsureDeployment("api", 2, true), new EnsureDeployment("worker", 0, true));
  }

  @Test
  void aCycleInTheOrderIsRefusedNamingIt() {
    World world = upgrade();
    component(world, "worker").setAfter(List.of("api"));
    component(world, "api").setAfter(List.of("worker"));

    Plan plan = plan(world);
    assertThat(plan.actions()).isEmpty();
    assertThat(plan.status().getPhase()).isEqualTo(Phase.Failed);
    assertThat(reason(plan, Conditions.STALLED)).isEqualTo("InvalidConfig");
    assertThat(Conditions.find(plan.status().getConditions(), Conditions.STALLED).getMessage())
        .contains("spec.components[].after")
        .contains("api after worker after api");
    assertThat(plan.events()).extracting(Plan.Note::reason).containsExactly("InvalidConfig");
  }

  // ---- migrate ahead ----

  @Test
  void aHeldRevisionIsMigratedAndVerifiedButNotRolledOut() {
    World world = new World().bothDeployments(R1, 2, 1);
    world.revision = R2;
    rollout(world).setHold(true);

    Plan migrating = plan(world);
    assertThat(migrating.actions())
        .containsExactly(
            new CreateJob("shop-migrate-" + R2, ""),
            new EnsureDeployment("worker", 0, false)); // stopDuringMigration
    assertThat(migrating.status().getPhase()).isEqualTo(Phase.Migrating);

    world
        .status(migrating.status())
        .job(R2, JobView.Phase.Succeeded)
        .deployment("worker", R1, 0, 0);
    Plan held = plan(world);
    assertThat(held.actions())
        .as("components keep R1; the worker stopped during the migration runs R1 again")
        .containsExactly(new EnsureDeployment("worker", 1, false));
    assertThat(held.status().getPhase()).isEqualTo(Phase.Held);
    assertThat(condition(held, Conditions.READY)).isEqualTo("False");
    assertThat(reason(held, Conditions.READY)).isEqualTo("RolloutHeld");
    assertThat(condition(held, Conditions.RECONCILING)).isEqualTo("False");
    assertThat(condition(held, Conditions.STALLED)).isEqualTo("False");
    assertThat(condition(held, Conditions.AVAILABLE)).isEqualTo("True");
    assertThat(condition(held, Conditions.SCHEMA_VERIFIED)).isEqualTo("True");
    assertThat(held.events()).extracting(Plan.Note::reason).contains("RolloutHeld");

    world.status(held.status()).deployment("worker", R1, 1, 1);
    Plan again = plan(world);
    assertThat(again.events()).as("one Event per hold").isEmpty();
    assertThat(again.status().getPhase()).isEqualTo(Phase.Held);
    world.status(again.status());
    assertThat(plan(world).status()).as("a steady hold writes nothing").isEqualTo(again.status());

    rollout(world).setHold(false);
    Plan released = plan(world);
    assertThat(released.actions())
        .as("released without a migration")
        .noneMatch(a -> a instanceof CreateJob)
        .contains(new EnsureDeployment("api", 2, true), new EnsureDeployment("worker", 1, true));
    assertThat(released.status().getPhase()).isEqualTo(Phase.RollingOut);
  }

  // ---- drift ----

  private static final Checks DRIFTED =
      new Checks(
          new Checks.CheckResult(
              false, "SchemaOutdated", "Missing columns in orders: [total]", false),
          missing("orders.total"),
          null);

  private static final Checks UNREACHABLE =
      new Checks(
          new Checks.CheckResult(
              false, "DatabaseUnreachable", "Database did not answer within 10 s", true),
          null,
          null);

  private static SchemaStatus missing(String column) {
    SchemaStatus schema = new SchemaStatus();
    schema.setVerified(false);
    schema.setMissingColumns(List.of(column));
    schema.setMessage("Missing columns in orders: [total]");
    return schema;
  }

  /** R1 migrated, verified and rolled out at T0. */
  private World ready() {
    World world = new World().job(R1, JobView.Phase.Succeeded).atZero();
    world.status(plan(world).status()).bothDeployments(R1, 2, 1);
    Plan ready = plan(world);
    assertThat(ready.status().getPhase()).isEqualTo(Phase.Ready);
    return world.status(ready.status());
  }

  @Test
  void aVerifiedRevisionIsCheckedAgainOnceTheIntervalAndItsJitterHavePassed() {
    World world = ready();
    world.now = T0.plusSeconds(300);
    Plan early = planner.plan(world.observed(), Checks.NOT_RUN);
    assertThat(early.needsChecks()).isFalse();
    assertThat(early.requeueAfter())
        .as("woken when the re-check is due: 600 s after the check, plus at most a fifth")
        .isBetween(Duration.ofSeconds(301), Duration.ofSeconds(421));

    world.now = T0.plusSeconds(721);
    Plan due = planner.plan(world.observed(), Checks.NOT_RUN);
    assertThat(due.needsChecks()).isTrue();
    assertThat(due.status())
        .as("Ready while the re-check runs")
        .isEqualTo(world.resource.getStatus());

    Plan passed = planner.plan(world.observed(), PASS);
    assertThat(passed.status().getPhase()).isEqualTo(Phase.Ready);
    assertThat(passed.status().getSchema().getCheckedAt()).isEqualTo(world.now.toString());
    assertThat(passed.events()).isEmpty();
  }

  @Test
  void aDriftedSchemaStallsAndHoldsScaleUpsUntilItIsRepaired() {
    World world = ready();
    world.now = T0.plusSeconds(721);

    Plan drifted = planner.plan(world.observed(), DRIFTED);
    assertThat(drifted.status().getPhase()).isEqualTo(Phase.Failed);
    assertThat(reason(drifted, Conditions.STALLED)).isEqualTo("SchemaDrift");
    assertThat(reason(drifted, Conditions.SCHEMA_VERIFIED)).isEqualTo("SchemaDrift");
    assertThat(Conditions.find(drifted.status().getConditions(), Conditions.STALLED).getMessage())
        .contains("drifted after revision " + R1)
        .contains("Missing columns in orders: [total]");
    assertThat(drifted.events())
        .containsExactly(
            new Plan.Note(
                true,
                "SchemaDrift",
                Conditions.find(drifted.status().getConditions(), Conditions.STALLED)
                    .getMessage()));
    assertThat(condition(drifted, Conditions.AVAILABLE)).as("nothing is stopped").isEqualTo("True");
    assertThat(drifted.actions()).isEmpty();
    assertThat(drifted.requeueAfter()).as("looked at again for a repair").isNotNull();

    world.status(drifted.status());
    component(world, "api").setReplicas(5);
    Plan scaleUp = planner.plan(world.observed(), Checks.NOT_RUN);
    assertThat(scaleUp.needsChecks()).isTrue();
    assertThat(scaleUp.status().getPhase())
        .as("still drifted while re-checked")
        .isEqualTo(Phase.Failed);
    assertThat(planner.plan(world.observed(), DRIFTED).actions())
        .as("the scale-up waits")
        .isEmpty();

    Plan repaired = planner.plan(world.observed(), PASS);
    assertThat(repaired.actions()).contains(new EnsureDeployment("api", 5, true));
    assertThat(reason(repaired, Conditions.SCHEMA_VERIFIED)).isNotEqualTo("SchemaDrift");
    assertThat(repaired.events()).extracting(Plan.Note::reason).contains("SchemaVerified");
  }

  @Test
  void withOnDriftReportADriftWarnsAndRolloutsGoOn() {
    World world = ready();
    world.resource.getSpec().setDrift(new DriftSpec());
    world.resource.getSpec().getDrift().setOnDrift(DriftPolicy.Report);
    world.now = T0.plusSeconds(721);

    Plan drifted = planner.plan(world.observed(), DRIFTED);
    assertThat(drifted.status().getPhase()).isEqualTo(Phase.Ready);
    assertThat(reason(drifted, Conditions.SCHEMA_VERIFIED)).isEqualTo("SchemaDrift");
    assertThat(condition(drifted, Conditions.STALLED)).isEqualTo("False");
    assertThat(drifted.events()).extracting(Plan.Note::reason).containsExactly("SchemaDrift");

    world.status(drifted.status());
    component(world, "api").setReplicas(5);
    Plan scaleUp = planner.plan(world.observed(), Checks.NOT_RUN);
    assertThat(scaleUp.needsChecks()).as("not due yet").isFalse();
    assertThat(scaleUp.actions()).contains(new EnsureDeployment("api", 5, true));
    assertThat(scaleUp.events()).as("one Warning per drift").isEmpty();
  }

  @Test
  void aDatabaseThatDoesNotAnswerAReCheckIsNotDrift() {
    World world = ready();
    world.now = T0.plusSeconds(721);

    Plan unanswered = planner.plan(world.observed(), UNREACHABLE);
    assertThat(unanswered.status()).isEqualTo(world.resource.getStatus());
    assertThat(unanswered.requeueAfter()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void intervalZeroTurnsReChecksOff() {
    World world = ready();
    world.resource.getSpec().setDrift(new DriftSpec());
    world.resource.getSpec().getDrift().setIntervalSeconds(0);
    world.now = T0.plusSeconds(86_400);

    Plan plan = planner.plan(world.observed(), Checks.NOT_RUN);
    assertThat(plan.needsChecks()).isFalse();
    assertThat(plan.requeueAfter()).isNull();
  }

  // ---- rollback ----

  private static RevisionRecord succeeded(String revision, int finishedSecond) {
    RevisionRecord entry = new RevisionRecord();
    entry.setRevision(revision);
    entry.setOutcome("Succeeded");
    entry.setJobName(LifecyclePlanner.jobName("shop", revision));
    entry.setStartedAt(T0.toString());
    entry.setFinishedAt(T0.plusSeconds(finishedSecond).toString());
    return entry;
  }

  /** R2 runs, after R1; their Jobs were cleaned up; the spec goes back to R1. */
  private World backToR1() {
    World world = new World().bothDeployments(R2, 2, 1);
    AppDeploymentStatus status = new AppDeploymentStatus();
    status.setVerifiedRevision(R2);
    status.setHistory(new ArrayList<>(List.of(succeeded(R2, 100), succeeded(R1, 30))));
    world.status(status);
    world.revision = R1;
    return world;
  }

  @Test
  void aRollbackToAVerifiedRevisionRollsOutWithoutAMigrationOnceReVerified() {
    World world = backToR1();
    Plan first = planner.plan(world.observed(), Checks.NOT_RUN);
    assertThat(first.needsChecks()).as("re-verified at that moment").isTrue();
    assertThat(first.actions()).noneMatch(a -> a instanceof CreateJob);

    Plan back = planner.plan(world.observed(), PASS);
    assertThat(back.actions())
        .noneMatch(a -> a instanceof CreateJob)
        .contains(new EnsureDeployment("api", 2, true), new EnsureDeployment("worker", 1, true));
    assertThat(back.status().getVerifiedRevision()).isEqualTo(R1);
  }

  @Test
  void historySaysWhichRevisionsWereReadyAndSoCanBeRolledBackTo() {
    World world = ready();
    assertThat(world.resource.getStatus().getHistory())
        .singleElement()
        .satisfies(h -> assertThat(h.getReadyAt()).isEqualTo(T0.toString()));

    world.revision = R2;
    world.now = T0.plusSeconds(60);
    world.job(R2, JobView.Phase.Succeeded);
    Plan rolling = plan(world);
    assertThat(rolling.status().getHistory())
        .extracting(RevisionRecord::getRevision, RevisionRecord::getReadyAt)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(R2, null),
            org.assertj.core.groups.Tuple.tuple(R1, T0.toString()));
  }

  @Test
  void goingBackToARevisionWhoseJobIsKeptAnnouncesNoMigration() {
    World world = backToR1().job(R1, JobView.Phase.Succeeded).job(R2, JobView.Phase.Succeeded);
    Plan back = plan(world);
    assertThat(back.actions()).noneMatch(a -> a instanceof CreateJob);
    assertThat(back.events())
        .extracting(Plan.Note::reason)
        .as("R1's Job succeeded long ago: nothing ran now")
        .doesNotContain("MigrationSucceeded");
  }

  @Test
  void aRollbackTheSchemaNoLongerSatisfiesIsRefusedNamingWhatIsMissing() {
    World world = backToR1();
    Plan refused = planner.plan(world.observed(), DRIFTED);
    assertThat(refused.actions())
        .noneMatch(a -> a instanceof CreateJob)
        .noneMatch(a -> a instanceof EnsureDeployment e && e.newTemplate());
    assertThat(reason(refused, Conditions.STALLED)).isEqualTo("RollbackRefused");
    assertThat(Conditions.find(refused.status().getConditions(), Conditions.STALLED).getMessage())
        .contains("rollback to revision " + R1 + " refused")
        .contains("Missing columns in orders: [total]");
    assertThat(refused.status().getSchema().getMissingColumns()).containsExactly("orders.total");
    assertThat(condition(refused, Conditions.AVAILABLE)).as("R2 keeps serving").isEqualTo("True");
    assertThat(refused.events()).extracting(Plan.Note::reason).containsExactly("RollbackRefused");
  }

  // ---- the serving revision's compatibility ----

  private static final Checks.CheckResult SERVING_LACKS =
      new Checks.CheckResult(
          false, "SchemaOutdated", "Missing columns in orders: [legacy_total]", false);

  private static Checks servingCheck(Checks.CheckResult serving) {
    return new Checks(PASS.schema(), PASS.schemaStatus(), null, serving);
  }

  @Test
  void afterTheMigrationTheServingRevisionsRequirementsAreCheckedToo() {
    World world = upgrade();
    Plan first = planner.plan(world.observed(), Checks.NOT_RUN);
    assertThat(first.needsChecks()).isTrue();
    assertThat(first.servingRequirements()).isEqualTo(Views.requirements(R1));

    Plan compatible =
        planner.plan(
            world.observed(),
            servingCheck(new Checks.CheckResult(true, "SchemaVerified", "ok", false)));
    assertThat(condition(compatible, Conditions.SERVING_COMPATIBLE)).isEqualTo("True");
    assertThat(reason(compatible, Conditions.SERVING_COMPATIBLE)).isEqualTo("Compatible");

    world.status(compatible.status()).bothDeployments(R2, 2, 1);
    Plan ready = plan(world);
    assertThat(ready.status().getPhase()).isEqualTo(Phase.Ready);
    assertThat(reason(ready, Conditions.SERVING_COMPATIBLE))
        .as("no word is kept about a revision that no longer serves")
        .isEqualTo("Replaced");
    assertThat(compatible.events())
        .extracting(Plan.Note::reason)
        .doesNotContain("ServingRevisionIncompatible");
  }

  @Test
  void nothingIsCheckedForAServingRevisionOnFirstInstall() {
    Plan first =
        planner.plan(new World().job(R1, JobView.Phase.Succeeded).observed(), Checks.NOT_RUN);
    assertThat(first.needsChecks()).isTrue();
    assertThat(first.servingRequirements()).isNull();
  }

  @Test
  void aServingRevisionTheMigrationBrokeIsReportedLoudlyAndServesUntilReplaced() {
    World world = upgrade();
    Plan plan = planner.plan(world.observed(), servingCheck(SERVING_LACKS));

    assertThat(condition(plan, Conditions.SERVING_COMPATIBLE)).isEqualTo("False");
    assertThat(reason(plan, Conditions.SERVING_COMPATIBLE))
        .isEqualTo("ServingRevisionIncompatible");
    String message =
        Conditions.find(plan.status().getConditions(), Conditions.SERVING_COMPATIBLE).getMessage();
    assertThat(message)
        .contains("revision " + R1 + " (api, worker)")
        .contains("Missing columns in orders: [legacy_total]");
    assertThat(plan.events()).contains(new Plan.Note(true, "ServingRevisionIncompatible", message));
    assertThat(plan.actions())
        .as("Warn: the rollout goes on as planned")
        .contains(new EnsureDeployment("api", 2, true), new EnsureDeployment("worker", 1, true));

    world.status(plan.status()).bothDeployments(R2, 2, 1);
    Plan ready = plan(world);
    assertThat(ready.status().getPhase()).isEqualTo(Phase.Ready);
    assertThat(condition(ready, Conditions.SERVING_COMPATIBLE)).isEqualTo("True");
    assertThat(reason(ready, Conditions.SERVING_COMPATIBLE)).isEqualTo("Replaced");
  }

  @Test
  void withStopServingTheBrokenRevisionStopsBeforeTheNewOneRollsOut() {
    World world = upgrade();
    rollout(world).setOnServingIncompatible(ServingIncompatiblePolicy.StopServing);

    Plan plan = planner.plan(world.observed(), servingCheck(SERVING_LACKS));
    assertThat(plan.actions())
        .containsExactly(
            new EnsureDeployment("api", 0, false),
            new EnsureDeployment("worker", 0, false),
            new Action.LogRolloutDiagnostics());
    assertThat(Conditions.find(plan.status().getConditions(), Conditions.READY).getMessage())
        .contains("api: stopping revision " + R1 + " first");

    world.status(plan.status());
    world.deployments.put("api", Views.settled("api", R1, "img:" + R1, 0, 0, 1));
    world.deployment("worker", R1, 0, 0);
    assertThat(plan(world).actions())
        .as("a pod of R1 is still there")
        .doesNotContain(new EnsureDeployment("api", 2, true))
        .contains(new EnsureDeployment("worker", 1, true));

    world.deployment("api", R1, 0, 0);
    assertThat(plan(world).actions()).contains(new EnsureDeployment("api", 2, true));
  }

  // ---- contract phase ----

  private static final String CONTRACT_R2 = LifecyclePlanner.contractJobName("shop", R2);

  private static void withContract(World world) {
    ContractSpec contract = new ContractSpec();
    contract.setCommand(List.of("contract"));
    world.resource.getSpec().getMigration().setContract(contract);
  }

  /** R2 migrated, verified and rolled out on both components, R1's api pod still terminating. */
  private World rolledOutWithAnOldPodLeft() {
    World world = upgrade();
    withContract(world);
    world.status(plan(world).status()).bothDeployments(R2, 2, 1);
    DeploymentView api = world.deployments.get("api");
    world.deployments.put(
        "api",
        new DeploymentView(
            api.name(),
            api.templateHash(),
            api.revision(),
            api.image(),
            api.replicas(),
            api.readyReplicas(),
            3,
            api.rollout(),
            null,
            api.schemaRequirements(),
            java.util.Set.of(R1, R2),
            null));
    return world;
  }

  @Test
  void theContractPhaseWaitsForThePodsOfOlderRevisionsThenRunsOnce() {
    World world = rolledOutWithAnOldPodLeft();
    Plan waiting = plan(world);
    assertThat(waiting.actions()).noneMatch(a -> a instanceof Action.CreateContractJob);
    assertThat(waiting.status().getPhase()).isEqualTo(Phase.Contracting);
    assertThat(reason(waiting, Conditions.READY)).isEqualTo("WaitingForOlderPods");
    assertThat(Conditions.find(waiting.status().getConditions(), Conditions.READY).getMessage())
        .contains("api (" + R1 + ")");

    world.status(waiting.status()).deployment("api", R2, 2, 2);
    Plan started = plan(world);
    assertThat(started.actions()).contains(new Action.CreateContractJob(CONTRACT_R2, ""));
    assertThat(started.status().getContract().getState()).isEqualTo(MigrationState.Pending);
    assertThat(condition(started, Conditions.READY)).isEqualTo("False");
    assertThat(condition(started, Conditions.AVAILABLE)).isEqualTo("True");
    assertThat(started.events()).extracting(Plan.Note::reason).contains("ContractStarted");

    world.status(started.status()).contractJob(R2, JobView.Phase.Running, "");
    Plan running = plan(world);
    assertThat(running.actions()).noneMatch(a -> a instanceof Action.CreateContractJob);
    assertThat(running.status().getPhase()).isEqualTo(Phase.Contracting);

    world.status(running.status());
    world.contractJobs.clear();
    world.contractJob(R2, JobView.Phase.Succeeded, "");
    Plan first = planner.plan(world.observed(), Checks.NOT_RUN);
    assertThat(first.needsChecks()).as("the contract may have changed the schema").isTrue();
    Plan done = planner.plan(world.observed(), PASS);
    assertThat(done.status().getPhase()).isEqualTo(Phase.Ready);
    assertThat(done.status().getContract().getState()).isEqualTo(MigrationState.Succeeded);
    assertThat(done.status().getHistory().get(0).getContract()).isEqualTo("Succeeded");
    assertThat(done.events()).extracting(Plan.Note::reason).contains("ContractSucceeded", "Ready");

    world.status(done.status());
    world.contractJobs.clear(); // cleaned up: status and history remember it
    assertThat(plan(world).actions()).noneMatch(a -> a instanceof Action.CreateContractJob);
    world.resource.getStatus().setContract(null);
    assertThat(plan(world).actions())
        .as("history alone keeps it exactly once")
        .noneMatch(a -> a instanceof Action.CreateContractJob);
  }

  @Test
  void aFailedContractPhaseLeavesTheRevisionServingAndIsRetriedOnRequest() {
    World world = rolledOutWithAnOldPodLeft().deployment("api", R2, 2, 2);
    world.status(plan(world).status()).contractJob(R2, JobView.Phase.Failed, "");

    Plan failed = plan(world);
    assertThat(failed.status().getPhase()).isEqualTo(Phase.Failed);
    assertThat(reason(failed, Conditions.STALLED)).isEqualTo("ContractFailed");
    assertThat(Conditions.find(failed.status().getConditions(), Conditions.STALLED).getMessage())
        .contains("revision " + R2 + " keeps serving");
    assertThat(condition(failed, Conditions.AVAILABLE)).isEqualTo("True");
    assertThat(failed.events()).extracting(Plan.Note::reason).containsExactly("ContractFailed");
    assertThat(failed.actions())
        .noneMatch(a -> a instanceof EnsureDeployment e && e.replicas() == 0);

    world.status(failed.status());
    assertThat(plan(world).events()).as("one Warning").isEmpty();

    world.retryToken = "again";
    assertThat(plan(world).actions())
        .contains(
            new Action.DeleteJob(CONTRACT_R2, "retry requested through schemagate.dev/retry"));
    world.contractJobs.clear();
    assertThat(plan(world).actions()).contains(new Action.CreateContractJob(CONTRACT_R2, "again"));
  }

  @Test
  void underStopTheWorldTheContractPhaseRunsBeforeTheComponentsScaleUp() {
    World world = upgrade();
    withContract(world);
    rollout(world).setStrategy(RolloutStrategy.StopTheWorld);
    world.deployment("api", R1, 0, 0).deployment("worker", R1, 0, 0);

    Plan plan = plan(world);
    assertThat(plan.actions())
        .contains(new Action.CreateContractJob(CONTRACT_R2, ""))
        .noneMatch(a -> a instanceof EnsureDeployment e && e.replicas() > 0);
    assertThat(plan.status().getPhase()).isEqualTo(Phase.Contracting);

    world.status(plan.status()).contractJob(R2, JobView.Phase.Succeeded, "");
    Plan scaleUp = plan(world);
    assertThat(scaleUp.actions())
        .contains(new EnsureDeployment("api", 2, true), new EnsureDeployment("worker", 1, true));
  }

  @Test
  void anotherRevisionsContractJobRunningIsWaitedForLikeAMigration() {
    World world = new World().bothDeployments(R1, 2, 1).contractJob(R1, JobView.Phase.Running, "");
    world.revision = R2;
    Plan plan = plan(world);
    assertThat(plan.actions()).noneMatch(a -> a instanceof CreateJob);
    assertThat(reason(plan, Conditions.MIGRATION_SUCCEEDED))
        .isEqualTo("WaitingForRunningMigration");
  }
}
