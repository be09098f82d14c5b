package dev.schemagate.sandbox.bench;

import dev.schemagate.runtime.SchemagateOperator;
import dev.schemagate.sandbox.SandboxCluster;
import dev.schemagate.testkit.KubeletSimulator;
import dev.schemagate.workload.Labels;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Fabric8 mock API server in this JVM (one event-loop thread, no controllers), with {@link
 * KubeletSimulator}s playing the Job and Deployment controllers and the kubelet.
 */
final class MockScaleCluster implements ScaleCluster {

  private static final String EVENT_LOOP = "vert.x-eventloop-thread-";

  private final SandboxCluster cluster = SandboxCluster.start();
  private final RequestCounter requests = RequestCounter.ofMockServer(cluster.server());
  private final List<KubeletSimulator> kubelets = new ArrayList<>();
  private final int simulators;

  MockScaleCluster(int simulators) {
    this.simulators = simulators;
  }

  @Override
  public KubernetesClient client() {
    return cluster.client();
  }

  @Override
  public void namespace(String name, String databaseUrl, String redisUrl) {
    BenchApps.namespace(cluster.client(), name, databaseUrl, redisUrl);
  }

  /** The namespaces are split among {@code simulators} simulators, one worker thread each. */
  @Override
  public void startKubelets(List<String> namespaces) {
    for (int s = 0; s < simulators; s++) {
      Set<String> share = new HashSet<>();
      for (int i = s; i < namespaces.size(); i += simulators) {
        share.add(namespaces.get(i));
      }
      kubelets.add(
          new KubeletSimulator(cluster.client(), share, Map.of(Labels.MANAGED_BY, Labels.MANAGER))
              .jobRunTime(Duration.ofMillis(50))
              .start());
    }
  }

  @Override
  public KubernetesClient newOperatorClient() {
    return SchemagateOperator.newClient(cluster.client());
  }

  @Override
  public RequestCounter requests() {
    return requests;
  }

  @Override
  public Map<String, ProcessHandle> processes() {
    return Map.of();
  }

  @Override
  public Map<String, Double> cpuMillis() {
    return Map.of("mock API server event loop (one thread)", CpuTimes.ofThreads(EVENT_LOOP));
  }

  @Override
  public List<String> settings() {
    return List.of(
        "API server: Fabric8 mock server in this JVM; "
            + simulators
            + " kubelet simulators (also playing the Job and Deployment controllers)");
  }

  @Override
  public List<String> report() {
    return List.of();
  }

  @Override
  public void close() {
    kubelets.forEach(KubeletSimulator::close);
    requests.close();
    cluster.close();
  }
}
