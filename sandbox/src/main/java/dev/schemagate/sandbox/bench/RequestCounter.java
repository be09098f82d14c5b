package dev.schemagate.sandbox.bench;

import dev.schemagate.runtime.SchemagateOperator;
import dev.schemagate.testing.ApiRequest;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the operator's requests to the mock API server (told apart by its User-Agent, so the
 * harness's and the kubelet simulator's own requests do not count), by verb and resource. A
 * background thread drains what the server records, so the server's queue does not grow.
 */
final class RequestCounter implements AutoCloseable {

  private static final Set<String> READS = Set.of("get", "list", "watch");

  private final KubernetesMockServer server;
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
  private final Thread drainer;
  private volatile boolean running = true;
  private volatile long drained;

  RequestCounter(KubernetesMockServer server) {
    this.server = server;
    this.drainer = new Thread(this::drain, "request-counter");
    drainer.setDaemon(true);
    drainer.start();
  }

  private void drain() {
    while (running) {
      try {
        RecordedRequest r = server.takeRequest(100, TimeUnit.MILLISECONDS);
        if (r == null) {
          continue;
        }
        String agent = r.getHeader("User-Agent");
        if (agent != null && agent.startsWith(SchemagateOperator.USER_AGENT)) {
          ApiRequest.of(r.getMethod(), r.getPath())
              .ifPresent(
                  a ->
                      counts
                          .computeIfAbsent(a.verb() + " " + a.ruleResource(), k -> new LongAdder())
                          .increment());
        }
        drained++;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Waits until the server's queue is drained (the requests sent so far are counted). */
  Counts snapshot() throws InterruptedException {
    long last;
    do {
      last = drained;
      Thread.sleep(300);
    } while (drained != last);
    Map<String, Long> copy = new TreeMap<>();
    counts.forEach((k, v) -> copy.put(k, v.sum()));
    return new Counts(copy);
  }

  @Override
  public void close() {
    running = false;
    drainer.interrupt();
  }

  /** Requests by "verb resource", e.g. {@code get secrets}. */
  record Counts(Map<String, Long> byKind) {

    Counts minus(Counts earlier) {
      Map<String, Long> diff = new TreeMap<>();
      byKind.forEach(
          (k, v) -> {
            long d = v - earlier.byKind.getOrDefault(k, 0L);
            if (d != 0) {
              diff.put(k, d);
            }
          });
      return new Counts(diff);
    }

    long reads() {
      return byKind.entrySet().stream()
          .filter(e -> READS.contains(e.getKey().split(" ")[0]))
          .mapToLong(Map.Entry::getValue)
          .sum();
    }

    long writes() {
      return total() - reads();
    }

    long total() {
      return byKind.values().stream().mapToLong(Long::longValue).sum();
    }
  }
}
