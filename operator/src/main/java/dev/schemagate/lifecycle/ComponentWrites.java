package dev.schemagate.lifecycle;

import dev.schemagate.api.AppDeploymentSpec;
import dev.schemagate.api.ComponentSpec;
import dev.schemagate.lifecycle.Action.EnsureDeployment;
import dev.schemagate.workload.ComponentDeployments;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What each component's decided Deployment takes, against what is observed: create it, roll its
 * template, scale it - or nothing, when it is as decided - and create or correct its Service. The
 * up-to-date test is here, once: the executor only carries the result out. Pure: the planner asks.
 */
final class ComponentWrites {

  private ComponentWrites() {}

  /** The actions with each {@link EnsureDeployment} replaced by the writes it takes, in order. */
  static List<Action> resolve(List<Action> actions, Observed o) {
    List<Action> writes = new ArrayList<>();
    for (Action action : actions) {
      if (action instanceof EnsureDeployment ensure) {
        writes.addAll(of(ensure, o));
      } else {
        writes.add(action);
      }
    }
    return List.copyOf(writes);
  }

  private static List<Action> of(EnsureDeployment ensure, Observed o) {
    List<Action> writes = new ArrayList<>();
    String component = ensure.component();
    DeploymentView current = o.deployments().get(component);
    if (current == null) {
      writes.add(new Action.CreateDeployment(component, ensure.replicas()));
      service(component, o, writes);
    } else if (ensure.newTemplate()) {
      if (!runsWantedTemplate(ensure, current, o)) {
        writes.add(new Action.RollDeployment(component, ensure.replicas()));
      }
      service(component, o, writes);
    } else if (current.replicas() != ensure.replicas()) {
      writes.add(new Action.ScaleDeployment(component, ensure.replicas()));
    }
    return writes;
  }

  /**
   * The Deployment runs what the spec gives the wanted revision: its template (by hash), its image
   * (a hand-made {@code kubectl set image} keeps the hash), the replicas and the progress deadline
   * the spec sets.
   */
  static boolean runsWantedTemplate(EnsureDeployment ensure, DeploymentView current, Observed o) {
    AppDeploymentSpec spec = o.resource().getSpec();
    ComponentSpec component =
        spec.getComponents().stream()
            .filter(c -> c.getName().equals(ensure.component()))
            .findFirst()
            .orElseThrow();
    Integer deadline = ComponentDeployments.progressDeadlineSeconds(spec);
    return Objects.equals(o.wantedTemplates().get(ensure.component()), current.templateHash())
        && ComponentDeployments.image(spec, component).equals(current.image())
        && current.replicas() == ensure.replicas()
        && (deadline == null || deadline.equals(current.progressDeadlineSeconds()));
  }

  private static void service(String component, Observed o, List<Action> writes) {
    ServiceView service = o.services().get(component);
    if (service != null && service.needsWrite()) {
      writes.add(new Action.EnsureService(component));
    }
  }
}
