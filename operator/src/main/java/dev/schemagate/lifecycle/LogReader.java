package dev.schemagate.lifecycle;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * Reads pod logs without retries. The API server answers a log request with 500 when it cannot
 * reach the node's kubelet; the client's default retry of 5xx answers then held up the report of a
 * failed migration by about 20 seconds. A log tail is a courtesy: one try, then say it is
 * unavailable.
 */
final class LogReader implements AutoCloseable {

  private final KubernetesClient client;

  LogReader(KubernetesClient operatorClient) {
    this.client =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(operatorClient.getConfiguration())
                    .withRequestRetryBackoffLimit(0)
                    .build())
            .build();
  }

  String tail(String namespace, String pod, int lines) {
    return client.pods().inNamespace(namespace).withName(pod).tailingLines(lines).getLog();
  }

  @Override
  public void close() {
    client.close();
  }
}
