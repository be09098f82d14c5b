package dev.schemagate.lifecycle;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.AppDeploymentStatus;
import dev.schemagate.api.Phase;
import java.time.Instant;

/**
 * The status written from the very first reconcile: {@code observedGeneration} and {@code
 * Ready=False}, so that GitOps tools (kstatus reads a missing Ready as done) never take a fresh
 * AppDeployment for healthy.
 */
public final class InitialStatus {

  static final String REASON = "Pending";
  static final String MESSAGE = "Waiting for the migration of this revision";

  private InitialStatus() {}

  /** The status {@code resource} should have; equal to its current status when nothing changed. */
  public static AppDeploymentStatus of(AppDeployment resource, Instant now) {
    AppDeploymentStatus current = resource.getStatus();
    AppDeploymentStatus next = new AppDeploymentStatus();
    Long generation = resource.getMetadata().getGeneration();
    if (current != null) {
      next.setConditions(current.getConditions());
      next.setPhase(current.getPhase());
    }
    next.setObservedGeneration(generation);
    if (next.getPhase() == null) {
      next.setPhase(Phase.Pending);
    }
    next.setConditions(
        Conditions.set(
            next.getConditions(), Conditions.READY, false, REASON, MESSAGE, generation, now));
    next.setConditions(
        Conditions.set(
            next.getConditions(), Conditions.RECONCILING, true, REASON, MESSAGE, generation, now));
    return next.equals(current) ? current : next;
  }
}
