package dev.schemagate.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.AppDeploymentStatus;
import dev.schemagate.api.InvalidAppDeployments;
import dev.schemagate.api.MigrationState;
import dev.schemagate.api.Phase;
import dev.schemagate.api.RolloutStrategy;
import dev.schemagate.api.SchemaStatus;
import dev.schemagate.lifecycle.Action.CaptureLogTail;
import dev.schemagate.lifecycle.Action.CreateJob;
import dev.schemagate.lifecycle.Action.DeleteJob;
import dev.schemagate.lifecycle.Action.EnsureDeployment;
import dev.schemagate.lifecycle.Checks.CheckResult;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The decision table of {@link LifecyclePlanner}, one test per row. */
class LifecyclePlannerTest {

  static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
  static final String R1 = "aaaaaaaaaa";
  static final String R2 = "bbbbbbbbbb";
  static final CheckResult SCHEMA_OK =
      new CheckResult(true, "Verified", "all required tables present", false);
  static final Checks PASS = new Checks(SCHEMA_OK, verifiedSchema(), null);

  private final LifecyclePlanner planner = new LifecyclePlanner(3);

  /** A fluent description of what is observed. */
  static final class World {
    final AppDeployment resource =
        new KubernetesSerialization().unmarshal(InvalidAppDeployments.VALID, AppDeployment.class);
    String revision = R1;
    String retryToken = "";
    final List<JobView> jobs = new ArrayList<>();
    final List<JobView> contractJobs = new ArrayList<>();
    final Map<String, DeploymentView> deployments = new HashMap<>();
    String configProblem;
    List<String> conflicts = List.of();
    Instant now = T0;

    World() {
      resource.getMetadata().setGeneration(1L);
    }

    World job(String revision, JobView.Phase phase) {
      return job(revision, phase, "", null);
    }

    World contractJob(String revision, JobView.Phase phase, String token) {
      World scratch = new World().job(revision, phase, token, null);
      JobView job = scratch.jobs.get(0);
      String name = LifecyclePlanner.contractJobName("shop", revision);
      contractJobs.add(
          new JobView(
              name,
              job.revision(),
              job.retryToken(),
              job.phase(),
              job.reason(),
              job.message(),
              job.failedPod() == null ? null : name + "-x1",
              job.startedAt(),
              job.finishedAt(),
              null,
              job.createdAt()));
      return this;
    }

    World job(String revision, JobView.Phase phase, String token, Instant recheckAt) {
      String name = LifecyclePlanner.jobName("shop", revision);
      String reason = phase == JobView.Phase.Failed ? "BackoffLimitExceeded" : null;
      String pod = phase == JobView.Phase.Failed ? name + "-x1" : null;
      jobs.add(
          new JobView(
              name,
              revision,
              token,
              phase,
              reason,
              "Job has reached the specified backoff limit",
              pod,
              T0,
              phase == JobView.Phase.Running ? null : T0.plusSeconds(30),
              recheckAt,
              T0));
      return this;
    }

    World deployment(String component, String revision, int replicas, int ready) {
      deployments.put(
          component,
          Views.settled(component, revision, "img:" + revision, replicas, ready, replicas));
      return this;
    }

    /** Both Deployments as first created: the spec's template, no replicas yet. */
    World atZero() {
      deployments.put("api", Views.settled("api", R1, "img", 0, 0, 0));
      deployments.put("worker", Views.settled("worker", R1, "img", 0, 0, 0));
      return this;
    }

    World bothDeployments(String revision, int apiReady, int workerReady) {
      deployment("api", revision, 2, apiReady);
      return deployment("worker", revision, 1, workerReady);
    }

    World status(AppDeploymentStatus status) {
      resource.setStatus(status);
      return this;
    }

    Observed observed() {
      Map<String, String> wanted = new HashMap<>();
      resource
          .getSpec()
          .getComponents()
          .forEach(c -> wanted.put(c.getName(), Views.template(revision)));
      return new Observed(
          resource,
          revision,
          retryToken,
          jobs,
          contractJobs,
          deployments,
          wanted,
          Revision.ofChecks(resource.getSpec()),
          configProblem,
          conflicts,
          now,
          Map.of());
    }
  }

  static SchemaStatus verifiedSchema() {
    SchemaStatus schema = new SchemaStatus();
    schema.setVerified(true);
    schema.setMessage("all required tables present");
    return schema;
  }

  private Plan plan(World world) {
    Plan first = planner.plan(world.observed(), Checks.NOT_RUN);
    return first.needsChecks() ? planner.plan(world.observed(), PASS) : first;
  }

  /** Applies a plan's status to the world, as the API server would after the patch. */
  private static World after(World world, Plan plan) {
    return world.status(plan.status());
  }

