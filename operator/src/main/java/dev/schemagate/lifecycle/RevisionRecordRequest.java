package dev.schemagate.lifecycle;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.MigrationState;
import dev.schemagate.api.MigrationStatus;
import java.time.Instant;

/**
 * What a check run does with the database's record of migrated revisions: look the wanted revision
 * up before its migration would be started (it may have run before this AppDeployment existed, or
 * from another cluster), or record it once its migration succeeded.
 *
 * @param app the application's key in the record: namespace/name, the same after re-creation and in
 *     every cluster that deploys it
 * @param finishedAt when the migration finished (for {@link Kind#RECORD})
 */
public record RevisionRecordRequest(Kind kind, String app, String revision, Instant finishedAt) {

  public enum Kind {
    LOOK_UP,
    RECORD
  }

  /**
   * For the checks a plan asks for: a revision whose migration the plan records as succeeded is
   * recorded, until it is verified (recording is idempotent; the re-checks of a verified revision
   * ask nothing); any other is looked up.
   *
   * @return null when nothing is to be asked
   */
  public static RevisionRecordRequest forPlan(AppDeployment resource, Plan plan) {
    String app = resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName();
    String revision = plan.status().getRevision();
    MigrationStatus migration = plan.status().getMigration();
    if (migration != null
        && revision.equals(migration.getRevision())
        && migration.getState() == MigrationState.Succeeded) {
      if (revision.equals(plan.status().getVerifiedRevision())) {
        return null;
      }
      Instant finished =
          migration.getFinishedAt() == null ? null : Instant.parse(migration.getFinishedAt());
      return new RevisionRecordRequest(Kind.RECORD, app, revision, finished);
    }
    return new RevisionRecordRequest(Kind.LOOK_UP, app, revision, null);
  }
}
