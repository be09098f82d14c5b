package dev.schemagate.lifecycle;

import dev.schemagate.api.AppDeploymentStatus;
import dev.schemagate.api.MigrationState;
import dev.schemagate.api.MigrationStatus;
import dev.schemagate.lifecycle.Action.CreateContractJob;
import dev.schemagate.lifecycle.Action.CreateJob;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.stream.Stream;

/**
 * Deleting an AppDeployment must not stop its migration midway: the garbage collector would delete
 * the running Job (it is owned by the AppDeployment), its pod would be killed, and the schema left
 * half-migrated. So while a migration Job of it runs, or is about to be created (and likewise a
 * contract-phase Job, spec.migration.contract), the AppDeployment carries schemagate's finalizer;
 * deleted then, it waits for the Job to end (whatever its outcome), then goes, and the garbage
 * collector removes what it owned, as the user asked. Nothing else is held back, nothing is
 * orphaned, and an AppDeployment with no migration running carries no finalizer (an uninstalled
 * operator leaves nothing stuck).
 *
 * <p>Pure decisions; {@link MigrationFinalizer} writes the finalizer.
 */
final class DeletionGuard {

  /** The finalizer's name. */
  static final String FINALIZER = "schemagate.dev/migration-running";

  /** The reason of Ready and Reconciling, and of the Event, while deletion waits. */
  static final String WAITING = "DeletionWaitsForMigration";

  private DeletionGuard() {}

  /**
   * Whether the finalizer belongs on the AppDeployment: a Job of it runs, the plan creates one, or
   * its status says one was created that the cache does not show yet.
   */
  static boolean wanted(Observed observed, Plan plan) {
    return runningJob(observed) != null
        || createdNotSeen(plan.status())
        || plan.actions().stream()
            .anyMatch(a -> a instanceof CreateJob || a instanceof CreateContractJob);
  }

  private static boolean createdNotSeen(AppDeploymentStatus status) {
    MigrationStatus migration = status == null ? null : status.getMigration();
    return migration != null
        && (migration.getState() == MigrationState.Running
            || (migration.getState() == MigrationState.Pending
                && migration.getStartedAt() != null));
  }

  /**
   * A Job of the AppDeployment that changes the schema and is still running - a migration Job or a
   * contract-phase Job - or null.
   */
  static JobView runningJob(Observed observed) {
    return Stream.concat(observed.jobs().stream(), observed.contractJobs().stream())
        .filter(j -> j.phase() == JobView.Phase.Running)
        .findFirst()
        .orElse(null);
  }

  /**
   * What an AppDeployment marked for deletion says while it waits for {@code job}: Ready=False and
   * Reconciling=True with the reason, and one Event when it starts waiting. No action: no Job is
   * created, nothing is scaled.
   */
  static Plan waitingFor(Observed observed, JobView job) {
    AppDeploymentStatus status = StatusCopy.of(observed.resource().getStatus());
    Long generation = observed.resource().getMetadata().getGeneration();
    String message =
        "deletion waits for migration Job "
            + job.name()
            + " (revision "
            + job.revision()
            + ") to finish: stopping it midway would leave the schema half-migrated";
    Condition ready = Conditions.find(status.getConditions(), Conditions.READY);
    boolean startsWaiting = ready == null || !WAITING.equals(ready.getReason());
    List<Condition> conditions =
        Conditions.set(
            status.getConditions(),
            Conditions.READY,
            false,
            WAITING,
            message,
            generation,
            observed.now());
    conditions =
        Conditions.set(
            conditions, Conditions.RECONCILING, true, WAITING, message, generation, observed.now());
    status.setConditions(conditions);
    List<Plan.Note> events =
        startsWaiting ? List.of(new Plan.Note(false, WAITING, message)) : List.of();
    return new Plan(List.of(), false, status, events, null);
  }
}
