package dev.schemagate.lifecycle;

import dev.schemagate.workload.SchemaGateContainer;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Why a component's pods are not ready, as the kubelet and the ReplicaSet controller say it: a
 * Deployment's counts alone ("Available: 0/1") do not tell a refused pod from a missing image from
 * a schema the gate refuses. Pure: reads objects, no I/O.
 */
final class PodProblems {

  /** Waiting reasons that do not go away by waiting. */
  private static final Set<String> STUCK =
      Set.of(
          "ErrImagePull",
          "ImagePullBackOff",
          "InvalidImageName",
          "CrashLoopBackOff",
          "CreateContainerConfigError",
          "CreateContainerError",
          "RunContainerError");

  private static final int MAX_MESSAGE = 300;

  private PodProblems() {}

  /** The first problem found, or null: pods refused at creation, then a pod's own. */
  static String of(Deployment deployment, List<Pod> pods) {
    if (deployment.getStatus() != null && deployment.getStatus().getConditions() != null) {
      for (DeploymentCondition condition : deployment.getStatus().getConditions()) {
        if ("ReplicaFailure".equals(condition.getType()) && "True".equals(condition.getStatus())) {
          return "pods cannot be created: " + cut(condition.getMessage());
        }
      }
    }
    for (Pod pod : pods) {
      if (pod.getMetadata().getDeletionTimestamp() != null || pod.getStatus() == null) {
        continue;
      }
      String problem = problem(pod);
      if (problem != null) {
        return "pod " + pod.getMetadata().getName() + ": " + problem;
      }
    }
    return null;
  }

  private static String problem(Pod pod) {
    List<ContainerStatus> init = orEmpty(pod.getStatus().getInitContainerStatuses());
    for (ContainerStatus gate : init) {
      if (!SchemaGateContainer.NAME.equals(gate.getName())
          || Boolean.TRUE.equals(gate.getReady())) {
        continue;
      }
      ContainerStateTerminated refused = terminated(gate);
      if (refused != null && refused.getExitCode() != null && refused.getExitCode() != 0) {
        String said = refused.getMessage() == null ? "" : ": " + gateSaid(refused.getMessage());
        return "the schema gate refused to start it (exit "
            + refused.getExitCode()
            + ")"
            + cut(said);
      }
    }
    List<ContainerStatus> all = new ArrayList<>(init);
    all.addAll(orEmpty(pod.getStatus().getContainerStatuses()));
    for (ContainerStatus container : all) {
      var waiting = container.getState() == null ? null : container.getState().getWaiting();
      if (waiting != null && STUCK.contains(waiting.getReason())) {
        return "container "
            + container.getName()
            + " "
            + waiting.getReason()
            + (waiting.getMessage() == null ? "" : ": " + cut(waiting.getMessage()));
      }
    }
    for (ContainerStatus container : orEmpty(pod.getStatus().getContainerStatuses())) {
      if (Boolean.TRUE.equals(container.getReady())) {
        continue;
      }
      String crashed = crashed(container);
      if (crashed != null) {
        return crashed;
      }
      if (Boolean.TRUE.equals(container.getStarted()) && hasReadinessProbe(pod, container)) {
        // Running, and the kubelet's probe has not said ready: the usual start, or an app that
        // never serves; either way this is why the rollout waits.
        return "container " + container.getName() + " is running, its readiness probe not passing";
      }
    }
    return null;
  }

  /**
   * A container that keeps failing, seen between two of the kubelet's back-offs too, when it runs
   * again for a moment and is not waiting in CrashLoopBackOff: its restarts and last exit.
   */
  private static String crashed(ContainerStatus container) {
    ContainerStateTerminated last =
        container.getLastState() == null ? null : container.getLastState().getTerminated();
    if (container.getRestartCount() == null
        || container.getRestartCount() == 0
        || last == null
        || last.getExitCode() == null
        || last.getExitCode() == 0) {
      return null;
    }
    return "container "
        + container.getName()
        + " keeps failing: restarted "
        + container.getRestartCount()
        + " times, last exit "
        + last.getExitCode()
        + (last.getReason() == null ? "" : " (" + last.getReason() + ")");
  }

  private static boolean hasReadinessProbe(Pod pod, ContainerStatus container) {
    return pod.getSpec() != null
        && orEmpty(pod.getSpec().getContainers()).stream()
            .anyMatch(
                c -> c.getName().equals(container.getName()) && c.getReadinessProbe() != null);
  }

  /** The current termination, or the last one while the kubelet waits to restart it. */
  private static ContainerStateTerminated terminated(ContainerStatus status) {
    if (status.getState() != null && status.getState().getTerminated() != null) {
      return status.getState().getTerminated();
    }
    return status.getLastState() == null ? null : status.getLastState().getTerminated();
  }

  /**
   * What the gate said, from its termination message (its last log lines): its problem lines
   * (marked ❌, the header left out), else its last line with words.
   */
  private static String gateSaid(String message) {
    List<String> lines = message.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    List<String> problems =
        lines.stream()
            .filter(l -> l.startsWith("❌"))
            .map(l -> l.substring(1).strip())
            .filter(l -> !l.startsWith("CRITICAL"))
            .toList();
    if (!problems.isEmpty()) {
      return String.join("; ", problems);
    }
    return lines.stream()
        .filter(l -> l.chars().anyMatch(Character::isLetterOrDigit))
        .reduce((first, second) -> second)
        .orElse("");
  }

  private static String cut(String text) {
    if (text == null) {
      return "";
    }
    return text.length() > MAX_MESSAGE ? text.substring(0, MAX_MESSAGE) + "..." : text;
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
