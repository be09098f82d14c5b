package dev.schemagate.lifecycle;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.ComponentSpec;
import dev.schemagate.lifecycle.Action.CaptureLogTail;
import dev.schemagate.lifecycle.Action.CreateJob;
import dev.schemagate.lifecycle.Action.DeleteJob;
import dev.schemagate.lifecycle.Action.EnsureDeployment;
import dev.schemagate.masking.Masker;
import dev.schemagate.workload.ComponentDeployments;
import dev.schemagate.workload.Labels;
import dev.schemagate.workload.MigrationJobs;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Carries out a plan's actions: the only place the lifecycle writes Jobs and Deployments. */
final class Executor {

  private static final Logger log = LoggerFactory.getLogger(Executor.class);

  private final KubernetesClient client;
  private final String operatorImage;
  private final java.util.function.BooleanSupplier leading;

  /**
   * @param leading whether this replica still holds the leader Lease: checked before every write,
   *     so that a replica which lost it (and is stopping) does not act after another took over
   */
  Executor(
      KubernetesClient client, String operatorImage, java.util.function.BooleanSupplier leading) {
    this.client = client;
    this.operatorImage = operatorImage;
    this.leading = leading;
  }

  /**
   * What carrying out a plan found out, for the status recorder: the plan itself is not changed.
   *
   * @param logTail the failed migration pod's log tail (bounded and masked), or null
   */
  record Results(String logTail) {}

  /**
   * @param cached the component Deployments of the informer cache, by name: read from there, not
   *     from the API server, so a steady AppDeployment costs no requests
   */
  Results execute(AppDeployment owner, Plan plan, Masker masker, Map<String, Deployment> cached) {
    String revision = plan.status().getRevision();
    String tail = null;
    for (Action action : plan.actions()) {
      if (!leading.getAsBoolean()) {
        throw new IllegalStateException(
            "not the leader any more: " + action.getClass().getSimpleName() + " not carried out");
      }
      if (action instanceof CreateJob create) {
        createJob(owner, create, revision);
      } else if (action instanceof Action.CreateContractJob create) {
        createIfAbsent(
            MigrationJobs.buildContract(owner, create.name(), revision, create.retryToken()),
            "contract-phase Job " + create.name() + " for revision " + revision);
      } else if (action instanceof DeleteJob delete) {
        deleteJob(owner, delete);
      } else if (action instanceof EnsureDeployment ensure) {
        ensureDeployment(owner, ensure, revision, cached);
      } else if (action instanceof Action.RemoveComponent remove) {
        removeComponent(owner, remove);
      } else if (action instanceof Action.LogRolloutDiagnostics) {
        RolloutDiagnostics.log(client, owner, revision);
      } else if (action instanceof CaptureLogTail capture) {
        tail = LogTail.of(logTail(owner, capture, masker), masker);
      }
    }
    return new Results(tail);
  }

  /**
   * Deletes what this AppDeployment owns, nothing else of that name. Deleting what is already gone
   * is fine: a stale cache may ask twice.
   */
  private void removeComponent(AppDeployment owner, Action.RemoveComponent remove) {
    String namespace = owner.getMetadata().getNamespace();
    deleteIfOwned(
        owner, client.apps().deployments().inNamespace(namespace).withName(remove.deployment()));
    deleteIfOwned(owner, client.services().inNamespace(namespace).withName(remove.deployment()));
    log.info(
        "Deleted Deployment {} (and its Service, if any): component {} left spec.components",
        remove.deployment(),
        remove.component());
  }

  private static <T extends io.fabric8.kubernetes.api.model.HasMetadata> void deleteIfOwned(
      AppDeployment owner, io.fabric8.kubernetes.client.dsl.Resource<T> resource) {
    T current = resource.get();
    if (current == null) {
      return;
    }
    if (!Labels.isControlledBy(current, owner)) {
      log.warn(
          "Not deleting {} {}: it is not owned by this AppDeployment",
          current.getKind(),
          current.getMetadata().getName());
      return;
    }
    resource.delete();
  }

  private void createJob(AppDeployment owner, CreateJob create, String revision) {
    createIfAbsent(
        MigrationJobs.build(owner, create.name(), revision, create.retryToken(), operatorImage),
        "migration Job " + create.name() + " for revision " + revision);
  }

  private void createIfAbsent(io.fabric8.kubernetes.api.model.batch.v1.Job job, String what) {
    try {
      client.resource(job).create();
      log.info("Created {}", what);
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      // The deterministic name makes a second create fail: the Job is there, which is the goal.
      log.info("Not creating {} again: it already exists", what);
    }
  }

