package dev.schemagate.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.helm.Chart;
import dev.schemagate.testkit.ControlPlane;
import dev.schemagate.testkit.KubeBinaries;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The real helm binary (built by scripts/kube-binaries.sh) lints the chart, renders what helm-java
 * renders, and installs it into the real API server, which accepts every object.
 */
@RealKubernetes
class HelmInstallOnRealControlPlaneTest {

  static ControlPlane plane;
  static KubernetesClient admin;

  private static String helm(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(KubeBinaries.directory().resolve("helm").toString());
    command.addAll(List.of(args));
    Path home = Files.createTempDirectory("helm-home");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    // No user's helm configuration or cache: offline and repeatable.
    builder.environment().put("HELM_CONFIG_HOME", home.resolve("config").toString());
    builder.environment().put("HELM_CACHE_HOME", home.resolve("cache").toString());
    builder.environment().put("HELM_DATA_HOME", home.resolve("data").toString());
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("helm %s%n%s", String.join(" ", args), output).isZero();
    return output;
  }

  @Test
  void lintsCleanWithTheRealHelm() throws Exception {
    assertThat(helm("lint", "--strict", Chart.dir().toString())).contains("0 chart(s) failed");
  }

  @Test
  void theRealHelmRendersWhatTheTestsRender() throws Exception {
    String rendered =
        helm("template", Chart.RELEASE, Chart.dir().toString(), "--namespace", Chart.NAMESPACE);
    assertThat(rendered).isEqualTo(Chart.renderYaml(Map.of()));
  }

  @Test
  void installsIntoARealApiServerInNamespacedModeWithTwoReplicas() throws Exception {
    plane.createNamespace("helm-team-a");
    String output =
        helm(
            "install",
            "sg-helm",
            Chart.dir().toString(),
            "--kubeconfig",
            plane.kubeconfig().toString(),
            "--namespace",
            "sg-helm-system",
            "--create-namespace",
            "--set",
            "replicaCount=2",
            "--set",
            "watchNamespaces={helm-team-a}");
    assertThat(output).contains("STATUS: deployed", "reconciles AppDeployments in helm-team-a");
    Deployment deployment =
        admin
            .apps()
            .deployments()
            .inNamespace("sg-helm-system")
            .withName("sg-helm-schemagate")
            .get();
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(admin.rbac().roles().inNamespace("helm-team-a").list().getItems())
        .extracting(Role::getMetadata)
        .extracting(m -> m.getName())
        .containsExactly("sg-helm-schemagate");
    assertThat(
            admin
                .rbac()
                .roles()
                .inNamespace("sg-helm-system")
                .withName("sg-helm-schemagate-leader-election")
                .get())
        .isNotNull();
    assertThat(admin.rbac().clusterRoles().withName("sg-helm-schemagate").get()).isNull();
    helm(
        "uninstall",
        "sg-helm",
        "--kubeconfig",
        plane.kubeconfig().toString(),
        "--namespace",
        "sg-helm-system",
        "--wait");
    assertThat(admin.rbac().roles().inNamespace("helm-team-a").list().getItems()).isEmpty();
  }
}
