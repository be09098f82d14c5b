package dev.schemagate.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.javaoperatorsdk.operator.RuntimeInfo;
import io.javaoperatorsdk.operator.health.InformerHealthIndicator;
import io.javaoperatorsdk.operator.health.InformerWrappingEventSourceHealthIndicator;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * {@code /healthz} (the operator has started), {@code /readyz} (every informer is synced and
 * healthy, or this replica is a standby waiting for the leader Lease) for the container's liveness
 * and readiness probes, and {@code /metrics} in the Prometheus text format. The JDK's own HTTP
 * server: three plain endpoints do not justify a web framework.
 */
public final class HealthServer implements AutoCloseable {

  private final HttpServer server;

  private HealthServer(HttpServer server) {
    this.server = server;
  }

  public static HealthServer start(
      int port, RuntimeInfo runtime, Leadership leadership, PrometheusMeterRegistry metrics) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
      server.createContext("/healthz", exchange -> respond(exchange, () -> live(runtime)));
      server.createContext(
          "/readyz", exchange -> respond(exchange, () -> ready(runtime, leadership)));
      server.createContext("/metrics", exchange -> scrape(exchange, metrics));
      server.setExecutor(Executors.newSingleThreadExecutor(HealthServer::daemon));
      server.start();
      return new HealthServer(server);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen for health checks on port " + port, e);
    }
  }

  private static Thread daemon(Runnable runnable) {
    Thread thread = new Thread(runnable, "schemagate-health");
    thread.setDaemon(true);
    return thread;
  }

  static Check live(RuntimeInfo runtime) {
    return runtime.isStarted() ? Check.ok() : Check.failed("operator not started");
  }

  static Check ready(RuntimeInfo runtime, Leadership leadership) {
    if (!runtime.isStarted()) {
      return Check.failed("operator not started");
    }
    if (leadership.isStandby()) {
      // A standby has no informers yet; failing readiness would only hide it from /metrics.
      return new Check(
          true, "standby: waiting for the leader Lease (leader: " + leadership.leader() + ")");
    }
    if (runtime.allEventSourcesAreHealthy()) {
      return Check.ok();
    }
    String informers = describe(runtime.unhealthyInformerWrappingEventSourceHealthIndicator());
    return Check.failed(
        "event sources not ready: "
            + (informers.isEmpty() ? runtime.unhealthyEventSources().toString() : informers));
  }

  /** controller/event source/namespace: running, synced, watching - what an operator asks first. */
  @SuppressWarnings({"rawtypes", "unchecked"}) // RuntimeInfo hands out the raw indicator type
  private static String describe(
      Map<String, Map<String, InformerWrappingEventSourceHealthIndicator>> unhealthy) {
    StringJoiner out = new StringJoiner("; ");
    unhealthy.forEach(
        (controller, sources) ->
            sources.forEach(
                (source, indicator) -> {
                  Map<String, InformerHealthIndicator> informers =
                      indicator.informerHealthIndicators();
                  informers.forEach(
                      (namespace, informer) ->
                          out.add(
                              "%s/%s/%s running=%s synced=%s watching=%s"
                                  .formatted(
                                      controller,
                                      source,
                                      namespace,
                                      informer.isRunning(),
                                      informer.hasSynced(),
                                      informer.isWatching())));
                }));
    return out.toString();
  }

  private static void respond(HttpExchange exchange, Supplier<Check> check) throws IOException {
    Check result = check.get();
    send(exchange, result.healthy() ? 200 : 503, "text/plain; charset=utf-8", result.message());
  }

  private static void scrape(HttpExchange exchange, PrometheusMeterRegistry metrics)
      throws IOException {
    send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
  }

  private static void send(HttpExchange exchange, int status, String contentType, String text)
      throws IOException {
    byte[] body = (text.endsWith("\n") ? text : text + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  /** The outcome of one probe. */
  record Check(boolean healthy, String message) {
    static Check ok() {
      return new Check(true, "ok");
    }

    static Check failed(String why) {
      return new Check(false, why);
    }
  }
}
