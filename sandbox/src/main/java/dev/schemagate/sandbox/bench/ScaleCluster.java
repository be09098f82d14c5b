package dev.schemagate.sandbox.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;

/**
 * What the scale benchmark runs against: an API server with the AppDeployment CRD, something that
 * plays the kubelet, and a count of the operator's requests.
 */
interface ScaleCluster extends AutoCloseable {

  /** The harness's own client (not counted). */
  KubernetesClient client();

  /** Creates a namespace ready for Pods, with the Secret the benchmark apps read. */
  void namespace(String name, String databaseUrl, String redisUrl);

  /** Starts playing the kubelet in these namespaces: migration Jobs succeed, Pods become ready. */
  void startKubelets(List<String> namespaces);

  /** A new client for the operator, whose requests {@link #requests()} counts. */
  KubernetesClient newOperatorClient();

  RequestCounter requests();

  /** The processes that serve the API, by name; none for an API server in this JVM. */
  Map<String, ProcessHandle> processes();

  /** CPU time so far, in ms, of this JVM's threads that serve the API or play the kubelet. */
  Map<String, Double> cpuMillis();

  /** How the cluster is set up (flags, simulators), one line each. */
  List<String> settings();

  /** Figures of the cluster side measured since the last call (queueing, backlogs), one a line. */
  List<String> report();

  @Override
  void close();
}
