package dev.schemagate.controlplane;

import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIPBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
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
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Stands in for the kubelet on a control plane that has none: watches the Pods of a namespace
 * (optionally only those with some labels) and writes their status subresource as a kubelet would,
 * according to a scenario {@code Pod -> Outcome}.
 *
 * <ul>
 *   <li>{@link Outcome#RUNNING_READY}: phase Running, every container running and ready, Ready and
 *       ContainersReady True.
 *   <li>{@link Outcome#SUCCEEDED} / {@link Outcome#FAILED}: first Running (as above), then after
 *       {@link Builder#runFor(Duration)} phase Succeeded / Failed, every container terminated with
 *       exit code 0 (reason Completed) / {@link Builder#exitCode(int)} (reason Error), Ready False.
 *   <li>{@link Outcome#RUNNING_NOT_READY}: phase Running, every container running but not ready (a
 *       readiness probe that never passes), Ready False; stays so.
 *   <li>{@link Outcome#CRASH_LOOP}: phase Running, every container waiting with reason
 *       CrashLoopBackOff after exiting 1, restartCount 3, Ready False; stays so.
 *   <li>{@link Outcome#STUCK_IMAGE_PULL}: phase Pending, every container waiting with reason
 *       ImagePullBackOff, Ready False; stays so.
 *   <li>{@link Outcome#IGNORE}: the Pod is left alone (Pending, no status), like a pod no node
 *       picked up.
 * </ul>
 *
 * <p>Each Pod is played once (by UID); terminating Pods and Pods already in a final phase are
 * skipped. Status is written with a strategic merge patch of {@code pods/status}, as the kubelet
 * does. Pods are not bound to a node unless {@link Builder#bindTo(String)} is used: the Job,
 * ReplicaSet and Deployment controllers only look at the status (phase, conditions, container
 * states), not at {@code spec.nodeName}.
 */
public final class PodSimulator implements AutoCloseable {

  /** What happens to a Pod. */
  public enum Outcome {
    RUNNING_READY,
    RUNNING_NOT_READY,
    CRASH_LOOP,
    SUCCEEDED,
    FAILED,
    STUCK_IMAGE_PULL,
    IGNORE
  }

  /** One status write, for assertions and debugging. */
  public record Step(String pod, String phase, Instant at) {}

  public static Builder builder(KubernetesClient client, String namespace) {
    return new Builder(client, namespace);
  }

  /** Options; {@link #start(Function)} starts watching. */
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

    public PodSimulator start(Function<Pod, Outcome> scenario) {
      PodSimulator simulator = new PodSimulator(this, scenario);
      simulator.start();
      return simulator;
    }
  }

  /** Name prefix of the simulators' threads (one per simulator, then the namespace). */
  public static final String THREAD_PREFIX = "pod-simulator-";

  private static final AtomicInteger IP_COUNTER = new AtomicInteger(1);

  private final KubernetesClient client;
  private final String namespace;
  private final Map<String, String> labels;
  private final Duration runFor;
  private final int exitCode;
  private final String node;
  private final Function<Pod, Outcome> scenario;
  private final Set<String> played = ConcurrentHashMap.newKeySet();
  private final List<Step> steps = new CopyOnWriteArrayList<>();
  private final List<Throwable> errors = new CopyOnWriteArrayList<>();
  private final ScheduledThreadPoolExecutor executor;
  private SharedIndexInformer<Pod> informer;

  private PodSimulator(Builder builder, Function<Pod, Outcome> scenario) {
    this.client = builder.client;
    this.namespace = builder.namespace;
    this.labels = Map.copyOf(builder.labels);
    this.runFor = builder.runFor;
    this.exitCode = builder.exitCode;
    this.node = builder.node;
    this.scenario = scenario;
    this.executor =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread thread = new Thread(r, THREAD_PREFIX + namespace);
              thread.setDaemon(true);
              return thread;
            });
  }

  private void start() {
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
    var pods = client.pods().inNamespace(namespace);
    informer =
        labels.isEmpty() ? pods.inform(handler, 0) : pods.withLabels(labels).inform(handler, 0);
  }

  /**
   * Ends a pod the scenario left {@link Outcome#RUNNING_READY}: its containers exit with 0
   * (Succeeded) or 1 (Failed), as a kubelet would report it.
   */
  public void complete(Pod pod, boolean succeeded) {
    executor.execute(
        () -> {
          try {
            Pod current =
                client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).get();
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
    executor.execute(
        () -> {
          try {
            Pod current =
                client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).get();
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
    return executor.getQueue().size();
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

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
    executor.shutdownNow();
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
    executor.execute(() -> play(pod));
  }

  private void play(Pod pod) {
    Outcome outcome;
    try {
      outcome = Objects.requireNonNull(scenario.apply(pod), "scenario returned null");
    } catch (RuntimeException e) {
      errors.add(e);
      return;
    }
    if (outcome == Outcome.IGNORE) {
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
          executor.schedule(
              () -> {
                try {
                  write(
                      pod, terminated(pod, ip, start, outcome == Outcome.SUCCEEDED ? 0 : exitCode));
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
          .inNamespace(namespace)
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
        .inNamespace(namespace)
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

  private final Map<String, String> containerIds = new ConcurrentHashMap<>();

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
}
