package dev.schemagate.sandbox;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;

/**
 * An in-process Kubernetes API (the Fabric8 mock server in CRUD mode) with the AppDeployment CRD
 * installed. It stores and watches objects; it validates nothing and runs no controllers.
 */
public final class SandboxCluster implements AutoCloseable {

  /** The AppDeployment CRD on the classpath (the same as crds/ in the repository). */
  public static final String CRD_RESOURCE =
      "/META-INF/fabric8/appdeployments.schemagate.dev-v1.yml";

  private final KubernetesMockServer server;
  private final KubernetesClient client;

  private SandboxCluster(KubernetesMockServer server, KubernetesClient client) {
    this.server = server;
    this.client = client;
  }

  public static SandboxCluster start() {
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    KubernetesClient client = server.createClient();
    // The mock server serves the status subresource only for CRDs it has been given.
    try (InputStream crd = SandboxCluster.class.getResourceAsStream(CRD_RESOURCE)) {
      client
          .resource(
              client.getKubernetesSerialization().unmarshal(crd, CustomResourceDefinition.class))
          .create();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot read the CRD " + CRD_RESOURCE, e);
    }
    return new SandboxCluster(server, client);
  }

  /** The mock server itself: benchmarks read the requests it recorded. */
  public KubernetesMockServer server() {
    return server;
  }

  public KubernetesClient client() {
    return client;
  }

  public String url() {
    return client.getMasterUrl().toString();
  }

  /**
   * Writes a kubeconfig for this API server (plain HTTP on loopback, no credentials: the mock
   * server checks none) whose context defaults to {@code namespace}.
   */
  public Path writeKubeconfig(Path file, String namespace) throws IOException {
    String kubeconfig =
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "- name: schemagate-demo",
            "  cluster:",
            "    server: " + url().replaceAll("/$", ""),
            "users:",
            "- name: schemagate-demo",
            "  user:",
            "    token: demo",
            "contexts:",
            "- name: schemagate-demo",
            "  context:",
            "    cluster: schemagate-demo",
            "    user: schemagate-demo",
            "    namespace: " + namespace,
            "current-context: schemagate-demo",
            "");
    return Files.writeString(file, kubeconfig);
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
