package dev.schemagate.reliability;

import static dev.schemagate.testing.ShopApp.APP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.MigrationState;
import dev.schemagate.api.Phase;
import dev.schemagate.api.RevisionRecord;
import dev.schemagate.testkit.KubeletSimulator.Outcome;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The operator process is killed at each step of the lifecycle and started again. A kill cuts the
 * process off from the API server at once (its requests fail from that moment, as a dead pod's
 * would), then a new process starts on a client of its own. Whatever the step, the new process
 * converges to the same end state with exactly one Job per revision, and no Deployment write ever
 * gives replicas to a revision whose schema was not built.
 */
class OperatorRestartTest extends RigScenarios {

  /** Where in an upgrade from shop:1 to shop:2 the operator dies. */
  enum KillPoint {
    /** The Job was created; the status that records it was never written. */
    AFTER_JOB_CREATE,
    /** The Job runs; it finishes while no operator is running. */
    WHILE_WAITING_FOR_THE_JOB,
    /** The schema was verified; the first Deployment update of the rollout never arrived. */
    AFTER_VERIFY_BEFORE_ROLLOUT,
    /** One component was rolled to the new revision, the other not yet. */
    MID_ROLLOUT
  }

  @ParameterizedTest
  @EnumSource(KillPoint.class)
  void anUpgradeSurvivesAKillAtEveryStep(KillPoint point) {
    rig.world.apply(APP);
    AppDeployment v1 = Awaits.phase(rig.world, "shop", Phase.Ready);

    String doomed = rig.agent();
    String deployments = "/apis/apps/v1/namespaces/" + rig.world.namespace + "/deployments/";
    switch (point) {
      case AFTER_JOB_CREATE -> api.killAfter(doomed, FaultyApiServer.method("POST", "/jobs"));
      case WHILE_WAITING_FOR_THE_JOB ->
          rig.world.kubelet.migrations(job -> Outcome.RUN_UNTIL_RELEASED);
      case AFTER_VERIFY_BEFORE_ROLLOUT ->
          api.onRequest(
              r -> {
                if (doomed.equals(r.getHeader("User-Agent"))
                    && FaultyApiServer.method("PUT", deployments).test(r)) {
                  api.kill(doomed);
                }
              });
      case MID_ROLLOUT -> api.killAfter(doomed, FaultyApiServer.method("PUT", deployments));
    }
    Awaits.edit(rig.world, "shop", a -> a.getSpec().setImage("shop:2"));

    if (point == KillPoint.WHILE_WAITING_FOR_THE_JOB) {
      rig.world.awaitStatus(
          "shop",
          a ->
              a.getStatus().getMigration().getState() == MigrationState.Running
                  && !a.getStatus().getRevision().equals(v1.getStatus().getRevision()));
      rig.killOperator();
      rig.releaseHeldJobs();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> rig.world.jobs().stream().anyMatch(OperatorRestartTest::complete));
    } else {
      await().atMost(Duration.ofSeconds(30)).until(() -> api.isDead(doomed));
      rig.killOperator();
    }
    rig.startOperator();

    AppDeployment v2 = Awaits.phase(rig.world, "shop", Phase.Ready);
    assertConverged(v1, v2);
  }

  @Test
  void aFirstInstallSurvivesAKillRightAfterTheJobIsCreated() {
    api.killAfter(rig.agent(), FaultyApiServer.method("POST", "/jobs"));
    rig.world.apply(APP);
    await().atMost(Duration.ofSeconds(30)).until(() -> api.isDead(rig.agent()));
    rig.killOperator();
    assertThat(rig.world.jobs()).hasSize(1);

    rig.startOperator();

    AppDeployment ready = Awaits.phase(rig.world, "shop", Phase.Ready);
    assertThat(rig.world.jobs()).hasSize(1);
    assertThat(rig.jobsCreated()).hasSize(1);
    assertThat(ready.getStatus().getVerifiedRevision()).isEqualTo(ready.getStatus().getRevision());
    assertThat(rig.audit.violations()).isEmpty();
  }

  @Test
  void restartsOneAfterAnotherDuringAMigrationRunOneJob() {
    rig.world.kubelet.migrations(job -> Outcome.RUN_UNTIL_RELEASED);
    rig.world.apply(APP);
    for (int i = 0; i < 3; i++) {
      rig.world.awaitStatus(
          "shop", a -> a.getStatus().getMigration().getState() == MigrationState.Running);
      rig.killOperator();
      rig.startOperator();
    }
    rig.releaseHeldJobs();

    Awaits.phase(rig.world, "shop", Phase.Ready);
    assertThat(rig.world.jobs()).hasSize(1);
    assertThat(rig.jobsCreated()).hasSize(1);
    assertThat(rig.audit.violations()).isEmpty();
  }

  private void assertConverged(AppDeployment v1, AppDeployment v2) {
    String r1 = v1.getStatus().getRevision();
    String r2 = v2.getStatus().getRevision();
    assertThat(r2).isNotEqualTo(r1);
    assertThat(v2.getStatus().getVerifiedRevision()).isEqualTo(r2);
    assertThat(rig.world.jobs())
        .extracting(j -> j.getMetadata().getName())
        .containsExactlyInAnyOrder("shop-migrate-" + r1, "shop-migrate-" + r2);
    assertThat(rig.jobsCreated()).as("Job creations accepted by the API server").hasSize(2);
    for (String deployment : List.of("shop-api", "shop-worker")) {
      assertThat(rig.world.image(deployment)).isEqualTo("shop:2");
    }
    assertThat(Awaits.replicas(rig.world, "shop-api")).isEqualTo(2);
    assertThat(Awaits.replicas(rig.world, "shop-worker")).isEqualTo(1);
    assertThat(rig.audit.violations()).isEmpty();
    assertThat(rig.audit.scaledUp()).contains(r1, r2);
    // Nothing of the status was lost: both revisions' outcomes are on record, once each.
    assertThat(v2.getStatus().getHistory())
        .extracting(RevisionRecord::getRevision, RevisionRecord::getOutcome)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(r2, "Succeeded"),
            org.assertj.core.groups.Tuple.tuple(r1, "Succeeded"));
    assertThat(v2.getStatus().getConditions()).extracting(c -> c.getType()).doesNotHaveDuplicates();
  }

  private static boolean complete(Job job) {
    return job.getStatus() != null
        && job.getStatus().getSucceeded() != null
        && job.getStatus().getSucceeded() == 1;
  }
}
