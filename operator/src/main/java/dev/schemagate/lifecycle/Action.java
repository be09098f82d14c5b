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
   * The decision for a component's Deployment: it exists with these replicas. With {@code
   * newTemplate}, its pod template is built from the spec for the wanted revision; without, the
   * template it has is kept (the previous verified revision keeps serving) and only replicas
   * change. A missing Deployment is always created from the spec. Not carried out as such: the
   * planner resolves it against what is observed ({@link ComponentWrites}) into the writes below,
   * or none.
   */
  record EnsureDeployment(String component, int replicas, boolean newTemplate) implements Action {}

  /** Create the component's Deployment from the spec, for the wanted revision. */
  record CreateDeployment(String component, int replicas) implements Action {}

  /**
   * Give the component's Deployment (this AppDeployment's) the wanted revision's pod template,
   * these replicas and the spec's progress deadline.
   */
  record RollDeployment(String component, int replicas) implements Action {}

  /**
   * Set the replicas of the component's Deployment (this AppDeployment's), keeping its template.
   */
  record ScaleDeployment(String component, int replicas) implements Action {}

  /**
   * Create the component's Service, or give the one this AppDeployment owns the spec's ports: only
   * when it is missing or its ports differ. Someone else's of that name is a conflict, never a
   * write.
   */
  record EnsureService(String component) implements Action {}

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
