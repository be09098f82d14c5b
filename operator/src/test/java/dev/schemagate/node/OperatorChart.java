package dev.schemagate.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;

/**
 * The operator as README's "Install on a real cluster" installs it: the real helm, the chart of
 * helm/schemagate, the image built from the Dockerfile, into a namespace enforcing the "restricted"
 * Pod Security Standard. Installed once per node by whichever test class comes first.
 */
final class OperatorChart {

  static final String NAMESPACE = "schemagate-system";
  static final String RELEASE = "schemagate";
  static final String RESTRICTED = "pod-security.kubernetes.io/enforce";

  private OperatorChart() {}

  /** helm install --wait, unless an earlier test class of this run installed it. */
  static synchronized void ensureInstalled(Node node) {
    if (node.admin().namespaces().withName(NAMESPACE).get() != null) {
      return;
    }
    node.createNamespace(NAMESPACE, Map.of(RESTRICTED, "restricted"));
    long t0 = System.nanoTime();
    String output = helm(node, "install", "--set", "replicaCount=1");
    System.out.printf(
        "%s helm install --wait to operator Ready: %.1f s%n",
        RealNodeIT.TIMING, (System.nanoTime() - t0) / 1e9);
    assertThat(output).contains("STATUS: deployed");
  }

  /** helm upgrade to this many operator replicas, waiting until all are Ready. */
  static void scale(Node node, int replicas) {
    helm(node, "upgrade", "--set", "replicaCount=" + replicas);
  }

  private static String helm(Node node, String verb, String... values) {
    String image = node.schemagateImage();
    int colon = image.lastIndexOf(':');
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                verb,
                RELEASE,
                node.repo().resolve("helm/schemagate").toString(),
                "--namespace",
                NAMESPACE,
                "--set",
                "image.repository=" + image.substring(0, colon),
                "--set",
                "image.tag=" + image.substring(colon + 1),
                "--set",
                "image.pullPolicy=Never",
                "--wait",
                "--timeout",
                "3m"));
    args.addAll(List.of(values));
    return node.helm(args.toArray(String[]::new)).ok();
  }

  /** The operator's pods that are not being deleted. */
  static List<Pod> pods(Node node) {
    return node
        .admin()
        .pods()
        .inNamespace(NAMESPACE)
        .withLabel("app.kubernetes.io/name", "schemagate")
        .list()
        .getItems()
        .stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .toList();
  }
}
