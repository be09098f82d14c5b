package dev.schemagate.lifecycle;

import dev.schemagate.workload.Labels;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a migration Job and its pods the way a human would: Kubernetes' own verdict first
 * (Complete, Failed with BackoffLimitExceeded or DeadlineExceeded), then what Kubernetes never
 * fails a Job for: a pod stuck waiting on its image or configuration longer than a grace period.
 */
public final class JobStates {

  /** Waiting reasons Kubernetes retries forever; a migration stuck in one will never finish. */
  static final Set<String> STUCK_REASONS =
      Set.of("ImagePullBackOff", "ErrImagePull", "CreateContainerConfigError", "InvalidImageName");

  private JobStates() {}

  public static JobView view(Job job, List<Pod> pods, Instant now, Duration stuckGrace) {
    String name = job.getMetadata().getName();
    String revision = job.getMetadata().getLabels().get(Labels.REVISION);
    String token =
        job.getMetadata().getAnnotations() == null
            ? ""
            : job.getMetadata().getAnnotations().getOrDefault(Labels.RETRY, "");
    Instant created = instant(job.getMetadata().getCreationTimestamp());
    Instant started = job.getStatus() == null ? null : instant(job.getStatus().getStartTime());
    Optional<JobCondition> complete = terminal(job, "Complete");
    if (complete.isPresent()) {
      Instant finished = instant(job.getStatus().getCompletionTime());
      return new JobView(
          name,
          revision,
          token,
          JobView.Phase.Succeeded,
          null,
          null,
          null,
          started,
          finished != null ? finished : instant(complete.get().getLastTransitionTime()),
          null,
          created);
    }
    String failedPod = newestFailedPod(pods);
    Optional<JobCondition> failed = terminal(job, "Failed");
    if (failed.isPresent()) {
      return new JobView(
          name,
          revision,
          token,
          JobView.Phase.Failed,
          failed.get().getReason(),
          failed.get().getMessage(),
          failedPod,
          started,
          instant(failed.get().getLastTransitionTime()),
          null,
          created);
    }
    Instant recheckAt = null;
    for (Pod pod : pods) {
      Optional<ContainerStatus> stuck = stuckContainer(pod);
      if (stuck.isEmpty()) {
        continue;
      }
      Instant since = instant(pod.getMetadata().getCreationTimestamp());
      Instant deadline = (since == null ? now : since).plus(stuckGrace);
      String reason = stuck.get().getState().getWaiting().getReason();
      if (!now.isBefore(deadline)) {
        String message =
            "pod "
                + pod.getMetadata().getName()
                + " stuck in "
                + reason
                + " for more than "
                + stuckGrace.toMinutes()
                + " min: "
                + Optional.ofNullable(stuck.get().getState().getWaiting().getMessage()).orElse("");
        return new JobView(
            name,
            revision,
            token,
            JobView.Phase.Failed,
            reason,
            message.strip(),
            null,
            started,
            now,
            null,
            created);
      }
      recheckAt = recheckAt == null || deadline.isBefore(recheckAt) ? deadline : recheckAt;
    }
    return new JobView(
        name,
        revision,
        token,
        JobView.Phase.Running,
        null,
        null,
        null,
        started,
        null,
        recheckAt,
        created);
  }

  private static Optional<JobCondition> terminal(Job job, String type) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return job.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
        .findFirst();
  }

  private static Optional<ContainerStatus> stuckContainer(Pod pod) {
    if (pod.getStatus() == null) {
      return Optional.empty();
    }
    return java.util.stream.Stream.concat(
            Optional.ofNullable(pod.getStatus().getInitContainerStatuses())
                .orElse(List.of())
                .stream(),
            Optional.ofNullable(pod.getStatus().getContainerStatuses()).orElse(List.of()).stream())
        .filter(s -> s.getState() != null && s.getState().getWaiting() != null)
        .filter(s -> STUCK_REASONS.contains(s.getState().getWaiting().getReason()))
        .findFirst();
  }

  private static String newestFailedPod(List<Pod> pods) {
    return pods.stream()
        .filter(p -> p.getStatus() != null && "Failed".equals(p.getStatus().getPhase()))
        .max(
            Comparator.comparing(
                p -> p.getMetadata().getCreationTimestamp(),
                Comparator.nullsFirst(Comparator.naturalOrder())))
        .map(p -> p.getMetadata().getName())
        .orElse(null);
  }

  private static Instant instant(String timestamp) {
    return timestamp == null ? null : Instant.parse(timestamp);
  }
}
