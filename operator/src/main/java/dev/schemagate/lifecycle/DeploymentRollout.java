package dev.schemagate.lifecycle;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import java.util.List;
import java.util.Objects;

/**
 * How far a Deployment's rollout has got, by the rules Kubernetes ({@code kubectl rollout status})
 * and kstatus (what Flux waits for) use - so that schemagate never calls a component rolled out
 * before they would.
 *
 * <p>Complete means: the Deployment controller has observed the current generation; every replica
 * runs the current template ({@code updatedReplicas}); no replica of an older template is left
 * ({@code status.replicas}); every replica is available (ready for {@code minReadySeconds}) and
 * ready; the controller says so itself ({@code Progressing=True NewReplicaSetAvailable}, when a
 * progress deadline is set, and {@code Available=True}, which kstatus requires too). A {@code
 * Progressing} condition with reason {@code ProgressDeadlineExceeded} means the rollout is stuck:
 * Kubernetes stops trying, a human is needed.
 *
 * @param state how far the rollout is
 * @param minimumAvailable the Deployment serves: Kubernetes' own {@code Available} condition
 *     (enough available replicas, within {@code maxUnavailable}), or, without one, every wanted
 *     replica available
 * @param available status.availableReplicas
 * @param updated status.updatedReplicas
 * @param message what is missing, in kstatus' words ("Updated: 1/2"); empty when complete
 */
public record DeploymentRollout(
    State state, boolean minimumAvailable, int available, int updated, String message) {

  /** Where a rollout stands. */
  public enum State {
    COMPLETE,
    PROGRESSING,
    DEADLINE_EXCEEDED
  }

  static final String DEADLINE_EXCEEDED = "ProgressDeadlineExceeded";
  private static final String NEW_REPLICA_SET_AVAILABLE = "NewReplicaSetAvailable";

  public boolean complete() {
    return state == State.COMPLETE;
  }

  /** The rollout of a Deployment as the API server reports it. */
  public static DeploymentRollout of(Deployment deployment) {
    int wanted = orDefault(deployment.getSpec().getReplicas(), 1);
    DeploymentStatus status =
        deployment.getStatus() == null ? new DeploymentStatus() : deployment.getStatus();
    int replicas = orDefault(status.getReplicas(), 0);
    int updated = orDefault(status.getUpdatedReplicas(), 0);
    int ready = orDefault(status.getReadyReplicas(), 0);
    int available = orDefault(status.getAvailableReplicas(), 0);
    DeploymentCondition availableCondition = condition(status.getConditions(), "Available");
    boolean minimumAvailable =
        availableCondition != null
            ? "True".equals(availableCondition.getStatus())
            : available >= wanted;
    Long generation = deployment.getMetadata().getGeneration();
    Long observed = status.getObservedGeneration();
    // As kstatus: a status that says which generation it describes must describe this one.
    if (generation != null && observed != null && !observed.equals(generation)) {
      return progressing(
          minimumAvailable,
          available,
          updated,
          "waiting for the Deployment controller to observe generation " + generation);
    }
    DeploymentCondition progressingCondition = condition(status.getConditions(), "Progressing");
    if (progressingCondition != null
        && DEADLINE_EXCEEDED.equals(progressingCondition.getReason())) {
      return new DeploymentRollout(
          State.DEADLINE_EXCEEDED,
          minimumAvailable,
          available,
          updated,
          Objects.requireNonNullElse(progressingCondition.getMessage(), DEADLINE_EXCEEDED));
    }
    String missing = missingReplicas(wanted, replicas, updated, available, ready);
    if (missing != null) {
      return progressing(minimumAvailable, available, updated, missing);
    }
    boolean deadlineSet = deployment.getSpec().getProgressDeadlineSeconds() != null;
    if (deadlineSet
        && (progressingCondition == null
            || !"True".equals(progressingCondition.getStatus())
            || !NEW_REPLICA_SET_AVAILABLE.equals(progressingCondition.getReason()))) {
      return progressing(minimumAvailable, available, updated, "ReplicaSet not Available");
    }
    if (availableCondition == null || !minimumAvailable) {
      return progressing(minimumAvailable, available, updated, "Deployment not Available");
    }
    return new DeploymentRollout(State.COMPLETE, true, available, updated, "");
  }

  /** kstatus' replica checks, in its order; null when the counts are all there. */
  private static String missingReplicas(
      int wanted, int replicas, int updated, int available, int ready) {
    if (wanted > replicas) {
      return "Replicas: " + replicas + "/" + wanted;
    }
    if (wanted > updated) {
      return "Updated: " + updated + "/" + wanted;
    }
    if (replicas > wanted) {
      return "Pending termination: " + (replicas - wanted);
    }
    if (updated > available) {
      return "Available: " + available + "/" + updated;
    }
    if (wanted > ready) {
      return "Ready: " + ready + "/" + wanted;
    }
    return null;
  }

  private static DeploymentRollout progressing(
      boolean minimumAvailable, int available, int updated, String message) {
    return new DeploymentRollout(State.PROGRESSING, minimumAvailable, available, updated, message);
  }

  private static DeploymentCondition condition(List<DeploymentCondition> conditions, String type) {
    if (conditions == null) {
      return null;
    }
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  private static int orDefault(Integer value, int fallback) {
    return value == null ? fallback : value;
  }
}