  private static String condition(Plan plan, String type) {
    return Conditions.find(plan.status().getConditions(), type).getStatus();
  }

  @Test
  void firstInstallCreatesTheJobAndDeploymentsAtZero() {
    Plan plan = plan(new World());
    assertThat(plan.actions())
        .containsExactly(
            new CreateJob("shop-migrate-" + R1, ""),
            new EnsureDeployment("api", 0, true),
            new EnsureDeployment("worker", 0, true));
    assertThat(plan.status().getPhase()).isEqualTo(Phase.Migrating);
    assertThat(plan.status().getObservedGeneration()).isEqualTo(1L);
    assertThat(condition(plan, Conditions.READY)).isEqualTo("False");
    assertThat(condition(plan, Conditions.RECONCILING)).isEqualTo("True");
    assertThat(plan.events()).extracting(Plan.Note::reason).containsExactly("MigrationStarted");
  }

  @Test
  void runningJobWaitsAndHoldsComponents() {
    World world = new World().job(R1, JobView.Phase.Running).atZero();
    Plan plan = plan(world);
    assertThat(plan.actions()).isEmpty();
    assertThat(plan.status().getPhase()).isEqualTo(Phase.Migrating);
    assertThat(plan.status().getMigration().getState()).isEqualTo(MigrationState.Running);
    assertThat(plan.requeueAfter()).as("event-driven: no polling").isNull();
  }

  @Test
  void runningJobWithAStuckPodIsRecheckedWhenItsGracePeriodEnds() {
    World world = new World().job(R1, JobView.Phase.Running, "", T0.plusSeconds(120)).atZero();
    assertThat(plan(world).requeueAfter()).isEqualTo(Duration.ofSeconds(121));
  }

  @Test
  void succeededJobIsVerifiedThenRolledOut() {
    World world = new World().job(R1, JobView.Phase.Succeeded).atZero();
    Plan first = planner.plan(world.observed(), Checks.NOT_RUN);
    assertThat(first.needsChecks()).isTrue();
    assertThat(first.actions())
        .as("nothing rolls before verification")
        .noneMatch(a -> a instanceof EnsureDeployment e && e.replicas() > 0);

    Plan plan = planner.plan(world.observed(), PASS);
    assertThat(plan.actions())
        .containsExactly(
            new EnsureDeployment("api", 2, true),
            new EnsureDeployment("worker", 1, true),
            new Action.LogRolloutDiagnostics());
    assertThat(plan.status().getVerifiedRevision()).isEqualTo(R1);
    assertThat(plan.status().getPhase()).isEqualTo(Phase.RollingOut);
    assertThat(plan.status().getMigration().getState()).isEqualTo(MigrationState.Succeeded);
    assertThat(condition(plan, Conditions.SCHEMA_VERIFIED)).isEqualTo("True");
    assertThat(plan.status().getHistory()).extracting("outcome").containsExactly("Succeeded");
  }

  @Test
  void readyOnceEveryComponentHasItsReplicasAndNothingMoreIsWritten() {
    World world = new World().job(R1, JobView.Phase.Succeeded).atZero();
    Plan rolling = plan(world);
    after(world, rolling).bothDeployments(R1, 2, 1);
    Plan ready = plan(world);
    assertThat(ready.status().getPhase()).isEqualTo(Phase.Ready);
    assertThat(condition(ready, Conditions.READY)).isEqualTo("True");
    assertThat(condition(ready, Conditions.AVAILABLE)).isEqualTo("True");
    assertThat(ready.status().getReady()).isEqualTo("3/3");
    assertThat(ready.needsChecks()).as("verified once per revision").isFalse();

    after(world, ready);
    world.now = T0.plusSeconds(300); // before the drift re-check is due
    Plan steady = plan(world);
    assertThat(steady.status())
        .as("steady state writes nothing")
        .isEqualTo(world.resource.getStatus());
    assertThat(steady.events()).isEmpty();
  }

  @Test
  void aComponentRemovedFromTheSpecLosesItsDeploymentInAnyPhase() {
    World ready = new World().job(R1, JobView.Phase.Succeeded).bothDeployments(R1, 2, 1);
    after(ready, plan(ready));
    ready.deployment("cron", R1, 1, 1);
    Plan plan = plan(ready);
    assertThat(plan.actions()).contains(new Action.RemoveComponent("cron", "shop-cron"));
    assertThat(plan.events())
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("cron", "spec.components"));

    World migrating =
        new World().job(R1, JobView.Phase.Running).atZero().deployment("cron", R1, 1, 1);
    assertThat(plan(migrating).actions()).contains(new Action.RemoveComponent("cron", "shop-cron"));

