package dev.schemagate.lifecycle;

import dev.schemagate.lifecycle.DeploymentRollout.State;

/** Deployments as the planner sees them, in the states the tests need. */
final class Views {

  private Views() {}

  /** The pod template hash a Deployment of this revision runs (what the tests' world wants). */
  static String template(String revision) {
    return "t-" + revision;
  }

  /** What a Deployment of this revision's schema gate checks (encoded, as its variable has it). */
  static String requirements(String revision) {
    return "requirements-of-" + revision;
  }

  /**
   * A Deployment the controller has caught up with: complete once {@code ready} reaches {@code
   * replicas}, otherwise still rolling, and serving only at full strength.
   */
  static DeploymentView settled(
      String component, String revision, String image, int replicas, int ready, int pods) {
    DeploymentRollout rollout =
        ready >= replicas
            ? new DeploymentRollout(State.COMPLETE, true, ready, replicas, "")
            : new DeploymentRollout(
                State.PROGRESSING, false, ready, replicas, "Available: " + ready + "/" + replicas);
    return view(component, revision, image, replicas, ready, pods, rollout);
  }

  /**
   * A rolling update whose new pods are not ready: the old revision's pods keep the Deployment
   * above its minimum availability ({@code oldServing} of them), none of the new ones are.
   */
  static DeploymentView rolling(
      String component, String revision, int replicas, int oldServing, State state) {
    DeploymentRollout rollout =
        new DeploymentRollout(
            state,
            oldServing >= replicas,
            oldServing,
            1,
            state == State.DEADLINE_EXCEEDED
                ? "ReplicaSet \"shop-" + component + "-x\" has timed out progressing."
                : "Available: " + oldServing + "/" + replicas);
    return view(
        component, revision, "img:" + revision, replicas, oldServing, oldServing + 1, rollout);
  }

  /** The same Deployment with one more pod, of another revision, still terminating. */
  static DeploymentView withPodOf(DeploymentView view, String revision) {
    java.util.Set<String> revisions = new java.util.TreeSet<>(view.podRevisions());
    revisions.add(revision);
    return new DeploymentView(
        view.name(),
        view.templateHash(),
        view.revision(),
        view.image(),
        view.replicas(),
        view.readyReplicas(),
        view.pods() + 1,
        view.rollout(),
        view.problem(),
        view.schemaRequirements(),
        revisions,
        null);
  }

  private static DeploymentView view(
      String component,
      String revision,
      String image,
      int replicas,
      int ready,
      int pods,
      DeploymentRollout rollout) {
    return new DeploymentView(
        "shop-" + component,
        template(revision),
        revision,
        image,
        replicas,
        ready,
        pods,
        rollout,
        null,
        requirements(revision),
        pods == 0 ? java.util.Set.of() : java.util.Set.of(revision),
        null);
  }
}
