package dev.schemagate.runtime;

import java.time.Duration;

/**
 * Whether and how operator replicas elect a leader through a Lease, so that two replicas never
 * reconcile at once. Only the leader starts its informers and reconciles; a standby waits, ready,
 * and takes over when the leader's Lease expires.
 *
 * @param enabled elect a leader; off for a single replica
 * @param leaseName the Lease's name
 * @param leaseNamespace the Lease's namespace (the operator's own); null infers it from the
 *     in-cluster service account
 * @param identity this replica's name in the Lease; null uses the pod name (HOSTNAME)
 * @param leaseDuration how long a Lease holds without renewal before a standby may take it
 * @param renewDeadline how long the leader keeps trying to renew before it gives up leading
 * @param retryPeriod how often candidates try to acquire, and the leader renews
 */
public record LeaderElection(
    boolean enabled,
    String leaseName,
    String leaseNamespace,
    String identity,
    Duration leaseDuration,
    Duration renewDeadline,
    Duration retryPeriod) {

  public static final String DEFAULT_LEASE_NAME = "schemagate-operator";

  public LeaderElection {
    if (enabled && !(renewDeadline.compareTo(leaseDuration) < 0)) {
      throw new IllegalArgumentException(
          "the renew deadline ("
              + renewDeadline
              + ") must be shorter than the lease duration ("
              + leaseDuration
              + ")");
    }
  }

  /** Kubernetes' usual timings. */
  private static final Duration LEASE = Duration.ofSeconds(15);

  private static final Duration RENEW = Duration.ofSeconds(10);
  private static final Duration RETRY = Duration.ofSeconds(2);

  public static LeaderElection disabled() {
    return new LeaderElection(false, DEFAULT_LEASE_NAME, null, null, LEASE, RENEW, RETRY);
  }

  /**
   * Elect in this namespace, with Kubernetes' usual timings (15 s lease, 10 s renew, 2 s retry).
   */
  public static LeaderElection in(String leaseNamespace) {
    return new LeaderElection(true, DEFAULT_LEASE_NAME, leaseNamespace, null, LEASE, RENEW, RETRY);
  }

  public LeaderElection withIdentity(String name) {
    return new LeaderElection(
        enabled, leaseName, leaseNamespace, name, leaseDuration, renewDeadline, retryPeriod);
  }

  public LeaderElection withTimings(Duration lease, Duration renew, Duration retry) {
    return new LeaderElection(enabled, leaseName, leaseNamespace, identity, lease, renew, retry);
  }
}
