package dev.schemagate.lifecycle;

import dev.schemagate.api.AppDeploymentStatus;
import java.time.Duration;
import java.util.List;

/**
 * What to do now.
 *
 * @param actions writes, in order
 * @param needsChecks the schema verification and Redis check must run, then plan again with them
 * @param status the status to write (unmasked messages: the reconciler masks)
 * @param events Events to record, for transitions only
 * @param requeueAfter reconcile again after this even without an event (stuck pods, back-off), or
 *     null to wait for events only
 * @param servingRequirements with {@code needsChecks}, the schema requirements (encoded, as the
 *     schema gate carries them) of the revision that serves while another is verified: the schema
 *     is checked against them too; null when no other revision serves
 */
public record Plan(
    List<Action> actions,
    boolean needsChecks,
    AppDeploymentStatus status,
    List<Note> events,
    Duration requeueAfter,
    String servingRequirements) {

  public Plan(
      List<Action> actions,
      boolean needsChecks,
      AppDeploymentStatus status,
      List<Note> events,
      Duration requeueAfter) {
    this(actions, needsChecks, status, events, requeueAfter, null);
  }

  /**
   * An Event to record on the AppDeployment.
   *
   * @param warning Warning rather than Normal
   */
  public record Note(boolean warning, String reason, String message) {}
}
