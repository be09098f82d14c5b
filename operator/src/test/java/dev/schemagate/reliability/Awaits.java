package dev.schemagate.reliability;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.Phase;
import dev.schemagate.lifecycle.Conditions;
import dev.schemagate.testing.LifecycleHarness;
import dev.schemagate.testing.UserEdit;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.function.Consumer;

/** What the reliability scenarios wait for and read, in the words of the status. */
final class Awaits {

  private Awaits() {}

  /** The phase, reported for the current generation. */
  static AppDeployment phase(LifecycleHarness world, String name, Phase phase) {
    return world.awaitStatus(
        name,
        a ->
            a.getStatus().getPhase() == phase
                && a.getMetadata().getGeneration().equals(a.getStatus().getObservedGeneration()));
  }

  /** A condition with this reason, whatever its status. */
  static AppDeployment reason(LifecycleHarness world, String name, String type, String reason) {
    return world.awaitStatus(name, a -> reason.equals(reasonOf(a, type)));
  }

  static String statusOf(AppDeployment appd, String type) {
    Condition c = Conditions.find(appd.getStatus().getConditions(), type);
    return c == null ? null : c.getStatus();
  }

  static String reasonOf(AppDeployment appd, String type) {
    Condition c = Conditions.find(appd.getStatus().getConditions(), type);
    return c == null ? null : c.getReason();
  }

  static String messageOf(AppDeployment appd, String type) {
    Condition c = Conditions.find(appd.getStatus().getConditions(), type);
    return c == null ? null : c.getMessage();
  }

  /** A user's edit of an AppDeployment of the harness' namespace. */
  static AppDeployment edit(LifecycleHarness world, String name, Consumer<AppDeployment> change) {
    return UserEdit.edit(world.client, world.namespace, name, change);
  }

  /** Sets the retry annotation, as {@code kubectl annotate --overwrite} does. */
  static AppDeployment retry(LifecycleHarness world, String name, String token) {
    return edit(
        world,
        name,
        a -> {
          if (a.getMetadata().getAnnotations() == null) {
            a.getMetadata().setAnnotations(new java.util.HashMap<>());
          }
          a.getMetadata().getAnnotations().put("schemagate.dev/retry", token);
        });
  }

  static int replicas(LifecycleHarness world, String deployment) {
    return world.deployment(deployment).getSpec().getReplicas();
  }
}
