package dev.schemagate.lifecycle;

import dev.schemagate.api.AppDeploymentSpec;
import dev.schemagate.api.ComponentSpec;
import dev.schemagate.api.ServingIncompatiblePolicy;
import java.util.ArrayList;
import java.util.List;

/**
 * The revision that serves while another is verified (KeepRunning), the components that run it, and
 * what it needs of the schema, as its pods' gate checks. After a migration its pods run on a schema
 * they were not built for: the planner has the schema checked against its requirements too, says
 * loudly when it lacks them and, with {@code onServingIncompatible: StopServing}, stops it before
 * the new revision rolls out. Pure: the planner asks.
 */
record ServingRevision(String revision, List<String> components, String requirements) {

  /** The revision that serves, or null when none but the wanted one does. */
  static ServingRevision of(AppDeploymentSpec spec, Observed o) {
    ServingRevision found = null;
    for (ComponentSpec component : spec.getComponents()) {
      DeploymentView view = o.deployments().get(component.getName());
      if (view == null
          || view.replicas() == 0
          || o.revision().equals(view.revision())
          || view.schemaRequirements() == null) {
        continue;
      }
      if (found == null) {
        found =
            new ServingRevision(
                view.revision(),
                new ArrayList<>(List.of(component.getName())),
                view.schemaRequirements());
      } else if (found.revision().equals(view.revision())) {
        found.components().add(component.getName());
      }
    }
    return found;
  }

  /** The user asked for a revision found incompatible to stop at once. */
  static boolean stopServing(AppDeploymentSpec spec) {
    return spec.getRollout() != null
        && spec.getRollout().getOnServingIncompatible() == ServingIncompatiblePolicy.StopServing;
  }

  /**
   * A component still runs the revision found incompatible with the migrated schema, and the user
   * asked for such a revision to stop at once: it goes to 0 before it is given the new one.
   *
   * @param compatibleReason the reason of the ServingCompatible condition, or null
   */
  static boolean stopsFirst(
      AppDeploymentSpec spec, String revision, DeploymentView current, String compatibleReason) {
    return stopServing(spec)
        && current != null
        && !revision.equals(current.revision())
        && (current.replicas() > 0 || current.pods() > 0)
        && LifecyclePlanner.SERVING_INCOMPATIBLE.equals(compatibleReason);
  }

  private String who() {
    return "revision " + revision + " (" + String.join(", ", components) + ")";
  }

  /** What ServingCompatible says when the schema {@code wanted} left still has what it needs. */
  String compatible(String wanted) {
    return who() + " still finds what it needs on the schema revision " + wanted + " left";
  }

  /** What ServingCompatible (and the Event) says when it lacks what it needs. */
  String incompatible(String wanted, String checkMessage, boolean stopServing) {
    return who()
        + ", which still serves, needs what the schema no longer has after revision "
        + wanted
        + "'s migration: "
        + checkMessage
        + (stopServing
            ? "; spec.rollout.onServingIncompatible is StopServing: its pods are stopped"
                + " before revision "
                + wanted
                + " rolls out"
            : "; it serves until revision "
                + wanted
                + " replaces it (spec.rollout.onServingIncompatible: StopServing stops it"
                + " at once)");
  }
}
