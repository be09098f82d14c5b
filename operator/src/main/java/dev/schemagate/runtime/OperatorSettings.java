package dev.schemagate.runtime;

import dev.schemagate.lifecycle.ReconcilerSettings;
import dev.schemagate.workload.PodPolicy;
import java.time.Duration;
import java.util.List;

/**
 * How the operator runs, from flags or environment.
 *
 * @param namespaces namespaces to watch; empty means all
 * @param reconcileThreads AppDeployments reconciled concurrently
 * @param operatorImage schemagate's own image: runs Flyway Jobs and the schema gate
 * @param stuckPodGrace how long a migration pod may wait on its image or config before the
 *     migration is failed
 * @param jobsToKeep migration Jobs kept per AppDeployment (newest revisions), so their logs can be
 *     read
 * @param podPolicy what tenants may set on the pods of their components
 */
public record OperatorSettings(
    List<String> namespaces,
    int reconcileThreads,
    String operatorImage,
    Duration stuckPodGrace,
    int jobsToKeep,
    PodPolicy podPolicy) {

  public static final String DEFAULT_IMAGE = "ghcr.io/schemagate/schemagate:0.1.0";

  public OperatorSettings {
    namespaces =
        namespaces == null
            ? List.of()
            : namespaces.stream().map(String::trim).filter(n -> !n.isEmpty()).toList();
    if (reconcileThreads < 1) {
      throw new IllegalArgumentException(
          "reconcile threads must be at least 1, got " + reconcileThreads);
    }
    if (jobsToKeep < 1) {
      throw new IllegalArgumentException("jobs to keep must be at least 1, got " + jobsToKeep);
    }
    if (stuckPodGrace.isNegative()) {
      throw new IllegalArgumentException(
          "stuck pod grace must not be negative, got " + stuckPodGrace);
    }
  }

  /** The restricted pod policy. */
  public OperatorSettings(
      List<String> namespaces,
      int reconcileThreads,
      String operatorImage,
      Duration stuckPodGrace,
      int jobsToKeep) {
    this(
        namespaces,
        reconcileThreads,
        operatorImage,
        stuckPodGrace,
        jobsToKeep,
        PodPolicy.RESTRICTED);
  }

  public static OperatorSettings defaults() {
    return new OperatorSettings(List.of(), 10, DEFAULT_IMAGE, Duration.ofMinutes(5), 3);
  }

  public OperatorSettings withStuckPodGrace(Duration grace) {
    return new OperatorSettings(
        namespaces, reconcileThreads, operatorImage, grace, jobsToKeep, podPolicy);
  }

  public OperatorSettings withNamespaces(List<String> watched) {
    return new OperatorSettings(
        watched, reconcileThreads, operatorImage, stuckPodGrace, jobsToKeep, podPolicy);
  }

  public OperatorSettings withPodPolicy(PodPolicy policy) {
    return new OperatorSettings(
        namespaces, reconcileThreads, operatorImage, stuckPodGrace, jobsToKeep, policy);
  }

  /** What the reconciler needs of these settings. */
  public ReconcilerSettings reconciler() {
    return new ReconcilerSettings(operatorImage, stuckPodGrace, jobsToKeep, podPolicy);
  }

  public boolean watchesAllNamespaces() {
    return namespaces.isEmpty();
  }
}
