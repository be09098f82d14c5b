package dev.schemagate.sandbox;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.AppDeploymentStatus;
import dev.schemagate.api.ComponentStatus;
import dev.schemagate.api.Phase;
import dev.schemagate.lifecycle.Conditions;
import dev.schemagate.workload.Labels;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;

/**
 * Follows one AppDeployment and tells what happens: the lifecycle's steps (each a {@link Step}
 * marker), the Events schemagate records, phase changes, and the masked config block the operator
 * logs when it rolls out.
 *
 * <p>Each step is read from what the operator and the cluster really hold: the Job and Deployment
 * objects, the status conditions (SchemaVerified, DependenciesReady, Ready), the migration Job's
 * own output, and the operator's ROLLOUT DIAGNOSTICS log block.
 */
final class Narrator implements AutoCloseable {

  /** The lifecycle's steps, in the order a successful revision goes through them. */
  enum Step {
    JOB_CREATED("Job created"),
    CONTRACT_JOB_CREATED("contract Job"),
    MIGRATION_APPLIED("migration applied"),
    SCHEMA_VERIFIED("schema verified"),
    REDIS_PING("Redis PING"),
    CONFIG("config (masked)"),
    DEPLOYMENTS_SCALED("Deployments scaled"),
    READY("Ready");

    private final String label;

    Step(String label) {
      this.label = label;
    }

    /** How the step starts its timeline line. */
    String marker() {
      return "> " + label;
    }
  }

  private static final Pattern APPLYING = Pattern.compile("applying V(\\S+)");

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final Timeline timeline;
  private final RolloutDiagnosticsTap diagnostics;
  private final Set<String> seenEvents = new HashSet<>();
  private final Set<String> seenJobs = new HashSet<>();
  private final Set<String> seenConditions = new HashSet<>();
  private final Map<String, Integer> replicas = new HashMap<>();
  private final List<String> pendingBlocks = new ArrayList<>();
  private Phase lastPhase;