    World listed = new World().job(R1, JobView.Phase.Succeeded).bothDeployments(R1, 2, 1);
    assertThat(plan(listed).actions()).noneMatch(a -> a instanceof Action.RemoveComponent);
  }

  @Test
  void failedJobIsReportedWithItsLogTailAndStalls() {
    World world = new World().job(R1, JobView.Phase.Failed).atZero();
    Plan plan = plan(world);
    assertThat(plan.actions())
        .containsExactly(new CaptureLogTail("shop-migrate-" + R1, "shop-migrate-" + R1 + "-x1"));
    assertThat(plan.status().getPhase()).isEqualTo(Phase.Failed);
    assertThat(plan.status().getMigration().getReason()).isEqualTo("BackoffLimitExceeded");
    assertThat(condition(plan, Conditions.STALLED)).isEqualTo("True");
    assertThat(plan.events()).singleElement().satisfies(e -> assertThat(e.warning()).isTrue());

    Plan again = plan(after(world, plan));
    assertThat(again.actions()).as("the log tail is read once").isEmpty();
    assertThat(again.events()).isEmpty();
  }

  @Test
  void failedRevisionWhoseJobWasCleanedUpIsNotReRun() {
    World world = new World().job(R1, JobView.Phase.Failed).atZero();
    after(world, plan(world)).jobs.clear();
    Plan plan = plan(world);
    assertThat(plan.actions()).isEmpty();
    assertThat(plan.status().getPhase()).isEqualTo(Phase.Failed);
  }

  @Test
  void retryAnnotationDeletesTheFailedJobThenCreatesANewOne() {
    World world = new World().job(R1, JobView.Phase.Failed).atZero();
    after(world, plan(world)).retryToken = "1";
    Plan delete = plan(world);
    assertThat(delete.actions())
        .containsExactly(
            new DeleteJob("shop-migrate-" + R1, "retry requested through schemagate.dev/retry"));

    after(world, delete).jobs.clear();
    Plan create = plan(world);
    assertThat(create.actions()).first().isEqualTo(new CreateJob("shop-migrate-" + R1, "1"));
  }

  @Test
  void jobDeletedWhileRunningIsReportedNotReRun() {
    World world = new World().job(R1, JobView.Phase.Running).atZero();
    after(world, plan(world)).jobs.clear();
    Plan plan = plan(world);
    assertThat(plan.actions()).noneMatch(a -> a instanceof CreateJob);
    assertThat(plan.status().getMigration().getReason()).isEqualTo("JobDeleted");
    assertThat(plan.status().getPhase()).isEqualTo(Phase.Failed);
  }

  @Test
  void jobDeletedBeforeAnyReconcileSawItRunIsReportedNotReRun() {
    World world = new World();
    after(world, plan(world));
    Plan plan = plan(world);
    assertThat(plan.actions()).noneMatch(a -> a instanceof CreateJob);
    assertThat(plan.status().getMigration().getReason()).isEqualTo("JobDeleted");
  }

  @Test
  void missingSchemaStallsAndHoldsComponents() {
    World world = new World().job(R1, JobView.Phase.Succeeded).atZero();
    SchemaStatus missing = new SchemaStatus();
    missing.setVerified(false);
    missing.setMissingColumns(List.of("calendar_routing_rules.question_text"));
    CheckResult result =
        new CheckResult(
            false,
            "MissingObjects",
            "Missing columns in calendar_routing_rules: [question_text]",
            false);
    Plan plan = planner.plan(world.observed(), new Checks(result, missing, null));
    assertThat(plan.actions()).isEmpty();
    assertThat(plan.status().getPhase()).isEqualTo(Phase.Failed);
    assertThat(condition(plan, Conditions.SCHEMA_VERIFIED)).isEqualTo("False");
    assertThat(condition(plan, Conditions.STALLED)).isEqualTo("True");
    assertThat(plan.status().getSchema().getMissingColumns())
        .containsExactly("calendar_routing_rules.question_text");
    assertThat(plan.status().getVerifiedRevision()).isNull();
  }

  @Test
  void unreachableDatabaseIsRetriedWithGrowingBackoffNeverStalled() {
    World world = new World().job(R1, JobView.Phase.Succeeded).atZero();
    CheckResult down = new CheckResult(false, "DatabaseUnreachable", "Connection refused", true);
    Checks failing = new Checks(down, null, null);
    Plan first = planner.plan(world.observed(), failing);
    assertThat(first.status().getPhase()).isEqualTo(Phase.Verifying);
    assertThat(condition(first, Conditions.STALLED)).isEqualTo("False");
    assertThat(first.requeueAfter()).isEqualTo(LifecyclePlanner.MIN_BACKOFF);

    after(world, first).now = T0.plus(Duration.ofMinutes(4));
    assertThat(planner.plan(world.observed(), failing).requeueAfter())
        .isEqualTo(Duration.ofMinutes(2));
    world.now = T0.plus(Duration.ofHours(3));
    assertThat(planner.plan(world.observed(), failing).requeueAfter())
        .isEqualTo(LifecyclePlanner.MAX_BACKOFF);
  }

  @Test
  void redisDownHoldsTheRolloutAndRetries() {
    World world = new World().job(R1, JobView.Phase.Succeeded).atZero();
    CheckResult redisDown = new CheckResult(false, "RedisUnreachable", "no answer to PING", true);
    Plan plan = planner.plan(world.observed(), new Checks(SCHEMA_OK, verifiedSchema(), redisDown));
    assertThat(condition(plan, Conditions.DEPENDENCIES_READY)).isEqualTo("False");
    assertThat(plan.actions()).noneMatch(a -> a instanceof EnsureDeployment e && e.replicas() > 0);
    assertThat(plan.requeueAfter()).isNotNull();
  }

  @Test
  void keepRunningUpgradeLeavesTheOldRevisionServingExceptStoppedComponents() {
    World world = new World().bothDeployments(R1, 2, 1);
    world.revision = R2;
    Plan plan = plan(world);
    assertThat(plan.actions())
        .containsExactly(
            new CreateJob("shop-migrate-" + R2, ""), new EnsureDeployment("worker", 0, false));
    assertThat(plan.actions())
        .noneMatch(a -> a instanceof EnsureDeployment e && e.component().equals("api"));
  }

  @Test
  void stopTheWorldScalesEverythingToZeroAndWaitsForPodsBeforeMigrating() {
    World world = new World().bothDeployments(R1, 2, 1);
    world.resource.getSpec().getRollout().setStrategy(RolloutStrategy.StopTheWorld);
    world.revision = R2;
    Plan stopping = plan(world);
    assertThat(stopping.actions())
        .containsExactly(
            new EnsureDeployment("api", 0, false), new EnsureDeployment("worker", 0, false));

    after(world, stopping).deployments.put("api", Views.settled("api", R1, "img", 0, 0, 1));
    world.deployments.put("worker", Views.settled("worker", R1, "img", 0, 0, 0));
    assertThat(plan(world).actions())
        .as("a pod still terminating")
        .noneMatch(a -> a instanceof CreateJob);

    world.deployments.put("api", Views.settled("api", R1, "img", 0, 0, 0));
    assertThat(plan(world).actions()).first().isEqualTo(new CreateJob("shop-migrate-" + R2, ""));
  }

  @Test
  void changingOnlyReplicasRunsNoJob() {
    World world = new World().job(R1, JobView.Phase.Succeeded).atZero();
    after(world, plan(world)).bothDeployments(R1, 2, 1);
    after(world, plan(world));
    world.resource.getSpec().getComponents().get(0).setReplicas(5);
    world.resource.getMetadata().setGeneration(2L);
    Plan plan = plan(world);
    assertThat(plan.actions()).noneMatch(a -> a instanceof CreateJob);
    assertThat(plan.actions()).contains(new EnsureDeployment("api", 5, true));
    assertThat(plan.needsChecks()).isFalse();
    assertThat(plan.status().getObservedGeneration()).isEqualTo(2L);
  }

  @Test
  void oldRevisionsJobsBeyondTheKeptOnesAreDeleted() {
    World world = new World();
    world.revision = "eeeeeeeeee";
    for (String old : List.of("aaaaaaaaaa", "bbbbbbbbbb", "cccccccccc", "dddddddddd")) {
      world.jobs.add(
          new JobView(
              "shop-migrate-" + old,
              old,
              "",
              JobView.Phase.Succeeded,
              null,
              null,
              null,
              T0,
              T0,
              null,
              T0.plusSeconds(old.charAt(0))));
    }
    List<Action> deletes =
        plan(world).actions().stream().filter(a -> a instanceof DeleteJob).toList();
    assertThat(deletes)
        .extracting(a -> ((DeleteJob) a).name())
        .containsExactlyInAnyOrder("shop-migrate-aaaaaaaaaa", "shop-migrate-bbbbbbbbbb");
  }

  @Test
  void missingSecretStallsNamingTheFieldAndTouchesNothing() {
    World world = new World();
    world.configProblem = "spec.database.urlSecretRef: Secret \"shop-db\" not found";
    Plan plan = plan(world);
    assertThat(plan.actions()).isEmpty();
    assertThat(condition(plan, Conditions.STALLED)).isEqualTo("True");
    assertThat(Conditions.find(plan.status().getConditions(), Conditions.STALLED).getMessage())
        .contains("spec.database.urlSecretRef");
    assertThat(plan.requeueAfter())
        .as("a Secret created right after the AppDeployment is noticed within seconds")
        .isEqualTo(LifecyclePlanner.MIN_BACKOFF);
    world.status(plan.status()).now = world.now.plus(java.time.Duration.ofHours(1));
    assertThat(plan(world).requeueAfter())
        .as("one missing for long is looked at once a minute")
        .isEqualTo(LifecyclePlanner.CONFIG_RECHECK);
  }

  @Test
  void suspendTouchesNothing() {
    World world = new World();
    world.resource.getSpec().setSuspend(true);
    Plan plan = plan(world);
    assertThat(plan.actions()).isEmpty();
    assertThat(plan.status().getPhase()).isEqualTo(Phase.Suspended);
  }

  @Test
  void firstStatusHasReadyFalseEvenBeforeAnythingHappens() {
    World world = new World();
    world.configProblem = "x";
    assertThat(condition(plan(world), Conditions.READY)).isEqualTo("False");
  }

  // ---- readiness: Ready only when the new revision is really rolled out ----

  /** R1 ready at 2 + 1 replicas, then the spec asks for R2 and R2's migration succeeded. */
  private World upgradedToR2() {
    World world = new World().job(R1, JobView.Phase.Succeeded).atZero();
    after(world, plan(world)).bothDeployments(R1, 2, 1);
    after(world, plan(world));
    assertThat(world.resource.getStatus().getPhase()).isEqualTo(Phase.Ready);
    world.revision = R2;
    world.job(R2, JobView.Phase.Succeeded);
    return world;
  }

  @Test
  void anUpgradeWhoseNewPodsNeverBecomeReadyIsNeverReadyWhileTheOldOnesServe() {
    World world = upgradedToR2();
    after(world, plan(world));
    world.deployments.put(
        "api", Views.rolling("api", R2, 2, 2, DeploymentRollout.State.PROGRESSING));
    world.deployments.put(
        "worker", Views.rolling("worker", R2, 1, 1, DeploymentRollout.State.PROGRESSING));
    Plan plan = plan(world);
    assertThat(plan.status().getPhase()).isEqualTo(Phase.RollingOut);
    assertThat(condition(plan, Conditions.READY)).isEqualTo("False");
    assertThat(condition(plan, Conditions.RECONCILING)).isEqualTo("True");
    assertThat(Conditions.find(plan.status().getConditions(), Conditions.READY).getMessage())
        .contains("api: Available: 2/2");
    assertThat(condition(plan, Conditions.AVAILABLE))
        .as("the previous revision's pods serve")
        .isEqualTo("True");
    assertThat(plan.events()).extracting(Plan.Note::reason).doesNotContain("Ready");
    assertThat(plan.status().getComponents()).extracting(c -> c.getRolledOut()).containsOnly(false);
  }

  @Test
  void aDeploymentThatHasNotTakenTheWantedTemplateYetIsNotRolledOut() {
    World world = upgradedToR2();
    after(world, plan(world));
    // The Deployments still report the complete rollout of R1's template.
    Plan plan = plan(world);
    assertThat(plan.status().getPhase()).isEqualTo(Phase.RollingOut);
    assertThat(condition(plan, Conditions.READY)).isEqualTo("False");

    // A component edit that is no new revision changes the template too.
    World edited = new World().job(R1, JobView.Phase.Succeeded).bothDeployments(R1, 2, 1);
    after(edited, plan(edited));
    assertThat(condition(plan(edited), Conditions.READY)).isEqualTo("True");
    edited.deployments.put(
        "api",
        new DeploymentView(
            "shop-api",
            "t-before-the-edit",
            R1,
            "img",
            2,
            2,
            2,
            Views.settled("api", R1, "img", 2, 2, 2).rollout(),
            null,
            null,
            java.util.Set.of(R1),
            null));
    assertThat(condition(plan(edited), Conditions.READY)).isEqualTo("False");
  }

  @Test
  void aRolloutPastItsProgressDeadlineStallsWithAWarningWhileTheOldVersionServes() {
    World world = upgradedToR2();
    after(world, plan(world));
    world.deployments.put(
        "api", Views.rolling("api", R2, 2, 2, DeploymentRollout.State.DEADLINE_EXCEEDED));
    Plan plan = plan(world);
    assertThat(plan.status().getPhase()).isEqualTo(Phase.Failed);
    assertThat(condition(plan, Conditions.STALLED)).isEqualTo("True");
    assertThat(Conditions.find(plan.status().getConditions(), Conditions.STALLED).getReason())
        .isEqualTo("ProgressDeadlineExceeded");
    assertThat(condition(plan, Conditions.AVAILABLE)).isEqualTo("True");
    assertThat(plan.events())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.warning()).isTrue();
              assertThat(e.reason()).isEqualTo("ProgressDeadlineExceeded");
              assertThat(e.message()).contains("shop-api", "timed out progressing");
            });
    assertThat(plan(after(world, plan)).events()).as("said once").isEmpty();
  }

  @Test
  void statusFollowsTheDeploymentsAfterReady() {
    World world = new World().job(R1, JobView.Phase.Succeeded).atZero();
    after(world, plan(world)).bothDeployments(R1, 2, 1);
    after(world, plan(world));
    world.deployment("api", R1, 2, 1);
    Plan lost = plan(world);
    assertThat(lost.status().getReady()).isEqualTo("2/3");
    assertThat(lost.status().getComponents().get(0).getReadyReplicas()).isEqualTo(1);
    assertThat(condition(lost, Conditions.READY)).isEqualTo("False");
    assertThat(condition(lost, Conditions.AVAILABLE)).isEqualTo("False");

    after(world, lost).deployment("api", R1, 2, 2);
    Plan back = plan(world);
    assertThat(back.status().getReady()).isEqualTo("3/3");
    assertThat(condition(back, Conditions.READY)).isEqualTo("True");
  }

  @Test
  void theServingPreviousRevisionIsAvailableWhileAnUpgradeIsHeld() {
    World world = upgradedToR2();
    world.jobs.removeIf(j -> j.revision().equals(R2));
    world.job(R2, JobView.Phase.Running);
    world.deployments.put("worker", Views.settled("worker", R1, "img:" + R1, 0, 0, 0));
    Plan plan = plan(world);
    assertThat(plan.status().getPhase()).isEqualTo(Phase.Migrating);
    var available = Conditions.find(plan.status().getConditions(), Conditions.AVAILABLE);
    assertThat(available.getStatus()).isEqualTo("True");
    assertThat(available.getMessage())
        .contains("api 2/2 available (revision " + R1 + ")", "at 0 replicas: worker");

    world.resource.getSpec().getRollout().setStrategy(RolloutStrategy.StopTheWorld);
    world.deployments.put("api", Views.settled("api", R1, "img:" + R1, 0, 0, 0));
    Plan stopped = plan(world);
    assertThat(condition(stopped, Conditions.AVAILABLE))
        .as("StopTheWorld: nothing serves")
        .isEqualTo("False");
  }

  // ---- every state that needs a human says so once ----

  @Test
  void aMissingSecretIsAWarningEventOnce() {
    World world = new World();
    world.configProblem = "spec.database.urlSecretRef: Secret \"shop-db\" not found";
    Plan plan = plan(world);
    assertThat(plan.events())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.warning()).isTrue();
              assertThat(e.reason()).isEqualTo("InvalidConfig");
              assertThat(e.message()).contains("spec.database.urlSecretRef");
            });
    assertThat(plan(after(world, plan)).events()).isEmpty();
  }

  @Test
  void suspendWinsOverAConfigProblem() {
    World world = new World();
    world.configProblem = "spec.database.urlSecretRef: Secret \"shop-db\" not found";
    world.resource.getSpec().setSuspend(true);
    Plan plan = plan(world);
    assertThat(plan.status().getPhase()).isEqualTo(Phase.Suspended);
    assertThat(condition(plan, Conditions.STALLED)).isEqualTo("False");
    assertThat(plan.events()).isEmpty();
  }

  @Test
  void aRetryIsAMigrationStarted() {
    World world = new World().job(R1, JobView.Phase.Failed).atZero();
    after(world, plan(world)).retryToken = "1";
    after(world, plan(world)).jobs.clear();
    Plan create = plan(world);
    assertThat(create.actions()).first().isEqualTo(new CreateJob("shop-migrate-" + R1, "1"));
    assertThat(create.events()).extracting(Plan.Note::reason).contains("MigrationStarted");
  }

  // ---- verification keyed on what it verified ----

  private World readyAtR1() {
    World world = new World().job(R1, JobView.Phase.Succeeded).atZero();
    after(world, plan(world)).bothDeployments(R1, 2, 1);
    return after(world, plan(world));
  }

  @Test
  void aNewSchemaRequirementIsVerifiedWithoutANewMigration() {
    World world = readyAtR1();
    var table = new dev.schemagate.api.TableRequirement();
    table.setName("invoices");
    world.resource.getSpec().getSchema().getTables().add(table);
    world.resource.getMetadata().setGeneration(2L);
    Plan first = planner.plan(world.observed(), Checks.NOT_RUN);
    assertThat(first.needsChecks()).isTrue();

    SchemaStatus missing = new SchemaStatus();
    missing.setVerified(false);
    missing.setMissingTables(List.of("invoices"));
    CheckResult result =
        new CheckResult(false, "SchemaOutdated", "Missing tables: [invoices]", false);
    Plan failed = planner.plan(world.observed(), new Checks(result, missing, null));
    assertThat(failed.actions()).as("no Job, nothing stopped, nothing rolled").isEmpty();
    assertThat(failed.status().getPhase()).isEqualTo(Phase.Failed);
    assertThat(condition(failed, Conditions.READY)).isEqualTo("False");
    assertThat(condition(failed, Conditions.AVAILABLE)).isEqualTo("True");
    assertThat(failed.status().getSchema().getMissingTables()).containsExactly("invoices");
    assertThat(failed.events()).extracting(Plan.Note::warning).containsExactly(true);

    Plan passed = planner.plan(world.observed(), PASS);
    assertThat(passed.actions()).noneMatch(a -> a instanceof CreateJob);
    assertThat(passed.status().getSchema().getCheckedFor())
        .isNotEqualTo(world.resource.getStatus().getSchema().getCheckedFor());
    assertThat(planner.plan(after(world, passed).observed(), Checks.NOT_RUN).needsChecks())
        .as("verified once for these requirements")
        .isFalse();
  }

  @Test
  void anotherDatabaseReferenceIsVerifiedAgain() {
    World world = readyAtR1();
    world.resource.getSpec().getDatabase().setSchema("tenant_2");
    assertThat(planner.plan(world.observed(), Checks.NOT_RUN).needsChecks()).isTrue();
  }

  // ---- one migration at a time ----

  @Test
  void aNewRevisionWaitsForTheRunningMigrationOfTheOneItSupersedes() {
    World world = new World().job(R1, JobView.Phase.Running).atZero();
    after(world, plan(world)).revision = R2;
    Plan waiting = plan(world);
    assertThat(waiting.actions()).noneMatch(a -> a instanceof CreateJob || a instanceof DeleteJob);
    assertThat(waiting.status().getPhase()).isEqualTo(Phase.Migrating);
    assertThat(Conditions.find(waiting.status().getConditions(), Conditions.READY).getReason())
        .isEqualTo("WaitingForRunningMigration");

    world.jobs.clear();
    world.job(R1, JobView.Phase.Succeeded);
    assertThat(plan(after(world, waiting)).actions())
        .first()
        .isEqualTo(new CreateJob("shop-migrate-" + R2, ""));
  }

  @Test
  void aRunningJobIsNeverDeletedAsAnOldRevisionsJob() {
    LifecyclePlanner keepOne = new LifecyclePlanner(1);
    World world = new World().job(R1, JobView.Phase.Running).atZero();
    world.revision = R2;
    assertThat(keepOne.plan(world.observed(), Checks.NOT_RUN).actions())
        .noneMatch(a -> a instanceof DeleteJob);
  }

  @Test
  void aRevertToARevisionVerifiedBeforeIsVerifiedAgainAfterTheMigrationThatRanMeanwhile() {
    World world = readyAtR1();
    world.revision = R2;
    world.job(R2, JobView.Phase.Running);
    after(world, plan(world)).revision = R1;
    Plan waiting = plan(world);
    assertThat(waiting.status().getPhase())
        .as("not Ready from R1's old verification while R2 changes the schema")
        .isEqualTo(Phase.Migrating);
    assertThat(waiting.actions())
        .as("nothing rolls; the worker is held at 0 while a migration runs")
        .containsExactly(new EnsureDeployment("worker", 0, false));

    world.jobs.removeIf(j -> j.revision().equals(R2));
    world.jobs.add(
        new JobView(
            "shop-migrate-" + R2,
            R2,
            "",
            JobView.Phase.Succeeded,
            null,
            null,
            null,
            T0,
            T0.plusSeconds(90),
            null,
            T0.plusSeconds(60)));
    Plan afterIt = planner.plan(after(world, waiting).observed(), Checks.NOT_RUN);
    assertThat(afterIt.needsChecks()).as("R2's migration may have changed the schema").isTrue();
  }

  @Test
  void anObjectOfOurNameOwnedBySomeoneElseStallsAndIsNotTouched() {
    World world = new World();
    world.conflicts = List.of("Deployment shop-api exists and is not owned by this AppDeployment");
    Plan plan = plan(world);
    assertThat(plan.actions()).isEmpty();
    assertThat(plan.status().getPhase()).isEqualTo(Phase.Failed);
    assertThat(Conditions.find(plan.status().getConditions(), Conditions.STALLED).getReason())
        .isEqualTo("NameConflict");
    assertThat(plan.events())
        .singleElement()
        .satisfies(e -> assertThat(e.message()).contains("shop-api", "not owned"));
  }

  @Test
  void aRevisionMigratedBeforeWhoseJobWasCleanedUpIsNotMigratedAgain() {
    World world = readyAtR1();
    world.revision = R2;
    world.job(R2, JobView.Phase.Succeeded);
    after(world, plan(world));
    world.jobs.clear(); // both Jobs cleaned up (--jobs-to-keep)
    world.revision = R1;
    Plan back = planner.plan(world.observed(), Checks.NOT_RUN);
    assertThat(back.actions()).noneMatch(a -> a instanceof CreateJob);
    assertThat(back.needsChecks()).as("verified again: R2 migrated since").isTrue();
    Plan rolled = planner.plan(world.observed(), PASS);
    assertThat(rolled.actions()).noneMatch(a -> a instanceof CreateJob);
    assertThat(rolled.status().getMigration().getState()).isEqualTo(MigrationState.Succeeded);
    assertThat(rolled.status().getVerifiedRevision()).isEqualTo(R1);
  }

  @Test
  void aNewRevisionIsLookedUpInTheDatabasesRecordBeforeItsJobIsCreated() {
    Plan first = planner.plan(new World().observed(), Checks.NOT_RUN);

    assertThat(first.needsChecks()).isTrue();
    assertThat(first.actions()).noneMatch(a -> a instanceof CreateJob);
    assertThat(first.status().getPhase()).isEqualTo(Phase.Migrating);
    assertThat(Conditions.find(first.status().getConditions(), Conditions.MIGRATION_SUCCEEDED))
        .extracting("reason")
        .isEqualTo("LookingUpRevision");
    assertThat(RevisionRecordRequest.forPlan(new World().resource, first).kind())
        .isEqualTo(RevisionRecordRequest.Kind.LOOK_UP);

    Plan notRecorded =
        planner.plan(
            new World().observed(), PASS.withRevisionRecord(new Checks.RevisionRecord(null, null)));
    assertThat(notRecorded.actions()).contains(new CreateJob("shop-migrate-" + R1, ""));
  }

  /** Deleted and created again with the same spec, or deployed from a second cluster. */
  @Test
  void aRevisionTheDatabaseRecordsAsMigratedIsVerifiedAndRolledOutNotRunAgain() {
    World world = new World().atZero();
    Instant migratedAt = T0.minusSeconds(3600);

    Plan plan =
        planner.plan(
            world.observed(), PASS.withRevisionRecord(new Checks.RevisionRecord(migratedAt, null)));

    assertThat(plan.actions())
        .noneMatch(a -> a instanceof CreateJob)
        .contains(new EnsureDeployment("api", 2, true), new EnsureDeployment("worker", 1, true));
    assertThat(plan.status().getMigration().getState()).isEqualTo(MigrationState.Succeeded);
    assertThat(plan.status().getMigration().getReason()).isEqualTo("RecordedInDatabase");
    assertThat(plan.status().getVerifiedRevision()).isEqualTo(R1);
    assertThat(plan.status().getHistory()).extracting("revision").containsExactly(R1);
    assertThat(plan.events()).extracting(Plan.Note::reason).contains("MigrationSkipped");
    assertThat(Conditions.find(plan.status().getConditions(), Conditions.MIGRATION_SUCCEEDED))
        .extracting("message")
        .asString()
        .contains("was migrated into this database at " + migratedAt);

    after(world, plan).bothDeployments(R1, 2, 1);
    Plan ready = plan(world);
    assertThat(ready.status().getPhase()).isEqualTo(Phase.Ready);
    assertThat(ready.needsChecks()).as("verified once, like any migrated revision").isFalse();
  }

  @Test
  void aSucceededMigrationIsRecordedAndARecordThatFailsIsAWarningNotAHold() {
    World world = new World().job(R1, JobView.Phase.Succeeded).atZero();
    Plan first = planner.plan(world.observed(), Checks.NOT_RUN);
    RevisionRecordRequest request = RevisionRecordRequest.forPlan(world.resource, first);
    assertThat(request.kind()).isEqualTo(RevisionRecordRequest.Kind.RECORD);
    assertThat(request.app()).isEqualTo(world.resource.getMetadata().getNamespace() + "/shop");
    assertThat(request.revision()).isEqualTo(R1);
    assertThat(request.finishedAt()).isEqualTo(T0.plusSeconds(30));

    Plan plan =
        planner.plan(
            world.observed(),
            PASS.withRevisionRecord(
                new Checks.RevisionRecord(T0.plusSeconds(30), "Permission denied: for schema")));

    assertThat(plan.events())
        .filteredOn(e -> e.reason().equals("RevisionNotRecorded"))
        .singleElement()
        .satisfies(e -> assertThat(e.warning()).isTrue());
    assertThat(plan.actions()).contains(new EnsureDeployment("api", 2, true));
  }
}
