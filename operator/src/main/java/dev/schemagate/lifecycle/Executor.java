package dev.schemagate.lifecycle;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.ComponentSpec;
import dev.schemagate.lifecycle.Action.CaptureLogTail;
import dev.schemagate.lifecycle.Action.CreateJob;
import dev.schemagate.lifecycle.Action.DeleteJob;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out a plan's writes, as they are: the only place the lifecycle writes Jobs, Deployments
 * and Services. What to write is the planner's; this decides nothing.
 */
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
   * The Deployments and Services of the informer cache, by name: what a roll, a scale or a
   * Service's ports are applied to, read from there and not from the API server, so a steady
   * AppDeployment costs no requests.
   */
  record Cached(Map<String, Deployment> deployments, Map<String, Service> services) {
    static final Cached NONE = new Cached(Map.of(), Map.of());
  }

  /** Carries out the plan's writes, in order; decides nothing. */
  Results execute(AppDeployment owner, Plan plan, Masker masker, Cached cached) {
    String revision = plan.status().getRevision();
    String tail = null;
    for (Action action : plan.writes()) {
      if (!leading.getAsBoolean()) {
        throw new IllegalStateException(
            "not the leader any more: " + action.getClass().getSimpleName() + " not carried out");
      }
      if (action instanceof CreateJob create) {
        createJob(owner, create, revision);
      } else if (action instanceof Action.CreateContractJob create) {
        createIfAbsent(
            MigrationJobs.buildContract(
                owner, create.name(), revision, create.retryToken(), operatorImage),
            "contract-phase Job " + create.name() + " for revision " + revision);
      } else if (action instanceof DeleteJob delete) {
        deleteJob(owner, delete);
      } else if (action instanceof Action.CreateDeployment create) {
        createDeployment(
            ComponentDeployments.build(
                owner,
                component(owner, create.component()),
                revision,
                create.replicas(),
                operatorImage));
      } else if (action instanceof Action.RollDeployment roll) {
        rollDeployment(owner, roll, revision, cached);
      } else if (action instanceof Action.ScaleDeployment scale) {
        scaleDeployment(owner, scale, cached);
      } else if (action instanceof Action.EnsureService ensure) {
        ensureService(owner, component(owner, ensure.component()), cached);
      } else if (action instanceof Action.RemoveComponent remove) {
        removeComponent(owner, remove);
      } else if (action instanceof Action.LogRolloutDiagnostics) {
        RolloutDiagnostics.log(client, owner, revision);
      } else if (action instanceof CaptureLogTail capture) {
        tail = LogTail.of(logTail(owner, capture, masker), masker);
      } else {
        throw new IllegalArgumentException(
            action + " is a decision, not a write: the planner resolves it");
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

  private static ComponentSpec component(AppDeployment owner, String name) {
    return owner.getSpec().getComponents().stream()
        .filter(c -> c.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private void rollDeployment(
      AppDeployment owner, Action.RollDeployment roll, String revision, Cached cached) {
    String name = ComponentDeployments.name(owner, roll.component());
    Deployment existing = cached.deployments().get(name);
    if (existing == null) {
      log.info("Not rolling Deployment {}: no longer in the cache, decided again next", name);
      return;
    }
    Deployment desired =
        ComponentDeployments.build(
            owner, component(owner, roll.component()), revision, roll.replicas(), operatorImage);
    client.resource(ComponentDeployments.applyTo(copy(existing), desired)).update();
    log.info(
        "Rolled Deployment {} to revision {} with {} replicas", name, revision, roll.replicas());
  }

  private void scaleDeployment(AppDeployment owner, Action.ScaleDeployment scale, Cached cached) {
    String name = ComponentDeployments.name(owner, scale.component());
    Deployment existing = cached.deployments().get(name);
    if (existing == null) {
      log.info("Not scaling Deployment {}: no longer in the cache, decided again next", name);
      return;
    }
    Deployment scaled = copy(existing);
    scaled.getSpec().setReplicas(scale.replicas());
    client.resource(scaled).update();
    log.info("Scaled Deployment {} to {} replicas, keeping its revision", name, scale.replicas());
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
  private <T extends io.fabric8.kubernetes.api.model.HasMetadata> T copy(T cached) {
    return client.getKubernetesSerialization().clone(cached);
  }

  private void ensureService(AppDeployment owner, ComponentSpec component, Cached cached) {
    Service desired = ComponentDeployments.service(owner, component);
    if (desired == null) {
      return;
    }
    String name = desired.getMetadata().getName();
    Service existing = cached.services().get(name);
    if (existing == null) {
      try {
        client.resource(desired).create();
        log.info("Created Service {}", name);
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
          throw e;
        }
        // The cache had not seen it yet; the next reconcile compares it with the spec.
      }
    } else if (!Labels.isControlledBy(existing, owner)) {
      // Someone else's Service of that name: the planner reports the conflict; never take it.
      log.warn("Not updating Service {}: it is not owned by this AppDeployment", name);
    } else {
      Service updated = copy(existing);
      updated.getSpec().setPorts(desired.getSpec().getPorts());
      client.resource(updated).update();
      log.info("Set the ports of Service {}", name);
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
