package dev.schemagate.sandbox;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.ComponentStatus;
import dev.schemagate.api.Phase;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;

/**
 * Follows one AppDeployment and tells what happens: phase changes and the Events schemagate
 * records.
 */
final class Narrator implements AutoCloseable {

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final Timeline timeline;
  private final Set<String> seenEvents = new HashSet<>();
  private Phase lastPhase;

  Narrator(KubernetesClient client, String namespace, String name, Timeline timeline) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
    this.timeline = timeline;
  }

  void step(String what, Object... args) {
    timeline.step(what, args);
  }

  AppDeployment awaitPhase(Phase phase) {
    return Awaitility.await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(50))
        .until(
            this::observe,
            a ->
                a != null
                    && a.getStatus() != null
                    && a.getStatus().getPhase() == phase
                    && a.getMetadata()
                        .getGeneration()
                        .equals(a.getStatus().getObservedGeneration()));
  }

  private AppDeployment observe() {
    List<Event> events = client.v1().events().inNamespace(namespace).list().getItems();
    events.stream()
        .filter(e -> seenEvents.add(e.getMetadata().getName()))
        .sorted(Comparator.comparing(Event::getFirstTimestamp))
        .forEach(e -> timeline.step("%-7s %-26s %s", e.getType(), e.getReason(), e.getMessage()));
    AppDeployment current =
        client.resources(AppDeployment.class).inNamespace(namespace).withName(name).get();
    if (current != null
        && current.getStatus() != null
        && current.getStatus().getPhase() != lastPhase) {
      lastPhase = current.getStatus().getPhase();
      timeline.step("phase: %s", lastPhase);
    }
    return current;
  }

  /** What kubectl get and kubectl describe would print now. */
  void show(AppDeployment appd) {
    timeline.text("");
    timeline.text("$ kubectl get appd -n " + namespace);
    timeline.text(KubectlView.get(List.of(appd), Instant.now()));
    timeline.text("$ kubectl describe appd " + name + " -n " + namespace + "   (excerpt)");
    timeline.text(KubectlView.describe(appd));
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
