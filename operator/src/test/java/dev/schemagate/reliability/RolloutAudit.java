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
 * Watches every Deployment write as the API server receives it and remembers each one that would
 * run a revision whose schema was not really built: a write with replicas above zero whose pod
 * template carries (annotation {@code schemagate.dev/revision}) a revision no migration completed.
 * A test's migration calls {@link #built} once it has really built the schema of a Job's revision.
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
    if (replicas == null || replicas == 0) {
      return;
    }
    Map<String, String> annotations =
        deployment.getSpec().getTemplate().getMetadata().getAnnotations();
    String revision = annotations == null ? null : annotations.get(Labels.REVISION);
    scaledUp.add(revision);
    if (!built.contains(revision)) {
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
