package dev.schemagate.helm;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The checks of the Kubernetes "restricted" Pod Security Standard (v1.34), applied to a pod spec:
 * the baseline controls (no host namespaces, ports or paths, not privileged, only the default
 * capabilities) plus the restricted ones (allowed volume types, no privilege escalation, non-root,
 * RuntimeDefault or Localhost seccomp, every capability dropped).
 */
public final class RestrictedProfile {

  private static final Set<String> ALLOWED_VOLUMES =
      Set.of(
          "configMap",
          "csi",
          "downwardAPI",
          "emptyDir",
          "ephemeral",
          "persistentVolumeClaim",
          "projected",
          "secret");

  private RestrictedProfile() {}

  /** Violations of every container (init and regular) of {@code pod}; empty when it complies. */
  public static List<String> violations(PodSpec pod) {
    List<Container> all = new ArrayList<>(pod.getInitContainers());
    all.addAll(pod.getContainers());
    return violations(pod, all);
  }

  /** Violations of {@code pod}'s pod-level settings and of the given containers only. */
  public static List<String> violations(PodSpec pod, List<Container> containers) {
    List<String> found = new ArrayList<>();
    if (Boolean.TRUE.equals(pod.getHostNetwork())
        || Boolean.TRUE.equals(pod.getHostPID())
        || Boolean.TRUE.equals(pod.getHostIPC())) {
      found.add("host namespaces");
    }
    for (Volume volume : pod.getVolumes()) {
      String type = volumeType(volume);
      if (!ALLOWED_VOLUMES.contains(type)) {
        found.add("volume " + volume.getName() + " of type " + type);
      }
    }
    PodSecurityContext podContext = pod.getSecurityContext();
    for (Container container : containers) {
      String c = "container " + container.getName() + ": ";
      SecurityContext context = container.getSecurityContext();
      if (container.getPorts().stream().anyMatch(p -> p.getHostPort() != null)) {
        found.add(c + "hostPort");
      }
      if (context == null) {
        found.add(c + "no securityContext");
        continue;
      }
      if (Boolean.TRUE.equals(context.getPrivileged())) {
        found.add(c + "privileged");
      }
      if (!Boolean.FALSE.equals(context.getAllowPrivilegeEscalation())) {
        found.add(c + "allowPrivilegeEscalation must be false");
      }
      Boolean nonRoot =
          context.getRunAsNonRoot() != null
              ? context.getRunAsNonRoot()
              : podContext == null ? null : podContext.getRunAsNonRoot();
      if (!Boolean.TRUE.equals(nonRoot)) {
        found.add(c + "runAsNonRoot must be true");
      }
      Long user =
          context.getRunAsUser() != null
              ? context.getRunAsUser()
              : podContext == null ? null : podContext.getRunAsUser();
      if (user != null && user == 0L) {
        found.add(c + "runAsUser 0");
      }
      SeccompProfile seccomp =
          context.getSeccompProfile() != null
              ? context.getSeccompProfile()
              : podContext == null ? null : podContext.getSeccompProfile();
      if (seccomp == null || !Set.of("RuntimeDefault", "Localhost").contains(seccomp.getType())) {
        found.add(c + "seccompProfile must be RuntimeDefault or Localhost");
      }
      Capabilities capabilities = context.getCapabilities();
      if (capabilities == null || !capabilities.getDrop().contains("ALL")) {
        found.add(c + "capabilities must drop ALL");
      } else if (capabilities.getAdd().stream().anyMatch(a -> !a.equals("NET_BIND_SERVICE"))) {
        found.add(c + "capabilities may add only NET_BIND_SERVICE");
      }
    }
    return found;
  }

  private static String volumeType(Volume volume) {
    @SuppressWarnings("unchecked")
    java.util.Map<String, Object> fields =
        Chart.SERIALIZATION.convertValue(volume, java.util.Map.class);
    return fields.keySet().stream().filter(k -> !k.equals("name")).findFirst().orElse("none");
  }
}
