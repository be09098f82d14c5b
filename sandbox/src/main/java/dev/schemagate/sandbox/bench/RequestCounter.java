package dev.schemagate.sandbox.bench;

import dev.schemagate.runtime.SchemagateOperator;
import dev.schemagate.testkit.ApiRequest;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the operator's requests by verb and resource. Fed either by the mock API server (what it
 * recorded, told apart by the User-Agent so the harness's and the kubelet simulator's requests do
 * not count; a background thread drains the server's queue so it does not grow) or, on a real API
 * server, by an {@link Interceptor} on the operator's own client, which sees each request it sends.
 */
final class RequestCounter implements AutoCloseable {

  private static final Set<String> READS = Set.of("get", "list", "watch");

  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
  private final KubernetesMockServer server;
  private final Thread drainer;
  private volatile boolean running = true;
  private volatile long drained;

  private RequestCounter(KubernetesMockServer server) {
    this.server = server;
    if (server == null) {
      this.drainer = null;
    } else {
      this.drainer = new Thread(this::drain, "request-counter");
      drainer.setDaemon(true);
      drainer.start();
    }
  }

  /** Counts what the mock server records with the operator's User-Agent. */
  static RequestCounter ofMockServer(KubernetesMockServer server) {
    return new RequestCounter(server);
  }

  /** Counts what passes through {@link #interceptor()}. */
  static RequestCounter clientSide() {
    return new RequestCounter(null);
  }

  /** Counts every request (retries included) of the client it is added to. */
  Interceptor interceptor() {
    return new Interceptor() {
      @Override
      public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        URI uri = request.uri();
        record(
            request.method(),
            uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
      }
    };
  }

  void record(String method, String pathAndQuery) {
    ApiRequest.of(method, pathAndQuery)
        .ifPresent(
            a ->
                counts
                    .computeIfAbsent(a.verb() + " " + a.ruleResource(), k -> new LongAdder())
                    .increment());
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
          record(r.getMethod(), r.getPath());
        }
        drained++;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** The requests sent so far; with the mock server, once its queue is drained. */
  Counts snapshot() throws InterruptedException {
    if (drainer != null) {
      long last;
      do {
        last = drained;
        Thread.sleep(300);
      } while (drained != last);
    }
    Map<String, Long> copy = new TreeMap<>();
    counts.forEach((k, v) -> copy.put(k, v.sum()));
    return new Counts(copy);
  }

  @Override
  public void close() {
    running = false;
    if (drainer != null) {
      drainer.interrupt();
    }
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
