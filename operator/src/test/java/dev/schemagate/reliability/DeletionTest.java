package dev.schemagate.reliability;

import static dev.schemagate.testing.ShopApp.APP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.MigrationState;
import dev.schemagate.api.Phase;
import dev.schemagate.testkit.KubeletSimulator.Outcome;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An AppDeployment deleted while its migration runs waits for the migration to end (schemagate's
 * finalizer is on it while a Job runs), then goes; everything it made is owned by it, so
 * Kubernetes' garbage collector removes it (the mock API server has none, so the test removes what
 * the owner references name, as the collector would), and the operator creates nothing for it
 * afterwards. Deleted and created again, it is not migrated again.
 */
class DeletionTest extends RigScenarios {

  @Test
  void deletedMidMigrationItWaitsForTheMigrationThenGoesAndLeavesNothingOwnedBehind() {
    rig.world.kubelet.migrations(job -> Outcome.RUN_UNTIL_RELEASED);
    rig.world.apply(APP.replace("replicas: 2", "replicas: 2\n      service: {port: 80}"));
    AppDeployment running =
        rig.world.awaitStatus(
            "shop", a -> a.getStatus().getMigration().getState() == MigrationState.Running);
    String uid = running.getMetadata().getUid();
    assertThat(running.getMetadata().getFinalizers()).containsExactly(DELETION_WAITS);

    List<HasMetadata> made = owned();
    assertThat(made).extracting(HasMetadata::getKind).contains("Job", "Deployment", "Service");
    for (HasMetadata object : made) {
      OwnerReference owner = object.getMetadata().getOwnerReferences().get(0);
      assertThat(owner.getUid()).as(object.getMetadata().getName()).isEqualTo(uid);
      assertThat(owner.getController()).isTrue();
      assertThat(owner.getBlockOwnerDeletion()).isTrue();
    }

    rig.world.client.resource(running).delete();
    AppDeployment waiting =
        rig.world.awaitStatus("shop", a -> "DeletionWaitsForMigration".equals(readyReason(a)));
    assertThat(waiting.getMetadata().getDeletionTimestamp()).isNotNull();
    assertThat(Awaits.messageOf(waiting, "Ready"))
        .contains("deletion waits for migration Job shop-migrate-");
    assertThat(Awaits.statusOf(waiting, "Reconciling")).isEqualTo("True");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> eventReasons().contains("DeletionWaitsForMigration"));
    int created = rig.jobsCreated().size();
    assertThat(rig.world.jobs())
        .as("the migration is not stopped")
        .singleElement()
        .satisfies(j -> assertThat(j.getMetadata().getDeletionTimestamp()).isNull());

    rig.releaseHeldJobs();
    await().atMost(Duration.ofSeconds(10)).until(() -> rig.world.get("shop") == null);
    // The garbage collector's part: everything whose owner is gone goes.
    for (HasMetadata object : made) {
      rig.world.client.resource(object).withGracePeriod(0).delete();
    }

    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(5))
        .until(() -> owned().isEmpty() && rig.jobsCreated().size() == created);
  }

  @Test
  void noMigrationRunningNoFinalizerItGoesAtOnce() {
    rig.world.apply(APP);
    AppDeployment ready =
        rig.world.awaitStatus("shop", a -> a.getStatus().getPhase() == Phase.Ready);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> rig.world.get("shop").getMetadata().getFinalizers().isEmpty());

    rig.world.client.resource(ready).delete();

    await().atMost(Duration.ofSeconds(5)).until(() -> rig.world.get("shop") == null);
  }

  /**
   * Deleted and created again with the same spec: the new AppDeployment has no status, no history
   * and no Job, but the database records the revision as migrated, so it is verified and rolled out
   * without a second migration.
   */
  @Test
  void createdAgainWithTheSameSpecItIsNotMigratedAgain() {
    rig.world.apply(APP);
    AppDeployment first =
        rig.world.awaitStatus("shop", a -> a.getStatus().getPhase() == Phase.Ready);
    assertThat(rig.jobsCreated()).hasSize(1);
    rig.world.sqlAssert(
        "SELECT 1 FROM public.schemagate_revisions WHERE app = '"
            + rig.world.namespace
            + "/shop' AND revision = '"
            + first.getStatus().getRevision()
            + "'");

    List<HasMetadata> made = owned();
    rig.world.client.resource(first).delete();
    await().atMost(Duration.ofSeconds(10)).until(() -> rig.world.get("shop") == null);
    for (HasMetadata object : made) {
      rig.world.client.resource(object).withGracePeriod(0).delete();
    }

    rig.world.apply(APP);
    AppDeployment again =
        rig.world.awaitStatus("shop", a -> a.getStatus().getPhase() == Phase.Ready);

    assertThat(again.getMetadata().getUid()).isNotEqualTo(first.getMetadata().getUid());
    assertThat(again.getStatus().getRevision()).isEqualTo(first.getStatus().getRevision());
    assertThat(rig.jobsCreated()).as("no second migration").hasSize(1);
    assertThat(again.getStatus().getMigration().getState()).isEqualTo(MigrationState.Succeeded);
    assertThat(again.getStatus().getMigration().getReason()).isEqualTo("RecordedInDatabase");
  }

  private static final String DELETION_WAITS = "schemagate.dev/migration-running";

  private static String readyReason(AppDeployment appd) {
    return appd.getStatus() == null ? null : Awaits.reasonOf(appd, "Ready");
  }

  private List<String> eventReasons() {
    return rig
        .world
        .client
        .v1()
        .events()
        .inNamespace(rig.world.namespace)
        .list()
        .getItems()
        .stream()
        .map(io.fabric8.kubernetes.api.model.Event::getReason)
        .toList();
  }

  /** Everything in the namespace that schemagate made. */
  private List<HasMetadata> owned() {
    List<HasMetadata> all = new ArrayList<>();
    String ns = rig.world.namespace;
    all.addAll(rig.world.client.batch().v1().jobs().inNamespace(ns).list().getItems());
    all.addAll(rig.world.client.apps().deployments().inNamespace(ns).list().getItems());
    all.addAll(rig.world.client.services().inNamespace(ns).list().getItems());
    return all.stream()
        .filter(o -> o.getMetadata().getOwnerReferences() != null)
        .filter(o -> !o.getMetadata().getOwnerReferences().isEmpty())
        .toList();
  }
}
