package dev.schemagate.lifecycle;

import java.time.Instant;

/**
 * What the planner needs to know of one migration Job.
 *
 * @param name the Job's name
 * @param revision the revision it migrates (its label)
 * @param retryToken the retry annotation value it was created for ("" for none)
 * @param phase Running, Succeeded or Failed
 * @param reason why it failed (BackoffLimitExceeded, DeadlineExceeded, ImagePullBackOff, ...)
 * @param message a human explanation, unmasked: the reconciler masks before writing
 * @param failedPod the pod whose log explains a failure, or null
 * @param startedAt when it started, or null
 * @param finishedAt when it finished, or null
 * @param recheckAt when a pod that is stuck now would exceed its grace period, or null
 * @param createdAt creation time, to keep the newest Jobs
 */
public record JobView(
    String name,
    String revision,
    String retryToken,
    Phase phase,
    String reason,
    String message,
    String failedPod,
    Instant startedAt,
    Instant finishedAt,
    Instant recheckAt,
    Instant createdAt) {

  /** A Job's lifecycle as schemagate sees it. */
  public enum Phase {
    Running,
    Succeeded,
    Failed
  }
}
