package dev.schemagate.testing;

import dev.schemagate.runtime.SchemagateOperator;
import dev.schemagate.testkit.ApiRequest;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The requests the operator sent to a mock API server, told apart by their User-Agent. */
public final class OperatorRequests {

  private OperatorRequests() {}

  /** Takes every request the server recorded so far; the operator's are returned. */
  public static List<ApiRequest> drain(KubernetesMockServer server) {
    List<ApiRequest> requests = new ArrayList<>();
    try {
      for (RecordedRequest r = server.takeRequest(50, TimeUnit.MILLISECONDS);
          r != null;
          r = server.takeRequest(50, TimeUnit.MILLISECONDS)) {
        String agent = r.getHeader("User-Agent");
        if (agent != null && agent.startsWith(SchemagateOperator.USER_AGENT)) {
          ApiRequest.of(r.getMethod(), r.getPath()).ifPresent(requests::add);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return requests;
  }
}
