package dev.schemagate.lifecycle;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.masking.Masker;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Records Kubernetes Events on an AppDeployment (what {@code kubectl describe} shows), masked. */
final class EventRecorder {

  static final String SOURCE = "schemagate";
  private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);

  private final KubernetesClient client;

  EventRecorder(KubernetesClient client) {
    this.client = client;
  }

  void record(AppDeployment owner, Plan.Note note, Masker masker, Instant now) {
    String message = masker.maskText(note.message());
    String type = note.warning() ? "Warning" : "Normal";
    Event event =
        new EventBuilder()
            .withNewMetadata()
            .withName(
                owner.getMetadata().getName() + "." + UUID.randomUUID().toString().substring(0, 13))
            .withNamespace(owner.getMetadata().getNamespace())
            .endMetadata()
            .withNewInvolvedObject()
            .withApiVersion(owner.getApiVersion())
            .withKind(owner.getKind())
            .withName(owner.getMetadata().getName())
            .withNamespace(owner.getMetadata().getNamespace())
            .withUid(owner.getMetadata().getUid())
            .withResourceVersion(owner.getMetadata().getResourceVersion())
            .endInvolvedObject()
            .withType(type)
            .withReason(note.reason())
            .withMessage(message)
            .withCount(1)
            .withFirstTimestamp(now.toString())
            .withLastTimestamp(now.toString())
            .withNewSource()
            .withComponent(SOURCE)
            .endSource()
            .withReportingComponent(SOURCE)
            .build();
    if (note.warning()) {
      log.warn("{}: {}", note.reason(), message);
    } else {
      log.info("{}: {}", note.reason(), message);
    }
    try {
      client.v1().events().resource(event).create();
    } catch (KubernetesClientException e) {
      // An Event is a courtesy: failing to record one must not fail the reconcile.
      log.warn("Could not record Event {}: {}", note.reason(), masker.maskThrowable(e));
    }
  }
}
