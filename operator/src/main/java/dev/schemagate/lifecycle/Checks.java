package dev.schemagate.lifecycle;

import dev.schemagate.api.SchemaStatus;

/**
 * Results of the checks that need I/O (the schema verification and the Redis PING), fed back into
 * the planner once it asked for them.
 *
 * @param schema the schema verification's outcome, or null when not run
 * @param redis the Redis check's outcome, or null when not run or not configured
 */
public record Checks(CheckResult schema, SchemaStatus schemaStatus, CheckResult redis) {

  public static final Checks NOT_RUN = new Checks(null, null, null);

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
