package dev.schemagate.node;

import dev.schemagate.workload.Labels;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * Every pod event of a namespace, in the order one watch delivered them: the API server's order of
 * what the kubelet and the controllers wrote, so "before" means before, whatever the clocks say.
 */
final class PodEvents implements AutoCloseable {

  /** One event: its place in the order, when it arrived, what happened to which pod. */
  record Event(int index, long nanos, Watcher.Action action, Pod pod) {
    String name() {
      return pod.getMetadata().getName();
    }

    boolean deleted() {
      return action == Watcher.Action.DELETED;
    }

    /** A pod of an AppDeployment's component (not of a migration Job). */
    boolean component() {
      return pod.getMetadata().getLabels() != null
          && pod.getMetadata().getLabels().containsKey(Labels.COMPONENT);
    }

    boolean appRunningOrDone() {
      ContainerStatus app = firstContainer();
      return app != null
          && (app.getState().getRunning() != null || app.getState().getTerminated() != null);
    }

    boolean appTerminated() {
      ContainerStatus app = firstContainer();
      return app != null && app.getState().getTerminated() != null;
    }

    private ContainerStatus firstContainer() {
      List<ContainerStatus> statuses =
          pod.getStatus() == null ? null : pod.getStatus().getContainerStatuses();
      return statuses == null || statuses.isEmpty() ? null : statuses.get(0);
    }
  }

  private final List<Event> seen = new CopyOnWriteArrayList<>();
  private final Watch watch;

  private PodEvents(KubernetesClient client, String namespace) {
    this.watch =
        client
            .pods()
            .inNamespace(namespace)
            .watch(
                new Watcher<>() {
                  @Override
                  public synchronized void eventReceived(Action action, Pod pod) {
                    seen.add(new Event(seen.size(), System.nanoTime(), action, pod));
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
  }

  static PodEvents watch(KubernetesClient client, String namespace) {
    return new PodEvents(client, namespace);
  }

  List<Event> seen() {
    return List.copyOf(seen);
  }

  /** The index of the first event as wanted, or -1. */
  int first(Predicate<Event> wanted) {
    return seen.stream().filter(wanted).mapToInt(Event::index).findFirst().orElse(-1);
  }

  /** The index of the last event as wanted, or -1. */
  int last(Predicate<Event> wanted) {
    return seen.stream().filter(wanted).mapToInt(Event::index).reduce((a, b) -> b).orElse(-1);
  }

  long millisBetween(int from, int to) {
    return (seen.get(to).nanos() - seen.get(from).nanos()) / 1_000_000;
  }

  @Override
  public void close() {
    watch.close();
  }
}
