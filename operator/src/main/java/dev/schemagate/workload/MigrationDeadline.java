package dev.schemagate.workload;

/**
 * The deadline {@code schemagate migrate} gives itself inside the Job: a little before the Job's
 * {@code activeDeadlineSeconds}, so that migrate cancels its statement and reports which migration
 * was running and what it leaves while it still can. When Kubernetes' deadline comes first the pod
 * is killed, and the report is only as complete as the SIGTERM's grace period allows.
 */
public final class MigrationDeadline {

  public static final long DEFAULT_ACTIVE_DEADLINE_SECONDS = 1800L;

  /** Time kept for the report: a tenth of the Job's deadline, within these bounds. */
  static final long MIN_MARGIN_SECONDS = 10;

  static final long MAX_MARGIN_SECONDS = 60;

  private MigrationDeadline() {}

  /**
   * @param activeDeadlineSeconds the Job's, null for the default
   */
  public static long seconds(Long activeDeadlineSeconds) {
    long job =
        activeDeadlineSeconds == null ? DEFAULT_ACTIVE_DEADLINE_SECONDS : activeDeadlineSeconds;
    long margin = Math.max(MIN_MARGIN_SECONDS, Math.min(MAX_MARGIN_SECONDS, job / 10));
    return job > 2 * margin ? job - margin : Math.max(1, job / 2);
  }
}
