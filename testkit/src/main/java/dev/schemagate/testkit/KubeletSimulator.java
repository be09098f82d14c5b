package dev.schemagate.testkit;

import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIPBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stands in for the kubelet on an API server that has none, acting only through the API as the real
 * one does, so that the code under test sees exactly what it would see in a cluster. It plays the
 * objects a label selector matches, in one namespace, several, or all.
 *
 * <p><b>The kubelet alone</b> ({@link #pods}), on a control plane whose controllers run
 * (kube-controller-manager): writes the status subresource of each matching Pod as a kubelet would,
 * according to a scenario {@code Pod -> PodOutcome}; the Job, ReplicaSet and Deployment controllers
 * compute their own status from it.
 *
 * <ul>
 *   <li>{@link PodOutcome#RUNNING_READY}: phase Running, every container running and ready, Ready
 *       and ContainersReady True.
 *   <li>{@link PodOutcome#SUCCEEDED} / {@link PodOutcome#FAILED}: first Running (as above), then
 *       after {@link Builder#runFor(Duration)} phase Succeeded / Failed, every container terminated
 *       with exit code 0 (reason Completed) / {@link Builder#exitCode(int)} (reason Error), Ready
 *       False.
 *   <li>{@link PodOutcome#RUNNING_NOT_READY}: phase Running, every container running but not ready
 *       (a readiness probe that never passes), Ready False; stays so.
 *   <li>{@link PodOutcome#CRASH_LOOP}: phase Running, every container waiting with reason
 *       CrashLoopBackOff after exiting 1, restartCount 3, Ready False; stays so.
 *   <li>{@link PodOutcome#STUCK_IMAGE_PULL}: phase Pending, every container waiting with reason
 *       ImagePullBackOff, Ready False; stays so.
 *   <li>{@link PodOutcome#IGNORE}: the Pod is left alone (Pending, no status), like a pod no node
 *       picked up.
 * </ul>
 *
 * <p>Each Pod is played once (by UID); terminating Pods and Pods already in a final phase are
 * skipped. Status is written with a strategic merge patch of {@code pods/status}, as the kubelet
 * does. Pods are not bound to a node unless {@link Builder#bindTo(String)} is used: the Job,
 * ReplicaSet and Deployment controllers only look at the status (phase, conditions, container
 * states), not at {@code spec.nodeName}.
 *
 * <p><b>The kubelet with the Job and Deployment controllers</b> ({@link
 * #KubeletSimulator(KubernetesClient, Set, Map)} then {@link #start()}), on an API server with no
 * controllers at all (the Fabric8 mock server): runs matching Jobs to the {@link Outcome} a
 * scenario chooses, and gives matching Deployments the pods, ready replicas and conditions they
 * would get - or, when a scenario says a pod template's pods never become ready, a rolling update
 * that keeps the old pods serving. Pods get their template's labels and annotations, as the real
 * controllers give them.
 */
public final class KubeletSimulator implements AutoCloseable {

  /** What a Job does when it runs (the kubelet with the controllers). */
  public enum Outcome {
    SUCCEED,
    FAIL,
    STUCK_IMAGE_PULL,
    RUN_UNTIL_RELEASED
  }

  /** A scenario's Job: a side effect (e.g. real SQL) and the outcome to report. */
  public interface Migration {
    Outcome run(Job job);
  }

  /**
   * How the pods of a Deployment's current pod template behave (the kubelet with the controllers).
   */
  public enum PodReadiness {
    /** They become ready at once; the old template's pods go. */
    READY,
    /** They never become ready; the old template's pods keep serving. */
    NEVER_READY,
    /** As NEVER_READY, and the Deployment is past its progress deadline. */
    PAST_PROGRESS_DEADLINE
  }

  /** What happens to a Pod (the kubelet alone). */
  public enum PodOutcome {
    RUNNING_READY,
    RUNNING_NOT_READY,
    CRASH_LOOP,
    SUCCEEDED,
    FAILED,
    STUCK_IMAGE_PULL,
    IGNORE
  }

  /** One status write of the kubelet alone, for assertions and debugging. */
  public record Step(String pod, String phase, Instant at) {}

  /** Name prefix of the simulators' threads (one per simulator, then the namespaces). */
  public static final String THREAD_PREFIX = "kubelet-simulator-";

  private static final Logger log = LoggerFactory.getLogger(KubeletSimulator.class);
  private static final AtomicInteger IP_COUNTER = new AtomicInteger(1);

  /** Marks the pods it made with the pod template they were made from. */
  private static final String TEMPLATE = "simulator.schemagate.dev/template";

  private final KubernetesClient client;
  private final Set<String> namespaces;
  private final String label;
  private final Map<String, String> selector;
  private final ScheduledThreadPoolExecutor worker;
  private final List<SharedIndexInformer<?>> informers = new CopyOnWriteArrayList<>();
  private final List<Throwable> errors = new CopyOnWriteArrayList<>();

  // The kubelet with the controllers.
  private final Map<String, Boolean> started = new ConcurrentHashMap<>();
  private final Map<String, Job> held = new ConcurrentHashMap<>();
  private volatile Function<Job, Outcome> migration = job -> Outcome.SUCCEED;

  /** Set by {@link #release}: held Jobs, also those about to be held, end with it. */
  private volatile Outcome released;

  private volatile Duration jobRunTime = Duration.ofMillis(200);
  private volatile Function<Deployment, PodReadiness> componentPods = d -> PodReadiness.READY;

  // The kubelet alone.
  private final Function<Pod, PodOutcome> podScenario;
  private final Duration runFor;
  private final int exitCode;
  private final String node;
  private final Set<String> played = ConcurrentHashMap.newKeySet();
  private final List<Step> steps = new CopyOnWriteArrayList<>();
  private final Map<String, String> containerIds = new ConcurrentHashMap<>();

  /**
   * Plays the kubelet with the Job and Deployment controllers for the Jobs and Deployments of one
   * namespace that {@code selector} matches, so tests sharing an API server stay apart; a null
   * namespace means every namespace.
   */
  public KubeletSimulator(KubernetesClient client, String namespace, Map<String, String> selector) {
    this(client, namespace == null ? null : Set.of(namespace), selector);
  }

  /**
   * As above for several namespaces with one worker thread and one pair of watches (benchmarks with
   * many namespaces: a simulator per namespace would multiply the watches); null means every
   * namespace.
   */
  public KubeletSimulator(
      KubernetesClient client, Set<String> namespaces, Map<String, String> selector) {
    this(client, namespaces, selector, null, null);
  }

  private KubeletSimulator(
      KubernetesClient client,
      Set<String> namespaces,
      Map<String, String> selector,
      Builder kubelet,
      Function<Pod, PodOutcome> podScenario) {
    this.client = client;
    this.namespaces = namespaces == null ? null : Set.copyOf(namespaces);
    this.label = namespaces == null ? "(all)" : String.join(",", new TreeSet<>(namespaces));
    this.selector = Map.copyOf(selector);
    this.podScenario = podScenario;
    this.runFor = kubelet == null ? null : kubelet.runFor;
    this.exitCode = kubelet == null ? 1 : kubelet.exitCode;
    this.node = kubelet == null ? null : kubelet.node;
    this.worker =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread thread = new Thread(r, THREAD_PREFIX + label);
              thread.setDaemon(true);
              return thread;
            });
  }

  /** The kubelet alone, for the Pods of {@code namespace}; see {@link Builder}. */
  public static Builder pods(KubernetesClient client, String namespace) {
    return new Builder(client, namespace);
  }

  /** Options of the kubelet alone; {@link #start(Function)} starts watching. */
  public static final class Builder {
    private final KubernetesClient client;
    private final String namespace;
    private final Map<String, String> labels = new LinkedHashMap<>();
    private Duration runFor = Duration.ofMillis(200);
    private int exitCode = 1;
    private String node;

    private Builder(KubernetesClient client, String namespace) {
      this.client = client;
      this.namespace = namespace;
    }

    /** Only Pods with this label. */
    public Builder label(String key, String value) {
      labels.put(key, value);
      return this;
    }

    /** How long a SUCCEEDED/FAILED Pod runs before it terminates (default 200 ms). */
    public Builder runFor(Duration duration) {
      this.runFor = duration;
      return this;
    }

    /** Exit code of FAILED containers (default 1). */
    public Builder exitCode(int code) {
      this.exitCode = code;
      return this;
    }

    /**
     * Binds every played Pod to this node (creating a Node object if needed) via the {@code
     * pods/binding} subresource, as the scheduler would. Needed only by code that looks at {@code
     * spec.nodeName}; note that without a real kubelet the node never heartbeats, so the node
     * lifecycle controller marks it NotReady after its grace period (about 50 s) and then marks its
     * Pods not ready.
     */
    public Builder bindTo(String nodeName) {
      this.node = nodeName;
      return this;
    }

    public KubeletSimulator start(Function<Pod, PodOutcome> scenario) {
      KubeletSimulator simulator =
          new KubeletSimulator(
              client, Set.of(namespace), labels, this, Objects.requireNonNull(scenario));
      simulator.startPods();
      return simulator;
    }
  }

  // ------------------------------------------------------------ the kubelet with the controllers

  /** Starts watching the Jobs and Deployments the selector matches. */
  public KubeletSimulator start() {
    if (podScenario != null) {
      throw new IllegalStateException("the kubelet alone starts with Builder.start");
    }
    informers.add(
        client
            .batch()
            .v1()
            .jobs()
            .inAnyNamespace()
            .withLabels(selector)
            .inform(handler(this::onJob)));
    informers.add(
        client
            .apps()
            .deployments()
            .inAnyNamespace()
            .withLabels(selector)
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
                  .withLabels(selector)
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
          log.info("simulator {}: releasing {} held Jobs with {}", label, held.size(), outcome);
          held.values().forEach(job -> safely(j -> finish(j, outcome), job));
          held.clear();
        });
  }

  private <T extends HasMetadata> ResourceEventHandler<T> handler(Consumer<T> onChange) {
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

  private boolean mine(HasMetadata obj) {
    return namespaces == null || namespaces.contains(obj.getMetadata().getNamespace());
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
    log.info("simulator {}: starting Job {}", label, job.getMetadata().getName());
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
                log.info("simulator {}: holding Job {}", label, job.getMetadata().getName());
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
        .withAnnotations(job.getSpec().getTemplate().getMetadata().getAnnotations())
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
    Map<String, String> podSelector = deployment.getSpec().getSelector().getMatchLabels();
    String template = templateOf(deployment);
    List<Pod> current = new ArrayList<>();
    List<Pod> old = new ArrayList<>();
    for (Pod pod : client.pods().inNamespace(namespace).withLabels(podSelector).list().getItems()) {
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

  /**
   * Which pod template a Deployment runs: a hash of the template, as the Deployment controller's
   * {@code pod-template-hash}.
   */
  private String templateOf(Deployment deployment) {
    String json = client.getKubernetesSerialization().asJson(deployment.getSpec().getTemplate());
    return Integer.toHexString(json.hashCode());
  }

  private static String annotation(io.fabric8.kubernetes.api.model.HasMetadata object, String key) {
    Map<String, String> annotations = object.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(key);
  }

  private <T> void safely(Consumer<T> action, T obj) {
    try {
      action.accept(obj);
    } catch (RuntimeException e) {
      errors.add(e);
      log.warn("simulator step failed: {}", e.toString());
    }
  }

  // ------------------------------------------------------------------------- the kubelet alone

  private void startPods() {
    if (node != null && client.nodes().withName(node).get() == null) {
      client
          .resource(
              new NodeBuilder()
                  .withNewMetadata()
                  .withName(node)
                  .addToLabels("kubernetes.io/hostname", node)
                  .endMetadata()
                  .build())
          .create();
    }
    ResourceEventHandler<Pod> handler =
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Pod pod) {
            offer(pod);
          }

          @Override
          public void onUpdate(Pod old, Pod pod) {
            offer(pod);
          }

          @Override
          public void onDelete(Pod pod, boolean unknownFinalState) {
            // nothing to do
          }
        };
    for (String namespace : namespaces) {
      var pods = client.pods().inNamespace(namespace);
      informers.add(
          selector.isEmpty()
              ? pods.inform(handler, 0)
              : pods.withLabels(selector).inform(handler, 0));
    }
  }

  /**
   * Ends a pod the scenario left {@link PodOutcome#RUNNING_READY}: its containers exit with 0
   * (Succeeded) or 1 (Failed), as a kubelet would report it.
   */
  public void complete(Pod pod, boolean succeeded) {
    worker.execute(
        () -> {
          try {
            Pod current =
                client
                    .pods()
                    .inNamespace(pod.getMetadata().getNamespace())
                    .withName(pod.getMetadata().getName())
                    .get();
            Instant start = Instant.parse(current.getStatus().getStartTime());
            write(
                current,
                terminated(current, current.getStatus().getPodIP(), start, succeeded ? 0 : 1));
          } catch (RuntimeException e) {
            errors.add(e);
          }
        });
  }

  /** Makes a pod the scenario held not ready ready, as a kubelet does once its probe passes. */
  public void makeReady(Pod pod) {
    worker.execute(
        () -> {
          try {
            Pod current =
                client
                    .pods()
                    .inNamespace(pod.getMetadata().getNamespace())
                    .withName(pod.getMetadata().getName())
                    .get();
            write(
                current,
                running(
                    current,
                    current.getStatus().getPodIP(),
                    Instant.parse(current.getStatus().getStartTime())));
          } catch (RuntimeException e) {
            errors.add(e);
          }
        });
  }

  /**
   * Status writes waiting for the simulator's thread: Pods seen but not yet played, and Pods still
   * to be terminated (including those whose run time has not elapsed yet).
   */
  public int backlog() {
    return worker.getQueue().size();
  }

  /** Every status write so far, in order. */
  public List<Step> steps() {
    return List.copyOf(steps);
  }

  /** Names of the Pods played so far. */
  public Set<String> playedPods() {
    Set<String> names = new java.util.TreeSet<>();
    steps.forEach(s -> names.add(s.pod()));
    return Collections.unmodifiableSet(names);
  }

  /** Failures to write a status (e.g. the Pod was deleted meanwhile); empty normally. */
  public List<Throwable> errors() {
    return List.copyOf(errors);
  }

  private void offer(Pod pod) {
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
      return;
    }
    if (!played.add(pod.getMetadata().getUid())) {
      return;
    }
    worker.execute(() -> play(pod));
  }

  private void play(Pod pod) {
    PodOutcome outcome;
    try {
      outcome = Objects.requireNonNull(podScenario.apply(pod), "scenario returned null");
    } catch (RuntimeException e) {
      errors.add(e);
      return;
    }
    if (outcome == PodOutcome.IGNORE) {
      return;
    }
    String ip =
        "10.244." + (IP_COUNTER.get() / 250) % 250 + "." + (IP_COUNTER.getAndIncrement() % 250 + 1);
    Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    try {
      if (node != null) {
        bind(pod);
      }
      switch (outcome) {
        case RUNNING_READY -> write(pod, running(pod, ip, start));
        case RUNNING_NOT_READY -> write(pod, notReady(pod, running(pod, ip, start), null));
        case CRASH_LOOP -> write(pod, notReady(pod, running(pod, ip, start), crashLoop()));
        case STUCK_IMAGE_PULL -> write(pod, imagePullBackOff(pod, ip, start));
        case SUCCEEDED, FAILED -> {
          write(pod, running(pod, ip, start));
          worker.schedule(
              () -> {
                try {
                  write(
                      pod,
                      terminated(pod, ip, start, outcome == PodOutcome.SUCCEEDED ? 0 : exitCode));
                } catch (RuntimeException e) {
                  errors.add(e);
                }
              },
              runFor.toMillis(),
              TimeUnit.MILLISECONDS);
        }
        default -> throw new IllegalStateException(outcome.toString());
      }
    } catch (RuntimeException e) {
      errors.add(e);
    }
  }

  private void bind(Pod pod) {
    if (pod.getSpec().getNodeName() != null) {
      return;
    }
    try {
      client
          .bindings()
          .inNamespace(pod.getMetadata().getNamespace())
          .resource(
              new BindingBuilder()
                  .withNewMetadata()
                  .withName(pod.getMetadata().getName())
                  .endMetadata()
                  .withNewTarget()
                  .withKind("Node")
                  .withApiVersion("v1")
                  .withName(node)
                  .endTarget()
                  .build())
          .create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }

  private void write(Pod pod, PodStatus status) {
    String json = client.getKubernetesSerialization().asJson(Map.of("status", status));
    client
        .pods()
        .inNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName())
        .subresource("status")
        .patch(PatchContext.of(PatchType.STRATEGIC_MERGE), json);
    steps.add(new Step(pod.getMetadata().getName(), status.getPhase(), Instant.now()));
  }

  // ------------------------------------------------------------------------------ statuses

  private PodStatus running(Pod pod, String ip, Instant start) {
    List<ContainerStatus> containers = new ArrayList<>();
    for (Container c : pod.getSpec().getContainers()) {
      containers.add(
          container(
              pod,
              c,
              true,
              new ContainerStateBuilder()
                  .withNewRunning()
                  .withStartedAt(ts(start))
                  .endRunning()
                  .build()));
    }
    return base(pod, "Running", ip, start, true, containers);
  }

  /**
   * A running pod whose containers are not ready; with {@code waiting}, they are not running either
   * (restarted three times, waiting as given).
   */
  private PodStatus notReady(Pod pod, PodStatus status, ContainerState waiting) {
    for (ContainerStatus container : status.getContainerStatuses()) {
      container.setReady(false);
      if (waiting != null) {
        container.setState(waiting);
        container.setStarted(false);
        container.setRestartCount(3);
      }
    }
    for (PodCondition condition : status.getConditions()) {
      if (condition.getType().equals("Ready") || condition.getType().equals("ContainersReady")) {
        condition.setStatus("False");
        condition.setReason("ContainersNotReady");
        condition.setMessage("containers with unready status: " + names(pod));
      }
    }
    return status;
  }

  private static ContainerState crashLoop() {
    return new ContainerStateBuilder()
        .withNewWaiting()
        .withReason("CrashLoopBackOff")
        .withMessage("back-off 40s restarting failed container")
        .endWaiting()
        .build();
  }

  private PodStatus terminated(Pod pod, String ip, Instant start, int code) {
    String finished = ts(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    List<ContainerStatus> containers = new ArrayList<>();
    for (Container c : pod.getSpec().getContainers()) {
      ContainerState state =
          new ContainerStateBuilder()
              .withNewTerminated()
              .withExitCode(code)
              .withReason(code == 0 ? "Completed" : "Error")
              .withStartedAt(ts(start))
              .withFinishedAt(finished)
              .withContainerID(containerId(pod, c))
              .endTerminated()
              .build();
      containers.add(container(pod, c, false, state));
    }
    return base(pod, code == 0 ? "Succeeded" : "Failed", ip, start, false, containers);
  }

  private PodStatus imagePullBackOff(Pod pod, String ip, Instant start) {
    List<ContainerStatus> containers = new ArrayList<>();
    for (Container c : pod.getSpec().getContainers()) {
      ContainerState state =
          new ContainerStateBuilder()
              .withNewWaiting()
              .withReason("ImagePullBackOff")
              .withMessage("Back-off pulling image \"" + c.getImage() + "\"")
              .endWaiting()
              .build();
      containers.add(
          new ContainerStatusBuilder()
              .withName(c.getName())
              .withImage(c.getImage())
              .withImageID("")
              .withReady(false)
              .withStarted(false)
              .withRestartCount(0)
              .withState(state)
              .build());
    }
    PodStatus status = base(pod, "Pending", ip, start, false, containers);
    for (PodCondition condition : status.getConditions()) {
      if (condition.getType().equals("Ready") || condition.getType().equals("ContainersReady")) {
        condition.setReason("ContainersNotReady");
        condition.setMessage("containers with unready status: " + names(pod));
      }
    }
    return status;
  }

  private ContainerStatus container(Pod pod, Container c, boolean running, ContainerState state) {
    return new ContainerStatusBuilder()
        .withName(c.getName())
        .withImage(c.getImage())
        .withImageID(c.getImage() + "@sha256:" + "0".repeat(64))
        .withContainerID(containerId(pod, c))
        .withReady(running)
        .withStarted(running)
        .withRestartCount(0)
        .withState(state)
        .build();
  }

  private PodStatus base(
      Pod pod,
      String phase,
      String ip,
      Instant start,
      boolean ready,
      List<ContainerStatus> containers) {
    String now = ts(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    boolean terminal = phase.equals("Succeeded") || phase.equals("Failed");
    List<PodCondition> conditions = new ArrayList<>();
    conditions.add(condition("PodReadyToStartContainers", !terminal, ts(start), null));
    conditions.add(condition("Initialized", true, ts(start), terminal ? "PodCompleted" : null));
    conditions.add(
        condition(
            "Ready", ready, now, ready ? null : terminal ? "PodCompleted" : "ContainersNotReady"));
    conditions.add(
        condition(
            "ContainersReady",
            ready,
            now,
            ready ? null : terminal ? "PodCompleted" : "ContainersNotReady"));
    conditions.add(condition("PodScheduled", true, ts(start), null));
    return new PodStatusBuilder()
        .withPhase(phase)
        .withConditions(conditions)
        .withContainerStatuses(containers)
        .withPodIP(ip)
        .withPodIPs(new PodIPBuilder().withIp(ip).build())
        .withStartTime(ts(start))
        .build();
  }

  private static PodCondition condition(String type, boolean status, String time, String reason) {
    return new PodConditionBuilder()
        .withType(type)
        .withStatus(status ? "True" : "False")
        .withLastTransitionTime(time)
        .withReason(reason)
        .build();
  }

  private static String names(Pod pod) {
    return "["
        + String.join(" ", pod.getSpec().getContainers().stream().map(Container::getName).toList())
        + "]";
  }

  private String containerId(Pod pod, Container c) {
    return containerIds.computeIfAbsent(
        pod.getMetadata().getUid() + "/" + c.getName(), k -> "containerd://" + randomHex());
  }

  private static String randomHex() {
    byte[] bytes = new byte[32];
    java.util.concurrent.ThreadLocalRandom.current().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static String ts(Instant instant) {
    return instant.toString();
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
    worker.shutdownNow();
  }
}
