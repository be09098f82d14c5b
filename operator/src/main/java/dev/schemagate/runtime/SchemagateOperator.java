package dev.schemagate.runtime;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.schemagate.lifecycle.AppDeploymentReconciler;
import dev.schemagate.lifecycle.DependencyChecks;
import dev.schemagate.metrics.LifecycleMetrics;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.javaoperatorsdk.operator.processing.retry.Retry;
import java.util.HashSet;

/** Builds the JOSDK operator with the AppDeployment controller, the same way everywhere. */
public final class SchemagateOperator {

  /**
   * The operator's requests carry this User-Agent: API server audit logs (and tests) tell them from
   * anyone else's.
   */
  public static final String USER_AGENT = "schemagate-operator";

  private SchemagateOperator() {}

  /** A client configured the standard way (in-cluster, KUBECONFIG, ~/.kube/config). */
  public static KubernetesClient newClient() {
    return new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder(Config.autoConfigure(null)).withUserAgent(USER_AGENT).build())
        .withKubernetesSerialization(tolerantSerialization())
        .build();
  }

  /**
   * Reads AppDeployments that carry fields this operator does not know - a CRD applied before the
   * operator is upgraded, as the upgrade steps advise, or an operator rolled back - instead of
   * failing the watch, which would stop reconciliation of every AppDeployment. Kubernetes' own
   * types keep such fields either way.
   */
  public static KubernetesSerialization tolerantSerialization() {
    return new KubernetesSerialization(
        JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build(),
        true);
  }

  /**
   * A client for the same server and identity as {@code client}, announcing itself as the operator.
   */
  public static KubernetesClient newClient(KubernetesClient client) {
    return new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder(client.getConfiguration()).withUserAgent(USER_AGENT).build())
        .withKubernetesSerialization(tolerantSerialization())
        .build();
  }

  /** A single replica (no leader election) whose metrics are not exported. */
  public static Operator create(
      KubernetesClient client, OperatorSettings settings, DependencyChecks checks) {
    return create(
        client,
        settings,
        checks,
        LifecycleMetrics.unexported(),
        LeaderElection.disabled(),
        Leadership.always());
  }

  /**
   * A single replica as above, retrying failed reconciles on {@code retry}'s schedule instead of
   * JOSDK's default (tests that wait for a retry shorten it).
   */
  public static Operator create(
      KubernetesClient client, OperatorSettings settings, DependencyChecks checks, Retry retry) {
    return create(
        client,
        settings,
        checks,
        LifecycleMetrics.unexported(),
        LeaderElection.disabled(),
        Leadership.always(),
        retry);
  }

  /**
   * Server-side apply is off for the primary's status and for dependents, in production as in
   * tests: the path we test is the path we ship (see docs/operations.md).
   *
   * <p>JOSDK records into the same registry as schemagate's own metrics, without per-resource
   * series: a thousand AppDeployments must not make a thousand series per metric.
   *
   * @param leadership told when this replica leads; must be {@link Leadership#elected} when the
   *     election is enabled
   */
  public static Operator create(
      KubernetesClient client,
      OperatorSettings settings,
      DependencyChecks checks,
      LifecycleMetrics metrics,
      LeaderElection election,
      Leadership leadership) {
    return create(client, settings, checks, metrics, election, leadership, null);
  }

  private static Operator create(
      KubernetesClient client,
      OperatorSettings settings,
      DependencyChecks checks,
      LifecycleMetrics metrics,
      LeaderElection election,
      Leadership leadership,
      Retry retry) {
    Operator operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  .withCloseClientOnStop(false)
                  .withUseSSAToPatchPrimaryResource(false)
                  .withSSABasedCreateUpdateMatchForDependentResources(false)
                  .withConcurrentReconciliationThreads(settings.reconcileThreads())
                  .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(metrics.registry()));
              if (election.enabled()) {
                o.withLeaderElectionConfiguration(leaderElection(election, leadership));
              }
            });
    operator.register(
        new AppDeploymentReconciler(settings.reconciler(), checks, metrics, leadership::isLeading),
        config -> {
          if (!settings.watchesAllNamespaces()) {
            config.settingNamespaces(new HashSet<>(settings.namespaces()));
          }
          if (retry != null) {
            config.withRetry(retry);
          }
        });
    return operator;
  }

  // JOSDK's own exit on a lost Lease would call System.exit from inside a shutdown hook too (when
  // the operator stops), which hangs the JVM: Leadership decides instead.
  private static io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration leaderElection(
      LeaderElection election, Leadership leadership) {
    LeaderElectionConfigurationBuilder builder =
        LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(election.leaseName())
            .withLeaseDuration(election.leaseDuration())
            .withRenewDeadline(election.renewDeadline())
            .withRetryPeriod(election.retryPeriod())
            .withLeaderCallbacks(leadership.callbacks())
            .withExitOnStopLeading(false);
    if (election.leaseNamespace() != null) {
      builder.withLeaseNamespace(election.leaseNamespace());
    }
    if (election.identity() != null) {
      builder.withIdentity(election.identity());
    }
    return builder.build();
  }
}
