package dev.schemagate.lifecycle;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.AppDeploymentStatus;
import dev.schemagate.masking.Masker;
import dev.schemagate.metrics.LifecycleMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports a reconcile: the one place status and Events are written, each text through the masker.
 * Status replaces the status subresource with optimistic locking - the write carries the
 * resourceVersion the plan was made from, so a plan made from a stale cache is refused (409)
 * instead of overwriting a newer status - and only when it differs from what the API server holds.
 */
final class StatusRecorder {

  private static final Logger log = LoggerFactory.getLogger(StatusRecorder.class);

  private final KubernetesClient client;
  private final LifecycleMetrics metrics;
  private final Clock clock;

  StatusRecorder(KubernetesClient client, LifecycleMetrics metrics, Clock clock) {
    this.client = client;
    this.metrics = metrics;
    this.clock = clock;
  }

  /**
   * Writes the plan's status, with what the actions found (the log tail), masked; then its Events.
   *
   * @return false when the status write was refused as stale: nothing is recorded, the next
   *     reconcile decides again on fresh data
   */
  boolean record(
      AppDeployment resource, Plan plan, Executor.Results results, Masker masker, Instant now) {
    AppDeploymentStatus status = StatusCopy.of(plan.status());
    if (results.logTail() != null && status.getMigration() != null) {
      status.getMigration().setLogTail(results.logTail());
    }
    StatusMasking.mask(status, masker);
    if (!status.equals(resource.getStatus()) && !write(resource, status)) {
      return false;
    }
    EventRecorder events = new EventRecorder(client);
    for (Plan.Note note : plan.events()) {
      events.record(resource, note, masker, now);
      metrics.eventRecorded(resource, note.reason(), status, clock.instant());
    }
    return true;
  }

  /**
   * Records a reconcile that failed and is retried: Reconciling=True with the (masked) reason, and
   * on a first reconcile Ready=False too, so that it leaves a trace. Written like every status,
   * with optimistic locking, and only when it changed; a write that fails is only logged.
   */
  void recordError(AppDeployment resource, Exception e) {
    String message = Masker.standard().maskThrowable(e);
    AppDeploymentStatus status =
        resource.getStatus() == null
            ? new AppDeploymentStatus()
            : StatusCopy.of(resource.getStatus());
    if (resource.getStatus() == null) {
      setErrorCondition(
          status, resource, Conditions.READY, false, "not reconciled yet: " + message);
    }
    setErrorCondition(
        status, resource, Conditions.RECONCILING, true, "retrying after an error: " + message);
    if (!status.equals(resource.getStatus())) {
      try {
        write(resource, status);
      } catch (KubernetesClientException writeFailed) {
        log.debug(
            "Could not record the error in status: {}",
            Masker.standard().maskThrowable(writeFailed));
      }
    }
  }

  private void setErrorCondition(
      AppDeploymentStatus status,
      AppDeployment resource,
      String type,
      boolean value,
      String message) {
    status.setConditions(
        Conditions.set(
            status.getConditions(),
            type,
            value,
            "ReconcileError",
            message,
            resource.getMetadata().getGeneration(),
            clock.instant()));
  }

  /**
   * Writes {@code status} as it is (already masked).
   *
   * @return false when the write was refused as stale
   */
  boolean write(AppDeployment resource, AppDeploymentStatus status) {
    AppDeployment copy = client.getKubernetesSerialization().clone(resource);
    copy.setStatus(status);
    try {
      client.resource(copy).updateStatus();
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      log.debug("Status write refused as stale; reconciling again on fresh data");
      return false;
    }
  }
}
