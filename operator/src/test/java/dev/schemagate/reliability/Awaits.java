package dev.schemagate.reliability;

import static org.awaitility.Awaitility.await;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.Phase;
import dev.schemagate.lifecycle.Conditions;
import dev.schemagate.testing.LifecycleHarness;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.Objects;
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

  /**
   * A user's edit: retried on conflict, as kubectl edit would be, since the operator writes too.
   */
  static AppDeployment edit(LifecycleHarness world, String name, Consumer<AppDeployment> change) {
    return await()
        .atMost(Duration.ofSeconds(10))
        .ignoreException(KubernetesClientException.class)
        .until(
            () ->
                world
                    .client
                    .resources(AppDeployment.class)
                    .inNamespace(world.namespace)
                    .withName(name)
                    .edit(
                        a -> {
                          change.accept(a);
                          return a;
                        }),
            Objects::nonNull);
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