  private void deleteJob(AppDeployment owner, DeleteJob delete) {
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(owner.getMetadata().getNamespace())
        .withName(delete.name())
        .withPropagationPolicy(DeletionPropagation.BACKGROUND)
        .delete();
    log.info("Deleted Job {}: {}", delete.name(), delete.why());
  }

  private void ensureDeployment(
      AppDeployment owner,
      EnsureDeployment ensure,
      String revision,
      Map<String, Deployment> cached) {
    ComponentSpec component =
        owner.getSpec().getComponents().stream()
            .filter(c -> c.getName().equals(ensure.component()))
            .findFirst()
            .orElseThrow();
    String namespace = owner.getMetadata().getNamespace();
    String name = ComponentDeployments.name(owner, component.getName());
    Deployment existing = cached.get(name);
    if (existing == null) {
      createDeployment(
          ComponentDeployments.build(owner, component, revision, ensure.replicas(), operatorImage));
      ensureService(owner, component);
    } else if (ensure.newTemplate()) {
      Deployment desired =
          ComponentDeployments.build(owner, component, revision, ensure.replicas(), operatorImage);
      if (differs(existing, desired)) {
        client.resource(ComponentDeployments.applyTo(copy(existing), desired)).update();
        log.info(
            "Rolled Deployment {} to revision {} with {} replicas",
            name,
            revision,
            ensure.replicas());
        ensureService(owner, component);
      } else if (specChangedSinceLastStatus(owner)) {
        // A Service-only edit (its port) changes no Deployment. Services have no informer: they
        // are read only when the spec changed, not at every reconcile.
        ensureService(owner, component);
      }
    } else if (!Objects.equals(existing.getSpec().getReplicas(), ensure.replicas())) {
      Deployment scaled = copy(existing);
      scaled.getSpec().setReplicas(ensure.replicas());
      client.resource(scaled).update();
      log.info(
          "Scaled Deployment {} to {} replicas, keeping its revision", name, ensure.replicas());
    }
  }

  private static boolean specChangedSinceLastStatus(AppDeployment owner) {
    return owner.getStatus() == null
        || !Objects.equals(
            owner.getStatus().getObservedGeneration(), owner.getMetadata().getGeneration());
  }

  private void createDeployment(Deployment deployment) {
    try {
      client.resource(deployment).create();
      log.info(
          "Created Deployment {} with {} replicas",
          deployment.getMetadata().getName(),
          deployment.getSpec().getReplicas());
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      // The cache had not seen it yet; the next reconcile compares it with the spec.
    }
  }

  /** Never change an object of the informer cache in place. */
  private Deployment copy(Deployment cached) {
    return client.getKubernetesSerialization().clone(cached);
  }

  private static boolean differs(Deployment existing, Deployment desired) {
    String wanted = desired.getMetadata().getAnnotations().get(Labels.TEMPLATE_HASH);
    String actual =
        existing.getMetadata().getAnnotations() == null
            ? null
            : existing.getMetadata().getAnnotations().get(Labels.TEMPLATE_HASH);
    String wantedImage =
        desired.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    String actualImage =
        existing.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    Integer wantedDeadline = desired.getSpec().getProgressDeadlineSeconds();
    return !wanted.equals(actual)
        || !wantedImage.equals(actualImage)
        || !Objects.equals(existing.getSpec().getReplicas(), desired.getSpec().getReplicas())
        || (wantedDeadline != null
            && !wantedDeadline.equals(existing.getSpec().getProgressDeadlineSeconds()));
  }

  private void ensureService(AppDeployment owner, ComponentSpec component) {
    Service desired = ComponentDeployments.service(owner, component);
    if (desired == null) {
      return;
    }
    Service existing =
        client
            .services()
            .inNamespace(owner.getMetadata().getNamespace())
            .withName(desired.getMetadata().getName())
            .get();
    if (existing == null) {
      client.resource(desired).create();
    } else if (!Labels.isControlledBy(existing, owner)) {
      // Someone else's Service of that name: the planner reports the conflict; never take it.
      log.warn(
          "Not updating Service {}: it is not owned by this AppDeployment",
          desired.getMetadata().getName());
    } else if (!Objects.equals(existing.getSpec().getPorts(), desired.getSpec().getPorts())) {
      existing.getSpec().setPorts(desired.getSpec().getPorts());
      client.resource(existing).update();
    }
  }

  private String logTail(AppDeployment owner, CaptureLogTail capture, Masker masker) {
    // Rare (once per failed revision): a client of its own, without retries, closed right after.
    try (LogReader logs = new LogReader(client)) {
      return logs.tail(owner.getMetadata().getNamespace(), capture.pod(), LogTail.MAX_LINES);
    } catch (KubernetesClientException e) {
      return "(log of pod " + capture.pod() + " not available: " + masker.maskThrowable(e) + ")";
    }
  }
}
