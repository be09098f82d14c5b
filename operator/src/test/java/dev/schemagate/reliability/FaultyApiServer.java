package dev.schemagate.reliability;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.ByteString;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The Fabric8 mock server in CRUD mode (expectations first, as the extension sets it up), behind a
 * dispatcher that injects faults: error codes and slow answers for chosen requests, cut-off clients
 * (a killed operator process), and watches closed on demand. It also sees every request, so a test
 * can audit what the operator wrote.
 *
 * <p>Clients are told apart by their User-Agent: {@link #client(String)} makes one with its own.
 */
final class FaultyApiServer implements AutoCloseable {

  /** One request as the server saw it, with the code it answered. */
  record Seen(String agent, String method, String path, String body, int code) {}

  /** A fault: requests it matches get {@code code} (or, when code is 0, a late answer). */
  private record Fault(
      Predicate<RecordedRequest> when, int code, Duration delay, AtomicInteger left) {}

  private final Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
  private final KubernetesMixedDispatcher crud = new KubernetesMixedDispatcher(responses);
  private final List<Fault> faults = new CopyOnWriteArrayList<>();
  private final Set<String> deadAgents = ConcurrentHashMap.newKeySet();
  private final Map<String, Predicate<RecordedRequest>> dieAfter = new ConcurrentHashMap<>();
  private final Set<WebSocket> watches = ConcurrentHashMap.newKeySet();
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final AtomicInteger injected = new AtomicInteger();
  private final List<java.util.function.Consumer<RecordedRequest>> listeners =
      new CopyOnWriteArrayList<>();
  private final KubernetesMockServer server;
  private final KubernetesClient client;

  FaultyApiServer() {
    server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), responses, new Faulty(), false);
    server.init();
    client = server.createClient();
  }

  KubernetesMockServer server() {
    return server;
  }

  /** The test's own client, never faulted unless a fault says so. */
  KubernetesClient client() {
    return client;
  }

  /** A client of its own, recognised by {@code agent}; a short request timeout. */
  KubernetesClient client(String agent) {
    Config config =
        new ConfigBuilder(client.getConfiguration())
            .withUserAgent(agent)
            .withRequestTimeout(3_000)
            .withRequestRetryBackoffLimit(3)
            .withRequestRetryBackoffInterval(50)
            .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** The next {@code times} requests that match are answered with {@code code}. */
  FaultyApiServer fail(Predicate<RecordedRequest> when, int code, int times) {
    faults.add(new Fault(when, code, null, new AtomicInteger(times)));
    return this;
  }

  /** The next {@code times} requests that match are answered only after {@code delay}. */
  FaultyApiServer delay(Predicate<RecordedRequest> when, Duration delay, int times) {
    faults.add(new Fault(when, 0, delay, new AtomicInteger(times)));
    return this;
  }

  /** {@code listener} sees every request before the server answers it. */
  FaultyApiServer onRequest(java.util.function.Consumer<RecordedRequest> listener) {
    listeners.add(listener);
    return this;
  }

  void clearFaults() {
    faults.clear();
  }

  /** From now on every request of {@code agent} fails, as if its process had died. */
  void kill(String agent) {
    deadAgents.add(agent);
  }

  /** {@code agent} dies right after the server has carried out the first request that matches. */
  void killAfter(String agent, Predicate<RecordedRequest> request) {
    dieAfter.put(agent, request);
  }

  boolean isDead(String agent) {
    return deadAgents.contains(agent);
  }

  /** Closes every open watch: informers must notice and watch again. */
  int closeWatches() {
    int closed = 0;
    for (WebSocket watch : List.copyOf(watches)) {
      if (watch.close(1000, "closed by the test")) {
        closed++;
      }
      watches.remove(watch);
    }
    return closed;
  }

  /** How many faults were injected so far (error answers, late answers, closed watches). */
  int injected() {
    return injected.get();
  }

  List<Seen> seen(Predicate<Seen> which) {
    return seen.stream().filter(which).toList();
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }

  /** The request's body, read without consuming it (the CRUD dispatcher reads it after us). */
  static String body(RecordedRequest request) {
    return request.getBody() == null
        ? ""
        : new String(request.getBody().getBytes(), java.nio.charset.StandardCharsets.UTF_8);
  }

  static Predicate<RecordedRequest> method(String method, String pathPart) {
    return r -> r.getMethod().equalsIgnoreCase(method) && r.getPath().contains(pathPart);
  }

  private final class Faulty extends Dispatcher {
    @Override
    public MockResponse dispatch(RecordedRequest request) {
      String agent = request.getHeader("User-Agent");
      listeners.forEach(l -> l.accept(request));
      if (agent != null && deadAgents.contains(agent)) {
        return record(request, agent, error(403, "this client's process is gone"));
      }
      for (Fault fault : faults) {
        if (fault.when().test(request) && fault.left().getAndDecrement() > 0) {
          injected.incrementAndGet();
          if (fault.delay() != null) {
            return record(request, agent, crud.dispatch(request).setBodyDelay(fault.delay()));
          }
          return record(request, agent, error(fault.code(), "injected by the test"));
        }
      }
      MockResponse response = crud.dispatch(request);
      Predicate<RecordedRequest> last = agent == null ? null : dieAfter.get(agent);
      if (last != null && last.test(request)) {
        dieAfter.remove(agent);
        deadAgents.add(agent);
      }
      if (response.getWebSocketListener() != null) {
        response.withWebSocketUpgrade(new Tracked(response.getWebSocketListener()));
      }
      return record(request, agent, response);
    }

    private MockResponse record(RecordedRequest request, String agent, MockResponse response) {
      seen.add(
          new Seen(agent, request.getMethod(), request.getPath(), body(request), response.code()));
      return response;
    }

    private MockResponse error(int code, String why) {
      return new MockResponse()
          .setResponseCode(code)
          .setBody(
              "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":"
                  + code
                  + ",\"reason\":\""
                  + (code == 409 ? "Conflict" : "InternalError")
                  + "\",\"message\":\""
                  + why
                  + "\"}");
    }
  }

  /** Remembers an open watch so that the test can close it. */
  private final class Tracked extends WebSocketListener {
    private final WebSocketListener delegate;

    Tracked(WebSocketListener delegate) {
      this.delegate = delegate;
    }

    @Override
    public void onBeforeAccept(WebSocket webSocket, Response response) {
      delegate.onBeforeAccept(webSocket, response);
    }

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      watches.add(webSocket);
      delegate.onOpen(webSocket, response);
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
      delegate.onMessage(webSocket, text);
    }

    @Override
    public void onMessage(WebSocket webSocket, ByteString bytes) {
      delegate.onMessage(webSocket, bytes);
    }

    @Override
    public void onMessage(WebSocket webSocket, byte[] bytes) {
      delegate.onMessage(webSocket, bytes);
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      delegate.onClosing(webSocket, code, reason);
    }

    @Override
    public void onClosed(WebSocket webSocket, int code, String reason) {
      watches.remove(webSocket);
      delegate.onClosed(webSocket, code, reason);
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable error, Response response) {
      watches.remove(webSocket);
      delegate.onFailure(webSocket, error, response);
    }
  }
}
