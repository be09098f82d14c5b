package dev.schemagate.reliability;

import static dev.schemagate.testing.ShopApp.APP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.MigrationState;
import dev.schemagate.api.Phase;
import dev.schemagate.testkit.KubeletSimulator.Outcome;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Event;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The migration Job is deleted by a user or a TTL controller. A Job deleted before it finished is
 * reported ({@code JobDeleted}), never re-run on its own; the retry annotation runs it again. A Job
 * cleaned up after it succeeded is not run again either.
 */
class MigrationJobDeletedTest extends RigScenarios {

  @Test
  void aJobDeletedWhileRunningIsReportedAndRunsAgainOnlyOnRetry() {
    rig.world.kubelet.migrations(job -> Outcome.RUN_UNTIL_RELEASED);
    rig.world.apply(APP);
    AppDeployment running =
        rig.world.awaitStatus(
            "shop", a -> a.getStatus().getMigration().getState() == MigrationState.Running);
    String jobName = running.getStatus().getMigration().getJobName();

    deleteJob(jobName);

    AppDeployment failed = Awaits.phase(rig.world, "shop", Phase.Failed);
    assertDeletedIsReported(failed, jobName);
    assertThat(Awaits.replicas(rig.world, "shop-api")).isZero();
    assertThat(Awaits.replicas(rig.world, "shop-worker")).isZero();

    Awaits.retry(rig.world, "shop", "after-delete");
    await().atMost(Duration.ofSeconds(30)).until(() -> rig.world.jobs().size() == 1);
    assertThat(rig.world.jobs().get(0).getMetadata().getAnnotations())
        .containsEntry("schemagate.dev/retry", "after-delete");
    rig.releaseHeldJobs();
    Awaits.phase(rig.world, "shop", Phase.Ready);
    assertThat(rig.jobsCreated()).hasSize(2);
    assertThat(rig.audit.violations()).isEmpty();
  }

  @Test
  void anUpgradeWhoseJobIsDeletedKeepsThePreviousRevisionServing() {
    rig.world.apply(APP);
    Awaits.phase(rig.world, "shop", Phase.Ready);
    rig.world.kubelet.migrations(job -> Outcome.RUN_UNTIL_RELEASED);
    Awaits.edit(rig.world, "shop", a -> a.getSpec().setImage("shop:2"));
    AppDeployment running =
        rig.world.awaitStatus(
            "shop",
            a ->
                a.getStatus().getMigration().getState() == MigrationState.Running
                    && a.getStatus()
                        .getMigration()
                        .getJobName()
                        .endsWith(a.getStatus().getRevision()));
    String jobName = running.getStatus().getMigration().getJobName();

    deleteJob(jobName);

    AppDeployment failed = Awaits.phase(rig.world, "shop", Phase.Failed);
    assertDeletedIsReported(failed, jobName);
    assertThat(rig.world.image("shop-api")).isEqualTo("shop:1");
    assertThat(Awaits.replicas(rig.world, "shop-api")).isEqualTo(2);
    assertThat(rig.audit.violations()).isEmpty();
  }

  /** The operator recorded the Job as created, then died; the Job was deleted while it was down. */
  @Test
  void aJobDeletedWhileTheOperatorWasDownIsNotCreatedAgain() {
    rig.world.kubelet.migrations(job -> Outcome.RUN_UNTIL_RELEASED);
    String doomed = rig.agent();
    api.killAfter(
        doomed,
        FaultyApiServer.method(
            "PUT", "/namespaces/" + rig.world.namespace + "/appdeployments/shop/status"));
    rig.world.apply(APP);
    await().atMost(Duration.ofSeconds(30)).until(() -> api.isDead(doomed));
    rig.killOperator();
    assertThat(rig.world.get("shop").getStatus().getMigration().getState())
        .isIn(MigrationState.Pending, MigrationState.Running);
    String jobName = rig.world.get("shop").getStatus().getMigration().getJobName();
    deleteJob(jobName);

    rig.startOperator();

    AppDeployment failed = Awaits.phase(rig.world, "shop", Phase.Failed);
    assertDeletedIsReported(failed, jobName);
    assertThat(rig.jobsCreated()).hasSize(1);
  }

  @Test
  void aJobCleanedUpAfterItSucceededIsNotRunAgain() {
    rig.world.apply(APP);
    AppDeployment ready = Awaits.phase(rig.world, "shop", Phase.Ready);

    deleteJob(ready.getStatus().getMigration().getJobName());
    Awaits.edit(rig.world, "shop", a -> a.getSpec().getComponents().get(0).setReplicas(3));
    await().atMost(Duration.ofSeconds(30)).until(() -> Awaits.replicas(rig.world, "shop-api") == 3);

    AppDeployment after = Awaits.phase(rig.world, "shop", Phase.Ready);
    assertThat(after.getStatus().getMigration().getState()).isEqualTo(MigrationState.Succeeded);
    assertThat(rig.world.jobs()).isEmpty();
    assertThat(rig.jobsCreated()).hasSize(1);
  }

  private void deleteJob(String name) {
    rig.world
        .client
        .batch()
        .v1()
        .jobs()
        .inNamespace(rig.world.namespace)
        .withName(name)
        .withPropagationPolicy(DeletionPropagation.BACKGROUND)
        .delete();
  }

  private void assertDeletedIsReported(AppDeployment failed, String jobName) {
    assertThat(failed.getStatus().getMigration().getState()).isEqualTo(MigrationState.Failed);
    assertThat(failed.getStatus().getMigration().getReason()).isEqualTo("JobDeleted");
    assertThat(failed.getStatus().getMigration().getMessage())
        .contains(jobName)
        .contains("schemagate.dev/retry");
    assertThat(Awaits.statusOf(failed, "Stalled")).isEqualTo("True");
    assertThat(Awaits.reasonOf(failed, "MigrationSucceeded")).isEqualTo("JobDeleted");
    List<Event> events = rig.world.events("MigrationJobDeleted");
    assertThat(events)
        .anySatisfy(
            e -> {
              assertThat(e.getReason()).isEqualTo("MigrationJobDeleted");
              assertThat(e.getType()).isEqualTo("Warning");
            });
    // Not re-run on its own: no Job of this revision comes back while nobody asks.
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                rig.world.jobs().stream()
                    .noneMatch(j -> j.getMetadata().getName().equals(jobName)));
  }
}
