package dev.schemagate.lifecycle;

import dev.schemagate.api.SchemaStatus;

/**
 * Results of the checks that need I/O (the schema verification and the Redis PING), fed back into
 * the planner once it asked for them.
 *
 * @param schema the schema verification's outcome, or null when not run
 * @param redis the Redis check's outcome, or null when not run or not configured
 * @param serving the schema checked against the requirements of the revision that serves, when the
 *     plan asked ({@link Plan#servingRequirements()}), or null
 * @param inProgress the checks run and have not finished yet
 */
public record Checks(
    CheckResult schema,
    SchemaStatus schemaStatus,
    CheckResult redis,
    CheckResult serving,
    boolean inProgress) {

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

  public boolean ran() {
    return schema != null;
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
}
