package dev.schemagate.runtime;

import dev.schemagate.lifecycle.AppDeploymentReconciler;
import dev.schemagate.lifecycle.DependencyChecks;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.util.HashSet;

/** Builds the JOSDK operator with the AppDeployment controller, the same way everywhere. */
public final class SchemagateOperator {

  private SchemagateOperator() {}

  /**
   * Server-side apply is off for the primary's status and for dependents, in production as in
   * tests: the path we test is the path we ship (see docs/operations.md).
   */
  public static Operator create(
      KubernetesClient client, OperatorSettings settings, DependencyChecks checks) {
    Operator operator =
        new Operator(
            o ->
                o.withKubernetesClient(client)
                    .withCloseClientOnStop(false)
                    .withUseSSAToPatchPrimaryResource(false)
                    .withSSABasedCreateUpdateMatchForDependentResources(false)
                    .withConcurrentReconciliationThreads(settings.reconcileThreads()));
    operator.register(
        new AppDeploymentReconciler(settings, checks),
        config -> {
          if (!settings.watchesAllNamespaces()) {
            config.settingNamespaces(new HashSet<>(settings.namespaces()));
          }
        });
    return operator;
  }
}