  Narrator(
      KubernetesClient client,
      String namespace,
      String name,
      Timeline timeline,
      RolloutDiagnosticsTap diagnostics) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
    this.timeline = timeline;
    this.diagnostics = diagnostics;
  }

  void step(String what, Object... args) {
    timeline.step(what, args);
  }

  private void step(Step step, String what, Object... args) {
    timeline.step("%-20s %s", step.marker(), what.formatted(args));
  }

  /** A migration Job exists: told once, by whoever sees it first (the narrator or the kubelet). */
  synchronized void jobSeen(Job job) {
    if (seenJobs.add(job.getMetadata().getName())) {
      step(
          Labels.isContract(job) ? Step.CONTRACT_JOB_CREATED : Step.JOB_CREATED,
          "%s (revision %s)",
          job.getMetadata().getName(),
          job.getMetadata().getLabels() == null
              ? "?"
              : job.getMetadata().getLabels().get(Labels.REVISION));
    }
  }

  /** A migration Job's pod finished its migration: {@code what} it applied. */
  synchronized void migrationApplied(Job job, String what) {
    jobSeen(job);
    step(Step.MIGRATION_APPLIED, "%s by Job %s", what, job.getMetadata().getName());
  }

  /** The versions a {@code schemagate migrate} run applied, from its output: V115..V117. */
  static String appliedVersions(String output) {
    List<String> versions =
        APPLYING.matcher(output).results().map(m -> "V" + m.group(1)).collect(Collectors.toList());
    if (versions.isEmpty()) {
      return "nothing pending";
    }
    return versions.size() == 1
        ? versions.get(0)
        : versions.get(0) + ".." + versions.get(versions.size() - 1);
  }

  AppDeployment awaitPhase(Phase phase) {
    return awaitAnyPhase(phase);
  }

  /** Waits until the current generation reaches one of {@code phases}; returns it as seen. */
  AppDeployment awaitAnyPhase(Phase... phases) {
    java.util.Set<Phase> wanted = java.util.Set.of(phases);
    return awaitStatus(a -> wanted.contains(a.getStatus().getPhase()));
  }

  /** Waits until the status of the current generation satisfies {@code wanted}; returns it. */
  AppDeployment awaitStatus(java.util.function.Predicate<AppDeployment> wanted) {
    return Awaitility.await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(50))
        .until(
            this::observe,
            a ->
                a != null
                    && a.getStatus() != null
                    && a.getMetadata().getGeneration().equals(a.getStatus().getObservedGeneration())
                    && wanted.test(a));
  }

  /**
   * One look at the cluster. The AppDeployment is read first: a Deployment scaled up or a config
   * block logged after that read waits for the next look, where the status that explains it (the
   * revision verified) is visible, so that the steps are told in the order they happened.
   */
  private synchronized AppDeployment observe() {
    AppDeployment current =
        client.resources(AppDeployment.class).inNamespace(namespace).withName(name).get();
    List<Deployment> deployments =
        client.apps().deployments().inNamespace(namespace).list().getItems().stream()
            .sorted(Comparator.comparing(d -> d.getMetadata().getName()))
            .collect(Collectors.toList());
    pendingBlocks.addAll(diagnostics.drain());
    client.batch().v1().jobs().inNamespace(namespace).list().getItems().stream()
        .sorted(Comparator.comparing(j -> j.getMetadata().getCreationTimestamp()))
        .forEach(this::jobSeen);
    List<Event> events = client.v1().events().inNamespace(namespace).list().getItems();
    events.stream()
        .filter(e -> seenEvents.add(e.getMetadata().getName()))
        .sorted(Comparator.comparing(Event::getFirstTimestamp))
        .forEach(e -> timeline.step("%-7s %-26s %s", e.getType(), e.getReason(), e.getMessage()));
    if (current == null || current.getStatus() == null) {
      return current;
    }
    AppDeploymentStatus status = current.getStatus();
    conditionTrue(status, Conditions.SCHEMA_VERIFIED, Step.SCHEMA_VERIFIED);
    conditionTrue(status, Conditions.DEPENDENCIES_READY, Step.REDIS_PING);
    boolean verified =
        status.getRevision() != null && status.getRevision().equals(status.getVerifiedRevision());
    if (verified) {
      pendingBlocks.forEach(
          block -> {
            step(Step.CONFIG, "the operator's rollout diagnostics, as it logs them:");
            timeline.text(indent(block));
          });
      pendingBlocks.clear();
    }
    scaled(deployments, verified);
    conditionTrue(status, Conditions.READY, Step.READY);
    if (status.getPhase() != lastPhase) {
      lastPhase = status.getPhase();
      timeline.step("phase: %s", lastPhase);
    }
    return current;
  }

  /** Tells a condition that became True for this generation, once. */
  private void conditionTrue(AppDeploymentStatus status, String type, Step step) {
    Condition condition = Conditions.find(status.getConditions(), type);
    if (condition != null
        && "True".equals(condition.getStatus())
        && seenConditions.add(type + "@" + condition.getObservedGeneration())) {
      step(step, "%s: %s", condition.getReason(), condition.getMessage());
    }
  }

  /**
   * Tells the Deployments' replica changes. Scaling up waits until the revision is verified in the
   * status the operator wrote: the operator scales before it writes the status that says why.
   */
  private void scaled(List<Deployment> deployments, boolean verified) {
    List<String> changes = new ArrayList<>();
    List<String> held = new ArrayList<>();
    for (Deployment deployment : deployments) {
      String component = deployment.getMetadata().getName();
      int now = deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas();
      Integer before = replicas.get(component);
      if (before == null && now == 0) {
        held.add(component);
      } else if ((before == null || before != now) && (verified || now == 0)) {
        changes.add(component + " " + (before == null ? 0 : before) + " -> " + now);
      } else {
        continue;
      }
      replicas.put(component, now);
    }
    if (!held.isEmpty()) {
      step(
          "Deployments %s created at 0 replicas: held until the revision is verified",
          String.join(", ", held));
    }
    if (!changes.isEmpty()) {
      step(Step.DEPLOYMENTS_SCALED, "%s", String.join(", ", changes));
    }
  }

  private static String indent(String block) {
    return block.lines().map(line -> "    " + line).collect(Collectors.joining("\n"));
  }

  /** What kubectl get and kubectl describe would print now. */
  void show(AppDeployment appd) {
    showGet(appd);
    timeline.text("$ kubectl describe appd " + name + " -n " + namespace + "   (excerpt)");
    timeline.text(KubectlView.describe(appd));
  }

  /** What kubectl get would print now. */
  void showGet(AppDeployment appd) {
    timeline.text("");
    timeline.text("$ kubectl get appd -n " + namespace);
    timeline.text(KubectlView.get(List.of(appd), Instant.now()));
  }

  String componentImages(AppDeployment appd) {
    return appd.getStatus().getComponents().stream()
        .map(c -> c.getName() + "=" + c.getImage() + " x" + c.getReadyReplicas())
        .collect(Collectors.joining(", "));
  }

  static int ready(ComponentStatus component) {
    return component.getReadyReplicas() == null ? 0 : component.getReadyReplicas();
  }

  @Override
  public void close() {
    // Nothing to release: the narrator only reads.
  }
}
