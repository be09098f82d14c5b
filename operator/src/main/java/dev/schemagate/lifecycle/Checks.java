package dev.schemagate.lifecycle;

import dev.schemagate.api.SchemaStatus;
import java.time.Instant;

/**
 * Results of the checks that need I/O (the schema verification and the Redis PING), fed back into
 * the planner once it asked for them.
 *
 * @param schema the schema verification's outcome, or null when not run
 * @param redis the Redis check's outcome, or null when not run or not configured
 * @param serving the schema checked against the requirements of the revision that serves, when the
 *     plan asked ({@link Plan#servingRequirements()}), or null
 * @param inProgress the checks run and have not finished yet
 * @param revisionRecord what the database's record of migrated revisions said, or null when it was
 *     not asked or could not be read
 */
public record Checks(
    CheckResult schema,
    SchemaStatus schemaStatus,
    CheckResult redis,
    CheckResult serving,
    boolean inProgress,
    RevisionRecord revisionRecord) {

  public static final Checks NOT_RUN = new Checks(null, null, null, null, false);

  /** Started, not finished yet: a later reconcile collects the result. */
  public static final Checks IN_PROGRESS = new Checks(null, null, null, null, true);

  public Checks(CheckResult schema, SchemaStatus schemaStatus, CheckResult redis) {
    this(schema, schemaStatus, redis, null, false);
  }

  public Checks(
      CheckResult schema, SchemaStatus schemaStatus, CheckResult redis, CheckResult serving) {
    this(schema, schemaStatus, redis, serving, false);
  }

  public Checks(
      CheckResult schema,
      SchemaStatus schemaStatus,
      CheckResult redis,
      CheckResult serving,
      boolean inProgress) {
    this(schema, schemaStatus, redis, serving, inProgress, null);
  }

  public boolean ran() {
    return schema != null;
  }

  /** These results, with what the record of migrated revisions said. */
  public Checks withRevisionRecord(RevisionRecord record) {
    return new Checks(schema, schemaStatus, redis, serving, inProgress, record);
  }

  /**
   * One check's outcome.
   *
   * @param ok it passed
   * @param reason machine-readable (Verified, MissingObjects, DatabaseUnreachable, ...)
   * @param message for humans, unmasked: the reconciler masks before writing
   * @param transientFailure heals by itself (unreachable): retried with back-off, never Stalled
   */
  public record CheckResult(boolean ok, String reason, String message, boolean transientFailure) {}

  /**
   * The database's record of the wanted revision ({@link RevisionRecordRequest}).
   *
   * @param migratedAt when the revision finished migrating into this database, or null when it is
   *     not recorded
   * @param problem why recording it failed (permission denied, say), or null
   */
  public record RevisionRecord(Instant migratedAt, String problem) {
    public boolean migrated() {
      return migratedAt != null;
    }
  }
}
