package dev.schemagate.reliability;

import dev.schemagate.workload.Labels;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Watches every Deployment write as the API server receives it and remembers each one whose pod
 * template carries (annotation {@code schemagate.dev/revision}) a revision no migration completed:
 * with replicas above zero it would run it; an update at zero could be scaled into running it. Only
 * the creation at zero replicas of a first install carries the revision being migrated. A test's
 * migration calls {@link #built} once it has really built the schema of a Job's revision.
 */
final class RolloutAudit {

  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private final String namespace;
  private final Set<String> built = ConcurrentHashMap.newKeySet();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final List<String> scaledUp = new CopyOnWriteArrayList<>();

  RolloutAudit(FaultyApiServer server, String namespace) {
    this.namespace = namespace;
    server.onRequest(this::inspect);
  }

  /** The schema of this Job's revision is really in the database from now on. */
  void built(Job job) {
    built.add(job.getMetadata().getLabels().get(Labels.REVISION));
  }

  /** Deployment writes that ran an unbuilt revision; must stay empty. */
  List<String> violations() {
    return List.copyOf(violations);
  }

  /** Revisions some write gave replicas above zero, in order. */
  List<String> scaledUp() {
    return List.copyOf(scaledUp);
  }

  private void inspect(RecordedRequest request) {
    String prefix = "/apis/apps/v1/namespaces/" + namespace + "/deployments";
    String path = request.getPath();
    boolean write = Set.of("POST", "PUT", "PATCH").contains(request.getMethod().toUpperCase());
    if (!write || !path.startsWith(prefix) || path.contains("/status") || path.contains("/scale")) {
      return;
    }
    Deployment deployment = JSON.unmarshal(FaultyApiServer.body(request), Deployment.class);
    Integer replicas = deployment.getSpec() == null ? null : deployment.getSpec().getReplicas();
    Map<String, String> annotations =
        deployment.getSpec().getTemplate().getMetadata().getAnnotations();
    String revision = annotations == null ? null : annotations.get(Labels.REVISION);
    boolean running = replicas == null || replicas > 0;
    if (running) {
      scaledUp.add(revision);
    }
    // A first install creates the Deployments at 0 replicas with the revision being migrated
    // (documented); anything else carrying an unbuilt revision would run it, or could be scaled
    // into running it.
    boolean createdIdle = request.getMethod().equalsIgnoreCase("POST") && !running;
    if (!createdIdle && !built.contains(revision)) {
      violations.add(
          request.getMethod()
              + " "
              + path
              + ": "
              + replicas
              + " replicas of revision "
              + revision
              + ", built so far: "
              + built);
    }
  }
}
