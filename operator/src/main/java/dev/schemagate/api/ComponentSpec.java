package dev.schemagate.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;
import lombok.Data;

/** One workload of the application (an HTTP API, a worker, ...): a Deployment of spec.image. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ComponentSpec {

  /** DNS-1123 label. */
  public static final String NAME_PATTERN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

  @Required
  @Size(min = 1, max = 50)
  @Pattern(NAME_PATTERN)
  @JsonPropertyDescription(
      "Component name, a DNS-1123 label unique within the AppDeployment. The Deployment is named"
          + " <appdeployment>-<name>.")
  private String name;

  @Size(min = 1, max = 63)
  @JsonPropertyDescription(
      "Role injected as SERVICE_ROLE unless env sets it; defaults to the component name.")
  private String role;

  @Default("1")
  @Min(0)
  @JsonPropertyDescription(
      "Replicas once this revision is verified. Changing it never starts a migration.")
  private Integer replicas;

  @Size(min = 1, max = 512)
  @JsonPropertyDescription("Image override for this component; defaults to spec.image.")
  private String image;

  @Size(max = 64)
  @JsonPropertyDescription("Entrypoint of the component's container. Not part of the revision.")
  private List<String> command;

  @Size(max = 64)
  @JsonPropertyDescription("Arguments of the component's container.")
  private List<String> args;

  @Size(max = 1000)
  @JsonPropertyDescription("Environment of this component only, added after spec.env.")
  private List<EnvVar> env;

  @Size(max = 100)
  @JsonPropertyDescription("Environment sources of this component only, after spec.envFrom.")
  private List<EnvFromSource> envFrom;

  @Size(max = 64)
  @JsonPropertyDescription("Container ports of the component.")
  private List<ContainerPort> ports;

  @Size(max = 31)
  @JsonPropertyDescription(
      "Components that must have rolled a new revision out and be available (by the Deployment"
          + " rules kstatus applies) before this one gets it, e.g. [api] on the workers. Until"
          + " then this component keeps the revision it runs. A failure stops the order where it"
          + " is. Names of other components; a cycle is refused in status (InvalidConfig).")
  private List<String> after;

  @JsonPropertyDescription("Service in front of the component, named <appdeployment>-<name>.")
  private ServiceSpec service;

  @JsonPropertyDescription("Compute resources of the component's container.")
  private ResourceRequirements resources;

  @JsonPropertyDescription("Readiness probe of the component's container.")
  private Probe readinessProbe;

  @JsonPropertyDescription("Liveness probe of the component's container.")
  private Probe livenessProbe;

  @JsonPropertyDescription(
      "Security context of the component's container, e.g. to meet the restricted Pod Security"
          + " Standard (runAsNonRoot, allowPrivilegeEscalation: false, capabilities.drop: [ALL],"
          + " seccompProfile RuntimeDefault). privileged and added capabilities other than"
          + " NET_BIND_SERVICE are refused by the operator's pod policy.")
  private SecurityContext securityContext;

  @JsonPropertyDescription(
      "Security context of the component's pods (runAsUser, fsGroup, seccompProfile, ...)."
          + " sysctls are refused by the operator's pod policy.")
  private PodSecurityContext podSecurityContext;

  @Size(min = 1, max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription(
      "ServiceAccount the component's pods run as; the namespace's default when unset.")
  private String serviceAccountName;

  @JsonPropertyDescription(
      "Mount the ServiceAccount's API token into the component's pods. Off unless set: an app"
          + " that does not call the Kubernetes API should not carry a token.")
  private Boolean automountServiceAccountToken;

  @JsonPropertyDescription("Node selector of the component's pods.")
  private Map<String, String> nodeSelector;

  @Size(max = 64)
  @JsonPropertyDescription("Tolerations of the component's pods.")
  private List<Toleration> tolerations;
}
