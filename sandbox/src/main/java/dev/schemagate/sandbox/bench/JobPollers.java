package dev.schemagate.sandbox.bench;

import dev.schemagate.workload.Labels;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The init-container way of waiting for a migration (as k8s-wait-for does): read the Job every
 * {@code interval} until it has succeeded. One loop per AppDeployment; records when each loop would
 * have released its pod.
 */
public final class JobPollers implements AutoCloseable {

  private final KubernetesClient client;
  private final String namespace;
  private final Duration interval;
  private final ScheduledExecutorService timer =
      Executors.newScheduledThreadPool(2, r -> new Thread(r, "job-poller"));
  private final Map<String, Instant> released = new ConcurrentHashMap<>();
  private final Map<String, ScheduledFuture<?>> loops = new ConcurrentHashMap<>();

  public JobPollers(KubernetesClient client, String namespace, Duration interval) {
    this.client = client;
    this.namespace = namespace;
    this.interval = interval;
  }

  /** Starts polling for {@code app}'s Job, first read at a random moment within one interval. */
  public void start(String app) {
    long offset = ThreadLocalRandom.current().nextLong(interval.toMillis());
    loops.put(
        app,
        timer.scheduleAtFixedRate(
            () -> poll(app), offset, interval.toMillis(), TimeUnit.MILLISECONDS));
  }

  private void poll(String app) {
    List<Job> jobs =
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(namespace)
            .withLabel(Labels.APPDEPLOYMENT, app)
            .list()
            .getItems();
    Instant now = Instant.now();
    boolean succeeded =
        jobs.stream()
            .anyMatch(
                j ->
                    j.getStatus() != null
                        && j.getStatus().getSucceeded() != null
                        && j.getStatus().getSucceeded() > 0);
    if (succeeded && released.putIfAbsent(app, now) == null) {
      loops.remove(app).cancel(false);
    }
  }

  /** When the loop for {@code app} saw its Job succeeded; null if it has not yet. */
  public Instant released(String app) {
    return released.get(app);
  }

  /** Waits until every loop has released, at most {@code timeout}. */
  public void awaitAll(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!loops.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
