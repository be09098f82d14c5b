package dev.schemagate.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Every secret value the node handed out (database and Redis passwords) is looked for in what the
 * cluster holds: Events, AppDeployments, Pods, Jobs, Deployments, ReplicaSets, ConfigMaps, Services
 * and every container's log. Ordered last of the node's classes (failsafe orders classes by
 * {@code @Order}), so that it sees what the other scenarios left; it deploys an app of its own, so
 * that it has something to scan in any order.
 */
@RealNode
@Order(Integer.MAX_VALUE)
class RealNodeSecretScanIT {

  static Node node;
  static KubernetesClient admin;

  @Test
  void noSecretValueShowsUpAnywhereInTheCluster() {
    Shop shop = Shop.create(node, "node-canary");
    shop.deploy();
    List<String> secrets = node.secretValues();
    assertThat(secrets).hasSizeGreaterThanOrEqualTo(1);

    List<String> places = new ArrayList<>();
    List<String> hits = new ArrayList<>();
    for (String kind :
        List.of(
            "events",
            "appdeployments.schemagate.dev",
            "pods",
            "jobs",
            "deployments",
            "replicasets",
            "configmaps",
            "services")) {
      scan(
          kind,
          node.kubectl("get", kind, "--all-namespaces", "-o", "json").ok(),
          secrets,
          places,
          hits);
    }
    for (Pod pod : admin.pods().inAnyNamespace().list().getItems()) {
      List<ContainerStatus> statuses = new ArrayList<>();
      if (pod.getStatus().getInitContainerStatuses() != null) {
        statuses.addAll(pod.getStatus().getInitContainerStatuses());
      }
      if (pod.getStatus().getContainerStatuses() != null) {
        statuses.addAll(pod.getStatus().getContainerStatuses());
      }
      String ns = pod.getMetadata().getNamespace();
      String name = pod.getMetadata().getName();
      for (ContainerStatus status : statuses) {
        String where = "logs of " + ns + "/" + name + "/" + status.getName();
        Node.Result logs = node.kubectl("-n", ns, "logs", name, "-c", status.getName());
        if (logs.exit() == 0) {
          scan(where, logs.stdout(), secrets, places, hits);
        }
        if (status.getRestartCount() != null && status.getRestartCount() > 0) {
          Node.Result previous =
              node.kubectl("-n", ns, "logs", name, "-c", status.getName(), "--previous");
          if (previous.exit() == 0) {
            scan(where + " (previous)", previous.stdout(), secrets, places, hits);
          }
        }
      }
    }
    assertThat(places)
        .as("scanned")
        .anyMatch(p -> p.contains("schema-gate"))
        .anyMatch(p -> p.contains("-migrate-"))
        .anyMatch(p -> p.contains("schemagate-system"));
    System.out.printf(
        "%s secret scan: %d places, %d secret values%n",
        RealNodeIT.TIMING, places.size(), secrets.size());
    assertThat(hits).as("secret values found").isEmpty();
  }

  private static void scan(
      String where, String text, List<String> secrets, List<String> places, List<String> hits) {
    places.add(where);
    for (String secret : secrets) {
      if (text.contains(secret)) {
        hits.add(where + " holds a secret value");
      }
    }
  }
}
