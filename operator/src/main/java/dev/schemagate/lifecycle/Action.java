package dev.schemagate.lifecycle;

/** One write the reconciler carries out for a plan. */
public sealed interface Action {

  /** Create the migration Job of the wanted revision. AlreadyExists means it is there. */
  record CreateJob(String name, String retryToken) implements Action {}

  /**
   * Create the contract-phase Job of the wanted revision (spec.migration.contract). AlreadyExists
   * means it is there.
   */
  record CreateContractJob(String name, String retryToken) implements Action {}

  /** Delete a Job: an older revision's beyond those kept, or a failed attempt being retried. */
  record DeleteJob(String name, String why) implements Action {}

  /**
   * Make a component's Deployment exist with these replicas. With {@code newTemplate}, its pod
   * template is built from the spec for the wanted revision; without, the template it has is kept
   * (the previous verified revision keeps serving) and only replicas change. A missing Deployment
   * is always created from the spec.
   */
  record EnsureDeployment(String component, int replicas, boolean newTemplate) implements Action {}

  /**
   * Delete the Deployment (and Service) of a component no longer in {@code spec.components}: the
   * user removed it from the spec, which is asking for it to go.
   */
  record RemoveComponent(String component, String deployment) implements Action {}

  /**
   * Log, per component, the configuration it gets - resolved from Secrets and masked - when a
   * revision starts rolling out: the same block the schema gate prints at pod boot.
   */
  record LogRolloutDiagnostics() implements Action {}

  /** Read the tail of a failed migration pod's log into status (masked). */
  record CaptureLogTail(String jobName, String pod) implements Action {}
}
