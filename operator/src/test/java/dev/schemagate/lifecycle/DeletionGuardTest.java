package dev.schemagate.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.api.AppDeploymentStatus;
import dev.schemagate.api.MigrationState;
import dev.schemagate.api.MigrationStatus;
import dev.schemagate.lifecycle.Action.CreateJob;
import dev.schemagate.lifecycle.LifecyclePlannerTest.World;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When schemagate's finalizer belongs on an AppDeployment, and what a waiting deletion says. */
class DeletionGuardTest {

  private static Plan plan(List<Action> actions, AppDeploymentStatus status) {
    return new Plan(actions, false, status, List.of(), null);
  }

  private static AppDeploymentStatus migration(MigrationState state, String startedAt) {
    MigrationStatus migration = new MigrationStatus();
    migration.setRevision(LifecyclePlannerTest.R1);
    migration.setState(state);
    migration.setStartedAt(startedAt);
    AppDeploymentStatus status = new AppDeploymentStatus();
    status.setMigration(migration);
    return status;
  }

  @Test
  void theFinalizerIsWantedWhileAMigrationJobRunsOrIsAboutToBeCreated() {
    AppDeploymentStatus none = new AppDeploymentStatus();
    assertThat(DeletionGuard.wanted(new World().observed(), plan(List.of(), none))).isFalse();
    assertThat(
            DeletionGuard.wanted(
                new World().observed(),
                plan(List.of(new CreateJob("shop-migrate-" + LifecyclePlannerTest.R1, "")), none)))
        .as("before the Job exists")
        .isTrue();
    assertThat(
            DeletionGuard.wanted(
                new World().job(LifecyclePlannerTest.R1, JobView.Phase.Running).observed(),
                plan(List.of(), none)))
        .isTrue();
    assertThat(
            DeletionGuard.wanted(
                new World().observed(),
                plan(List.of(), migration(MigrationState.Pending, "2026-11-24T10:00:00Z"))))
        .as("created, not in the cache yet")
        .isTrue();
    assertThat(
            DeletionGuard.wanted(
                new World().job(LifecyclePlannerTest.R1, JobView.Phase.Succeeded).observed(),
                plan(List.of(), migration(MigrationState.Succeeded, "2026-11-24T10:00:00Z"))))
        .as("ended: deletion need not wait")
        .isFalse();
    assertThat(
            DeletionGuard.wanted(
                new World().observed(), plan(List.of(), migration(MigrationState.Pending, null))))
        .as("looking the revision up: no Job yet")
        .isFalse();
  }

  @Test
  void aWaitingDeletionSaysWhyOnceAndActsOnNothing() {
    World world = new World().job(LifecyclePlannerTest.R1, JobView.Phase.Running);
    JobView job = DeletionGuard.runningJob(world.observed());

    Plan first = DeletionGuard.waitingFor(world.observed(), job);

    assertThat(first.actions()).isEmpty();
    assertThat(first.needsChecks()).isFalse();
    assertThat(first.events())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.reason()).isEqualTo("DeletionWaitsForMigration");
              assertThat(e.message())
                  .contains("deletion waits for migration Job " + job.name())
                  .contains("half-migrated");
            });
    assertThat(Conditions.find(first.status().getConditions(), Conditions.READY))
        .satisfies(
            c -> {
              assertThat(c.getStatus()).isEqualTo("False");
              assertThat(c.getReason()).isEqualTo("DeletionWaitsForMigration");
            });
    assertThat(Conditions.find(first.status().getConditions(), Conditions.RECONCILING).getStatus())
        .isEqualTo("True");

    world.status(first.status());
    Plan again = DeletionGuard.waitingFor(world.observed(), job);
    assertThat(again.events()).as("one Event, not one per reconcile").isEmpty();
    assertThat(again.status()).isEqualTo(first.status());
  }
}
