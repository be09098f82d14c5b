package dev.schemagate.workload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.ComponentSpec;
import dev.schemagate.api.InvalidAppDeployments;
import dev.schemagate.workload.PodPolicy.Allowance;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the operator's pod policy refuses by default, each named by its field. */
class PodPolicyTest {

  private static AppDeployment hostile() {
    AppDeployment appd =
        new KubernetesSerialization().unmarshal(InvalidAppDeployments.VALID, AppDeployment.class);
    ComponentSpec api = appd.getSpec().getComponents().get(0);
    api.setPorts(
        List.of(
            new ContainerPortBuilder().withContainerPort(5000).build(),
            new ContainerPortBuilder().withContainerPort(5001).withHostPort(80).build()));
    api.setReadinessProbe(
        new ProbeBuilder()
            .withNewHttpGet()
            .withHost("169.254.169.254")
            .withPath("/")
            .withNewPort(80)
            .endHttpGet()
            .build());
    api.setLivenessProbe(
        new ProbeBuilder()
            .withNewTcpSocket()
            .withHost("10.0.0.1")
            .withNewPort(22)
            .endTcpSocket()
            .build());
    appd.getSpec()
        .getComponents()
        .get(1)
        .setTolerations(
            List.of(
                new TolerationBuilder().withKey("dedicated").withOperator("Exists").build(),
                new TolerationBuilder().withOperator("Exists").build()));
    return appd;
  }

  @Test
  void theRestrictedPolicyNamesEveryFieldThatReachesBeyondThePod() {
    assertThat(PodPolicy.RESTRICTED.violations(hostile().getSpec()))
        .containsExactly(
            "spec.components[0].ports[1]: hostPort and hostIP is not allowed by the operator's"
                + " pod policy (--pod-policy-allow host-ports)",
            "spec.components[0].readinessProbe.httpGet.host is not allowed by the operator's pod"
                + " policy (--pod-policy-allow probe-hosts)",
            "spec.components[0].livenessProbe.tcpSocket.host is not allowed by the operator's pod"
                + " policy (--pod-policy-allow probe-hosts)",
            "spec.components[1].tolerations[1]: a toleration of every taint (operator Exists"
                + " without a key) is not allowed by the operator's pod policy"
                + " (--pod-policy-allow tolerate-all-taints)");
  }

  @Test
  void whatTheAdministratorAllowsPasses() {
    PodPolicy open =
        new PodPolicy(
            Set.of(Allowance.HOST_PORTS, Allowance.PROBE_HOSTS, Allowance.TOLERATE_ALL_TAINTS));
    assertThat(open.violations(hostile().getSpec())).isEmpty();
    assertThat(Allowance.ofFlag(" probe-hosts")).isEqualTo(Allowance.PROBE_HOSTS);
  }

  @Test
  void anOrdinarySpecComplies() {
    AppDeployment appd =
        new KubernetesSerialization().unmarshal(InvalidAppDeployments.VALID, AppDeployment.class);
    assertThat(PodPolicy.RESTRICTED.violations(appd.getSpec())).isEmpty();
  }

  @Test
  void privilegedContainersAddedCapabilitiesAndSysctlsAreNeverAllowed() {
    AppDeployment appd =
        new KubernetesSerialization().unmarshal(InvalidAppDeployments.VALID, AppDeployment.class);
    ComponentSpec api = appd.getSpec().getComponents().get(0);
    api.setSecurityContext(
        new io.fabric8.kubernetes.api.model.SecurityContextBuilder()
            .withPrivileged(true)
            .withNewCapabilities()
            .withAdd("NET_BIND_SERVICE", "SYS_ADMIN")
            .endCapabilities()
            .build());
    api.setPodSecurityContext(
        new io.fabric8.kubernetes.api.model.PodSecurityContextBuilder()
            .addNewSysctl("kernel.shm_rmid_forced", "1")
            .build());
    PodPolicy open =
        new PodPolicy(
            Set.of(Allowance.HOST_PORTS, Allowance.PROBE_HOSTS, Allowance.TOLERATE_ALL_TAINTS));
    assertThat(open.violations(appd.getSpec()))
        .containsExactly(
            "spec.components[0].securityContext.privileged is not allowed",
            "spec.components[0].securityContext.capabilities.add SYS_ADMIN is not allowed",
            "spec.components[0].podSecurityContext.sysctls is not allowed");
  }
}
