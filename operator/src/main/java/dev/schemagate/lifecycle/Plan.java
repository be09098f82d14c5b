package dev.schemagate.lifecycle;

import dev.schemagate.api.AppDeploymentStatus;
import java.time.Duration;
import java.util.List;

/**
 * What to do now.
 *
 * @param actions what the lifecycle decides, in order: the decision table's rows (a component's
 *     Deployment as {@link Action.EnsureDeployment})
 * @param needsChecks the schema verification and Redis check must run, then plan again with them
 * @param status the status to write (unmasked messages: the reconciler masks)
 * @param events Events to record, for transitions only
 * @param requeueAfter reconcile again after this even without an event (stuck pods, back-off), or
 *     null to wait for events only
 * @param servingRequirements with {@code needsChecks}, the schema requirements (encoded, as the
 *     schema gate carries them) of the revision that serves while another is verified: the schema
 *     is checked against them too; null when no other revision serves
 * @param writes what carrying the actions out takes, in order, and all the executor does: the
 *     actions with each {@link Action.EnsureDeployment} resolved against what is observed into a
 *     create, roll or scale of its Deployment and an {@link Action.EnsureService} where needed - or
 *     nothing, when the Deployment and Service are as decided
 */
public record Plan(
    List<Action> actions,
    boolean needsChecks,
    AppDeploymentStatus status,
    List<Note> events,
    Duration requeueAfter,
    String servingRequirements,
    List<Action> writes) {

  /** A plan whose actions are its writes (no component Deployment in them). */
  public Plan(
      List<Action> actions,
      boolean needsChecks,
      AppDeploymentStatus status,
      List<Note> events,
      Duration requeueAfter) {
    this(actions, needsChecks, status, events, requeueAfter, null, actions);
  }

  /**
   * An Event to record on the AppDeployment.
   *
   * @param warning Warning rather than Normal
   */
  public record Note(boolean warning, String reason, String message) {}
}
