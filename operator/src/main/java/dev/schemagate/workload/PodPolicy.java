package dev.schemagate.workload;

import dev.schemagate.api.AppDeploymentSpec;
import dev.schemagate.api.ComponentSpec;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a tenant may ask of the pods schemagate creates for it. Permission to create an
 * AppDeployment is permission to create pods in its namespace; these are the pod settings that
 * reach beyond the pod itself, refused unless the operator's administrator allows them ({@code
 * --pod-policy-allow}): host ports bind the node's address, probe hosts make the kubelet connect
 * from the node's network to any address, and a toleration of every taint lands pods on nodes kept
 * for the control plane or other tenants.
 */
public record PodPolicy(Set<Allowance> allowed) {

  /** A pod setting the policy can allow. */
  public enum Allowance {
    HOST_PORTS,
    PROBE_HOSTS,
    TOLERATE_ALL_TAINTS;

    /** The name used on the command line: host-ports, probe-hosts, tolerate-all-taints. */
    public String flag() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Allowance ofFlag(String flag) {
      return valueOf(flag.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }
  }

  /** Nothing beyond the pod: the default. */
  public static final PodPolicy RESTRICTED = new PodPolicy(Set.of());

  public PodPolicy {
    allowed = allowed.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(allowed));
  }

  /** Every field of the spec the policy refuses, named, with why; empty when the spec complies. */
  public List<String> violations(AppDeploymentSpec spec) {
    List<String> violations = new ArrayList<>();
    List<ComponentSpec> components =
        spec.getComponents() == null ? List.of() : spec.getComponents();
    for (int i = 0; i < components.size(); i++) {
      ComponentSpec component = components.get(i);
      String field = "spec.components[" + i + "]";
      if (!allowed.contains(Allowance.HOST_PORTS)) {
        List<ContainerPort> ports = orEmpty(component.getPorts());
        for (int p = 0; p < ports.size(); p++) {
          if (ports.get(p).getHostPort() != null || ports.get(p).getHostIP() != null) {
            violations.add(
                field + ".ports[" + p + "]: hostPort and hostIP " + refused(Allowance.HOST_PORTS));
          }
        }
      }
      if (!allowed.contains(Allowance.PROBE_HOSTS)) {
        probeHost(component.getReadinessProbe(), field + ".readinessProbe", violations);
        probeHost(component.getLivenessProbe(), field + ".livenessProbe", violations);
      }
      securityContext(component, field, violations);
      if (!allowed.contains(Allowance.TOLERATE_ALL_TAINTS)) {
        List<Toleration> tolerations = orEmpty(component.getTolerations());
        for (int t = 0; t < tolerations.size(); t++) {
          Toleration toleration = tolerations.get(t);
          boolean everyKey = toleration.getKey() == null || toleration.getKey().isEmpty();
          if ("Exists".equals(toleration.getOperator()) && everyKey) {
            violations.add(
                field
                    + ".tolerations["
                    + t
                    + "]: a toleration of every taint (operator Exists without a key) "
                    + refused(Allowance.TOLERATE_ALL_TAINTS));
          }
        }
      }
    }
    return violations;
  }

  /**
   * Never configurable: a privileged container or one with added capabilities (beyond binding a low
   * port) owns the node, and sysctls reach the node's kernel.
   */
  private static void securityContext(
      ComponentSpec component, String field, List<String> violations) {
    SecurityContext container = component.getSecurityContext();
    if (container != null) {
      if (Boolean.TRUE.equals(container.getPrivileged())) {
        violations.add(field + ".securityContext.privileged is not allowed");
      }
      if (container.getCapabilities() != null && container.getCapabilities().getAdd() != null) {
        container.getCapabilities().getAdd().stream()
            .filter(c -> !"NET_BIND_SERVICE".equals(c))
            .forEach(
                c ->
                    violations.add(
                        field + ".securityContext.capabilities.add " + c + " is not allowed"));
      }
    }
    PodSecurityContext pod = component.getPodSecurityContext();
    if (pod != null && pod.getSysctls() != null && !pod.getSysctls().isEmpty()) {
      violations.add(field + ".podSecurityContext.sysctls is not allowed");
    }
  }

  private static void probeHost(Probe probe, String field, List<String> violations) {
    if (probe == null) {
      return;
    }
    if (probe.getHttpGet() != null && probe.getHttpGet().getHost() != null) {
      violations.add(field + ".httpGet.host " + refused(Allowance.PROBE_HOSTS));
    }
    if (probe.getTcpSocket() != null && probe.getTcpSocket().getHost() != null) {
      violations.add(field + ".tcpSocket.host " + refused(Allowance.PROBE_HOSTS));
    }
  }

  private static String refused(Allowance allowance) {
    return "is not allowed by the operator's pod policy (--pod-policy-allow "
        + allowance.flag()
        + ")";
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
