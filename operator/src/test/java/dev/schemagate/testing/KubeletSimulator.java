package dev.schemagate.testing;

import dev.schemagate.workload.Labels;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stands in for the kubelet and the Job and Deployment controllers on an API server that has none
 * (the Fabric8 mock server): runs migration Jobs to the outcome a scenario chooses, and gives
 * Deployments the pods, ready replicas and conditions they would get - or, when a scenario says a
 * pod template's pods never become ready, a rolling update that keeps the old pods serving. It acts
 * only through the API, as the real controllers do, so the operator sees exactly what it would see
 * in a cluster.
 */
public final class KubeletSimulator implements AutoCloseable {

  /** What a migration Job does when it runs. */
  public enum Outcome {
    SUCCEED,
    FAIL,
    STUCK_IMAGE_PULL,
    RUN_UNTIL_RELEASED
  }

  /** A scenario's migration: a side effect (e.g. real SQL) and the outcome to report. */
  public interface Migration {
    Outcome run(Job job);
  }

  private static final Logger log = LoggerFactory.getLogger(KubeletSimulator.class);

  private final KubernetesClient client;
  private final ScheduledExecutorService worker =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "kubelet-simulator"));
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private final Map<String, Boolean> started = new ConcurrentHashMap<>();
  private final Map<String, Job> held = new ConcurrentHashMap<>();
  private volatile Function<Job, Outcome> migration = job -> Outcome.SUCCEED;

  /** Set by {@link #release}: held Jobs, also those about to be held, end with it. */
  private volatile Outcome released;

  /** How the pods of a Deployment's current pod template behave. */
  public enum PodReadiness {
    /** They become ready at once; the old template's pods go. */
    READY,
    /** They never become ready; the old template's pods keep serving. */
    NEVER_READY,
    /** As NEVER_READY, and the Deployment is past its progress deadline. */
    PAST_PROGRESS_DEADLINE
  }

  /** Marks the pods it made with the pod template they were made from. */
  private static final String TEMPLATE = "simulator.schemagate.dev/template";

  private volatile Duration jobRunTime = Duration.ofMillis(200);
  private volatile Function<Deployment, PodReadiness> componentPods = d -> PodReadiness.READY;

  private final String namespace;
  private final java.util.Set<String> namespaces;

  /**
   * Simulates the nodes of one namespace, so tests sharing an API server stay apart; a null
   * namespace means every namespace.
   */
  public KubeletSimulator(KubernetesClient client, String namespace) {
    this(client, namespace == null ? null : java.util.Set.of(namespace));
  }

  /**
   * Simulates the nodes of several namespaces with one worker thread and one pair of watches
   * (benchmarks with many namespaces: a simulator per namespace would multiply the watches); null
   * means every namespace.
   */
  public KubeletSimulator(KubernetesClient client, java.util.Set<String> namespaces) {
    this.client = client;
    this.namespaces = namespaces == null ? null : java.util.Set.copyOf(namespaces);
    this.namespace =
        namespaces == null ? "(all)" : String.join(",", new java.util.TreeSet<>(namespaces));
  }

  public KubeletSimulator start() {
    informers.add(
        client
            .batch()
            .v1()
            .jobs()
            .inAnyNamespace()
            .withLabel(Labels.MANAGED_BY, Labels.MANAGER)
            .inform(handler(this::onJob)));
    informers.add(
        client
            .apps()
            .deployments()
            .inAnyNamespace()
            .withLabel(Labels.MANAGED_BY, Labels.MANAGER)
            .inform(handler(this::onDeployment)));
    return this;
  }

  /** How migration Jobs end from now on. */
  public KubeletSimulator migrations(Migration behaviour) {
    this.migration = behaviour::run;
    this.released = null;
    return this;
  }

  public KubeletSimulator jobRunTime(Duration runTime) {
    this.jobRunTime = runTime;
    return this;
  }

  /**
   * How the pods of each Deployment's current template behave from now on; the Deployments there
   * are played again with it (pods that were never ready become ready, say).
   */
  public KubeletSimulator componentPods(Function<Deployment, PodReadiness> behaviour) {
    this.componentPods = behaviour;
    if (!informers.isEmpty()) {
      worker.execute(
          () ->
              client
                  .apps()
                  .deployments()
                  .inAnyNamespace()
                  .withLabel(Labels.MANAGED_BY, Labels.MANAGER)
                  .list()
                  .getItems()
                  .stream()
                  .filter(this::mine)
                  .forEach(d -> safely(this::onDeployment, d)));
    }
    return this;
  }

  /** Finishes the Jobs held by {@link Outcome#RUN_UNTIL_RELEASED} with {@code outcome}. */
  public void release(Outcome outcome) {
    worker.execute(
        () -> {
          released = outcome;
          log.info("simulator {}: releasing {} held Jobs with {}", namespace, held.size(), outcome);
          held.values().forEach(job -> safely(j -> finish(j, outcome), job));
          held.clear();
        });
  }

  private <T extends io.fabric8.kubernetes.api.model.HasMetadata> ResourceEventHandler<T> handler(
      java.util.function.Consumer<T> onChange) {
    // The mock server's namespaced watches also deliver other namespaces' objects: filter here.
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        if (mine(obj)) {
          worker.execute(() -> safely(onChange, obj));
        }
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        if (mine(newObj)) {
          worker.execute(() -> safely(onChange, newObj));
        }
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {}
    };
  }

  private boolean mine(io.fabric8.kubernetes.api.model.HasMetadata obj) {
    return namespaces == null || namespaces.contains(obj.getMetadata().getNamespace());
  }

  private static <T> void safely(java.util.function.Consumer<T> action, T obj) {
    try {
      action.accept(obj);
    } catch (RuntimeException e) {
      log.warn("simulator step failed: {}", e.toString());
    }
  }

  private void onJob(Job job) {
    String key =
        job.getMetadata().getNamespace()
            + "/"
            + job.getMetadata().getName()
            + "/"
            + job.getMetadata().getUid();
    if (job.getStatus() != null
        && job.getStatus().getConditions() != null
        && !job.getStatus().getConditions().isEmpty()) {
      return;
    }
    if (started.putIfAbsent(key, true) != null) {
      return;
    }
    log.info("simulator {}: starting Job {}", namespace, job.getMetadata().getName());
    Pod template = podFor(job);
    // The mock server has no garbage collector: a retried Job's old pod is still there.
    client.resource(template).withGracePeriod(0).delete();
    Pod pod = client.resource(template).create();
    Job running =
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(job.getMetadata().getNamespace())
            .withName(job.getMetadata().getName())
            .get();
    running.setStatus(
        new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder()
            .withStartTime(Instant.now().toString())
            .withActive(1)
            .build());
    client.resource(running).updateStatus();
    worker.schedule(
        () -> {
          Outcome outcome = migration.apply(job);
          switch (outcome) {
            case STUCK_IMAGE_PULL -> markStuck(pod);
            case RUN_UNTIL_RELEASED -> {
              if (released != null) {
                finish(job, released);
              } else {
                held.put(key, job);
                log.info("simulator {}: holding Job {}", namespace, job.getMetadata().getName());
              }
            }
            default -> finish(job, outcome);
          }
        },
        jobRunTime.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private Pod podFor(Job job) {
    Map<String, String> labels =
        new HashMap<>(job.getSpec().getTemplate().getMetadata().getLabels());
    labels.put("batch.kubernetes.io/job-name", job.getMetadata().getName());
    labels.put("job-name", job.getMetadata().getName());
    return new PodBuilder()
        .withNewMetadata()
        .withName(job.getMetadata().getName() + "-pod")
        .withNamespace(job.getMetadata().getNamespace())
        .withLabels(labels)
        .withOwnerReferences(
            new OwnerReferenceBuilder()
                .withApiVersion("batch/v1")
                .withKind("Job")
                .withName(job.getMetadata().getName())
                .withUid(job.getMetadata().getUid())
                .withController(true)
                .build())
        .endMetadata()
        .withSpec(job.getSpec().getTemplate().getSpec())
        .withNewStatus()
        .withPhase("Running")
        .endStatus()
        .build();
  }

  private void markStuck(Pod pod) {
    Pod current = client.resource(pod).get();
    current.getStatus().setPhase("Pending");
    current
        .getStatus()
        .setContainerStatuses(
            List.of(
                new ContainerStatusBuilder()
                    .withName(current.getSpec().getContainers().get(0).getName())
                    .withNewState()
                    .withNewWaiting()
                    .withReason("ImagePullBackOff")
                    .withMessage(
                        "Back-off pulling image \""
                            + current.getSpec().getContainers().get(0).getImage()
                            + "\"")
                    .endWaiting()
                    .endState()
                    .build()));
    client.resource(current).updateStatus();
  }

  private void finish(Job job, Outcome outcome) {
    boolean ok = outcome == Outcome.SUCCEED;
    String namespace = job.getMetadata().getNamespace();
    client
        .pods()
        .inNamespace(namespace)
        .withLabel("job-name", job.getMetadata().getName())
        .list()
        .getItems()
        .forEach(
            p -> {
              p.getStatus().setPhase(ok ? "Succeeded" : "Failed");
              client.resource(p).updateStatus();
            });
    Job current =
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(namespace)
            .withName(job.getMetadata().getName())
            .get();
    if (current == null) {
      return;
    }
    String now = Instant.now().toString();
    current.getStatus().setActive(0);
    if (ok) {
      current.getStatus().setSucceeded(1);
      current.getStatus().setCompletionTime(now);
      current
          .getStatus()
          .setConditions(
              List.of(
                  new JobConditionBuilder()
                      .withType("Complete")
                      .withStatus("True")
                      .withLastTransitionTime(now)
                      .build()));
    } else {
      current.getStatus().setFailed(1);
      current
          .getStatus()
          .setConditions(
              List.of(
                  new JobConditionBuilder()
                      .withType("Failed")
                      .withStatus("True")
                      .withReason("BackoffLimitExceeded")
                      .withMessage("Job has reached the specified backoff limit")
                      .withLastTransitionTime(now)
                      .build()));
    }
    client.resource(current).updateStatus();
  }

  private void onDeployment(Deployment deployment) {
    String namespace = deployment.getMetadata().getNamespace();
    int wanted =
        deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas();
    Map<String, String> selector = deployment.getSpec().getSelector().getMatchLabels();
    String template = templateOf(deployment);
    List<Pod> current = new ArrayList<>();
    List<Pod> old = new ArrayList<>();
    for (Pod pod : client.pods().inNamespace(namespace).withLabels(selector).list().getItems()) {
      (template.equals(annotation(pod, TEMPLATE)) ? current : old).add(pod);
    }
    PodReadiness readiness = componentPods.apply(deployment);
    // A rolling update as the Deployment controller makes one with its defaults (maxSurge 25%
    // rounded up, maxUnavailable 25% rounded down): old pods go once new ones are available.
    int maxUnavailable = wanted / 4;
    int oldKept = 0;
    int updated = wanted;
    if (readiness != PodReadiness.READY && !old.isEmpty()) {
      int maxSurge = (wanted + 3) / 4;
      oldKept = Math.max(0, Math.min(old.size(), wanted - maxUnavailable));
      updated = Math.max(0, Math.min(wanted, wanted + maxSurge - oldKept));
    }
    trim(old, oldKept);
    trim(current, updated);
    for (int i = current.size(); i < updated; i++) {
      createPod(deployment, template);
    }
    int available = readiness == PodReadiness.READY ? wanted : oldKept;
    Deployment latest = client.resource(deployment).get();
    if (latest == null) {
      return;
    }
    var status =
        new DeploymentStatusBuilder()
            .withObservedGeneration(latest.getMetadata().getGeneration())
            .withReplicas(oldKept + updated)
            .withUpdatedReplicas(updated)
            .withReadyReplicas(available)
            .withAvailableReplicas(available)
            .withConditions(
                condition(
                    "Available",
                    available >= wanted - maxUnavailable,
                    available >= wanted - maxUnavailable
                        ? "MinimumReplicasAvailable"
                        : "MinimumReplicasUnavailable"),
                switch (readiness) {
                  case READY -> condition("Progressing", true, "NewReplicaSetAvailable");
                  case NEVER_READY -> condition("Progressing", true, "ReplicaSetUpdated");
                  case PAST_PROGRESS_DEADLINE ->
                      condition("Progressing", false, "ProgressDeadlineExceeded");
                })
            .build();
    if (!status.equals(latest.getStatus())) {
      latest.setStatus(status);
      client.resource(latest).updateStatus();
    }
  }

  private static io.fabric8.kubernetes.api.model.apps.DeploymentCondition condition(
      String type, boolean value, String reason) {
    return new io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder()
        .withType(type)
        .withStatus(value ? "True" : "False")
        .withReason(reason)
        .withMessage(
            "ProgressDeadlineExceeded".equals(reason)
                ? "ReplicaSet has timed out progressing."
                : reason)
        .build();
  }

  /** Deletes the pods beyond the first {@code keep}. */
  private void trim(List<Pod> pods, int keep) {
    for (int i = keep; i < pods.size(); i++) {
      client.resource(pods.get(i)).delete();
    }
  }

  private void createPod(Deployment deployment, String template) {
    client
        .resource(
            new PodBuilder()
                .withNewMetadataLike(deployment.getSpec().getTemplate().getMetadata())
                .withName(
                    deployment.getMetadata().getName()
                        + "-"
                        + Long.toHexString(System.nanoTime() & 0xffffff))
                .withNamespace(deployment.getMetadata().getNamespace())
                .addToAnnotations(TEMPLATE, template)
                .endMetadata()
                .withSpec(deployment.getSpec().getTemplate().getSpec())
                .withNewStatus()
                .withPhase("Running")
                .endStatus()
                .build())
        .create();
  }

  /** Which pod template a Deployment runs: the hash schemagate writes, else the revision. */
  private static String templateOf(Deployment deployment) {
    String hash = annotation(deployment, Labels.TEMPLATE_HASH);
    return hash != null
        ? hash
        : String.valueOf(
            deployment.getSpec().getTemplate().getMetadata().getAnnotations() == null
                ? null
                : deployment
                    .getSpec()
                    .getTemplate()
                    .getMetadata()
                    .getAnnotations()
                    .get(Labels.REVISION));
  }

  private static String annotation(io.fabric8.kubernetes.api.model.HasMetadata object, String key) {
    Map<String, String> annotations = object.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(key);
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
    worker.shutdownNow();
  }
}
