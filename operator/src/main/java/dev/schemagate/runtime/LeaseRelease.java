package dev.schemagate.runtime;

import dev.schemagate.masking.Masker;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the leader's Lease up when the leader stops on purpose (a rolling update, a drained node),
 * as client-go's ReleaseOnCancel does: JOSDK keeps it, so a standby used to wait the whole Lease
 * out before taking over. Called once the operator has stopped reconciling, so two replicas never
 * reconcile at once.
 */
final class LeaseRelease {

  private static final Logger log = LoggerFactory.getLogger(LeaseRelease.class);

  private LeaseRelease() {}

  /**
   * This replica's name in the Lease: the configured one, else the pod's name (HOSTNAME), else a
   * random one - fixed once, so that the election and the release use the same.
   */
  static String identityOf(LeaderElection election) {
    if (election.identity() != null && !election.identity().isBlank()) {
      return election.identity();
    }
    String hostname = System.getenv("HOSTNAME");
    return hostname == null || hostname.isBlank() ? UUID.randomUUID().toString() : hostname;
  }

  /**
   * Empties the Lease's holder when this replica holds it; an update with the read version, so a
   * Lease another replica took meanwhile is left alone. Returns whether it was released.
   */
  static boolean release(KubernetesClient client, LeaderElection election) {
    if (!election.enabled() || election.identity() == null) {
      return false;
    }
    String namespace =
        election.leaseNamespace() != null ? election.leaseNamespace() : client.getNamespace();
    try {
      Lease lease = client.leases().inNamespace(namespace).withName(election.leaseName()).get();
      if (lease == null
          || lease.getSpec() == null
          || !election.identity().equals(lease.getSpec().getHolderIdentity())) {
        return false;
      }
      lease.getSpec().setHolderIdentity("");
      lease.getSpec().setLeaseDurationSeconds(1);
      lease.getSpec().setRenewTime(ZonedDateTime.now(ZoneOffset.UTC));
      client.resource(lease).update();
      log.info("Released Lease {}/{}: a standby takes over now", namespace, election.leaseName());
      return true;
    } catch (KubernetesClientException e) {
      // The Lease then expires on its own, as before.
      log.warn(
          "Could not release Lease {}/{}: {}",
          namespace,
          election.leaseName(),
          Masker.standard().maskThrowable(e));
      return false;
    }
  }
}
