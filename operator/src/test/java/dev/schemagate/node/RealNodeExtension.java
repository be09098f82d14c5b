package dev.schemagate.node;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Brings up the {@link Node} once per JVM: {@code scripts/local-cluster.sh up} then {@code
 * scripts/images.sh} (both idempotent and cached), kept in the root {@link ExtensionContext.Store},
 * whose close at the end of the run takes the node down again ({@code local-cluster.sh down}); then
 * installs the operator with helm ({@link OperatorChart}), once per node.
 *
 * <p>Does not clash with {@code @RealKubernetes}: those planes run their own etcd and API server on
 * free ephemeral 127.0.0.1 ports with files in a temporary directory, this node uses fixed ports
 * below the ephemeral range (16443, 12379/12380, 15432, 16379, 10248-10256) and {@code
 * /var/lib/schemagate-cluster}; besides, the node's tests are *IT classes, run by failsafe after
 * surefire's JVM is gone.
 */
public final class RealNodeExtension implements BeforeAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(RealNodeExtension.class);
  private static final String NODE = "node";

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    List<String> missing = cannotRunContainers();
    assumeTrue(
        missing.isEmpty(),
        () -> "this machine cannot run containers, so no real node: " + String.join("; ", missing));
    Node node = node(context);
    OperatorChart.ensureInstalled(node);
    injectStaticFields(context.getRequiredTestClass(), node);
  }

  /** The node, brought up by the first caller of the JVM. */
  public static Node node(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(NODE, key -> Node.up(), Node.class);
  }

  /**
   * What local-cluster.sh's preflight would refuse, checked here so that the skip says why: root,
   * cgroups (v2 with cpu and memory, or the v1 controllers), overlayfs.
   */
  static List<String> cannotRunContainers() {
    List<String> missing = new ArrayList<>();
    if (!"root".equals(System.getProperty("user.name")) && !isRootUid()) {
      missing.add("not root (user " + System.getProperty("user.name") + ")");
    }
    Path cgroup = Path.of("/sys/fs/cgroup");
    Path v2 = cgroup.resolve("cgroup.controllers");
    try {
      if (Files.isRegularFile(v2)) {
        String controllers = Files.readString(v2);
        for (String c : List.of("cpu", "memory")) {
          if (!List.of(controllers.trim().split("\\s+")).contains(c)) {
            missing.add("no cgroup v2 " + c + " controller");
          }
        }
      } else {
        for (String c : List.of("cpu", "cpuacct", "memory", "pids", "cpuset")) {
          if (!Files.isDirectory(cgroup.resolve(c))) {
            missing.add("no cgroup v1 controller " + c + " (" + cgroup.resolve(c) + ")");
          }
        }
      }
      Path filesystems = Path.of("/proc/filesystems");
      if (!Files.isReadable(filesystems)) {
        missing.add("no /proc/filesystems (not Linux?)");
      } else if (!Files.readString(filesystems).matches("(?s).*\\boverlay\\b.*")
          && !modprobeOverlay()) {
        missing.add("no overlayfs (not in /proc/filesystems, modprobe overlay failed)");
      }
    } catch (IOException e) {
      missing.add("cannot read cgroups or filesystems: " + e.getMessage());
    }
    return missing;
  }

  private static boolean isRootUid() {
    try {
      Process id = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
      String out = new String(id.getInputStream().readAllBytes()).trim();
      return id.waitFor() == 0 && out.equals("0");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static boolean modprobeOverlay() throws IOException {
    try {
      new ProcessBuilder("modprobe", "overlay").redirectErrorStream(true).start().waitFor();
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    return Files.readString(Path.of("/proc/filesystems")).matches("(?s).*\\boverlay\\b.*");
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == Node.class || type == KubernetesClient.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Node node = node(context);
    return parameter.getParameter().getType() == Node.class ? node : node.admin();
  }

  private static void injectStaticFields(Class<?> testClass, Node node)
      throws IllegalAccessException {
    dev.schemagate.testing.StaticFields.inject(
        testClass, java.util.Map.of(Node.class, node, KubernetesClient.class, node.admin()));
  }
}
