package dev.schemagate.workload;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.AppDeploymentSpec;
import dev.schemagate.api.ComponentSpec;
import dev.schemagate.env.ServiceRole;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** Builds a component's Deployment and Service from the spec, for one revision. */
public final class ComponentDeployments {

  public static final String CONTAINER = "app";
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private ComponentDeployments() {}

  public static String name(AppDeployment owner, String component) {
    return owner.getMetadata().getName() + "-" + component;
  }

  /**
   * @param operatorImage schemagate's own image, for the schema-gate init container
   */
  public static Deployment build(
      AppDeployment owner,
      ComponentSpec component,
      String revision,
      int replicas,
      String operatorImage) {
    PodTemplateSpec template = template(owner, component, revision, operatorImage);
    String hash = hash(template);
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(name(owner, component.getName()))
        .withNamespace(owner.getMetadata().getNamespace())
        .withLabels(Labels.of(owner, component.getName()))
        .addToAnnotations(Labels.REVISION, revision)
        .addToAnnotations(Labels.TEMPLATE_HASH, hash)
        .withOwnerReferences(Labels.ownerReference(owner))
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withProgressDeadlineSeconds(progressDeadlineSeconds(owner.getSpec()))
        .withNewSelector()
        .withMatchLabels(Labels.selector(owner, component.getName()))
        .endSelector()
        .withTemplate(template)
        .endSpec()
        .build();
  }

  /** The image of the component's container: its own, or the spec's. */
  public static String image(AppDeploymentSpec spec, ComponentSpec component) {
    return component.getImage() != null ? component.getImage() : spec.getImage();
  }

  /** The progress deadline {@link #build} sets, or null: the cluster's default stays. */
  public static Integer progressDeadlineSeconds(AppDeploymentSpec spec) {
    return spec.getRollout() == null ? null : spec.getRollout().getProgressDeadlineSeconds();
  }

  /** The hash of the pod template {@link #build} gives the component for this revision. */
  public static String templateHash(
      AppDeployment owner, ComponentSpec component, String revision, String operatorImage) {
    return hash(template(owner, component, revision, operatorImage));
  }

  /** The pod template; its hash tells whether a Deployment runs what the spec asks. */
  static PodTemplateSpec template(
      AppDeployment owner, ComponentSpec component, String revision, String operatorImage) {
    AppDeploymentSpec spec = owner.getSpec();
    List<Container> gate =
        SchemaGateContainer.enabled(spec)
            ? List.of(SchemaGateContainer.build(owner, component, operatorImage))
            : List.of();
    return new PodTemplateSpecBuilder()
        .withNewMetadata()
        .withLabels(Labels.of(owner, component.getName()))
        .addToAnnotations(Labels.REVISION, revision)
        .endMetadata()
        .withNewSpec()
        .withServiceAccountName(component.getServiceAccountName())
        .withSecurityContext(component.getPodSecurityContext())
        // The namespace's token only when the component asks for it: most apps never call the
        // Kubernetes API, and a token they do not use is one an intruder can.
        .withAutomountServiceAccountToken(
            Boolean.TRUE.equals(component.getAutomountServiceAccountToken()))
        .withImagePullSecrets(spec.getImagePullSecrets())
        .withNodeSelector(component.getNodeSelector())
        .withTolerations(component.getTolerations())
        .withInitContainers(gate)
        .addNewContainer()
        .withName(CONTAINER)
        .withImage(image(spec, component))
        .withCommand(component.getCommand())
        .withArgs(component.getArgs())
        .withEnv(env(spec, component))
        .withEnvFrom(envFrom(spec, component))
        .withPorts(component.getPorts())
        .withResources(component.getResources())
        .withReadinessProbe(component.getReadinessProbe())
        .withLivenessProbe(component.getLivenessProbe())
        .withSecurityContext(component.getSecurityContext())
        .endContainer()
        .endSpec()
        .build();
  }

  /** SERVICE_ROLE unless either env sets it, then the shared env, then the component's. */
  static List<EnvVar> env(AppDeploymentSpec spec, ComponentSpec component) {
    List<EnvVar> env = new ArrayList<>();
    // First, so that later entries may use $(SERVICE_ROLE): the rule is ServiceRole's.
    ServiceRole.injected(spec, component).ifPresent(env::add);
    if (spec.getEnv() != null) {
      env.addAll(spec.getEnv());
    }
    if (component.getEnv() != null) {
      env.addAll(component.getEnv());
    }
    return env;
  }

  /** Shared envFrom, then the component's: a later source wins. */
  static List<EnvFromSource> envFrom(AppDeploymentSpec spec, ComponentSpec component) {
    List<EnvFromSource> envFrom = new ArrayList<>();
    if (spec.getEnvFrom() != null) {
      envFrom.addAll(spec.getEnvFrom());
    }
    if (component.getEnvFrom() != null) {
      envFrom.addAll(component.getEnvFrom());
    }
    return envFrom;
  }

  /** The component's Service, or null when it asks for none. */
  public static Service service(AppDeployment owner, ComponentSpec component) {
    if (component.getService() == null) {
      return null;
    }
    Integer port = component.getService().getPort();
    IntOrString target =
        component.getService().getTargetPort() != null
            ? component.getService().getTargetPort()
            : new IntOrString(port);
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(name(owner, component.getName()))
        .withNamespace(owner.getMetadata().getNamespace())
        .withLabels(Labels.of(owner, component.getName()))
        .withOwnerReferences(Labels.ownerReference(owner))
        .endMetadata()
        .withNewSpec()
        .withSelector(Labels.selector(owner, component.getName()))
        .addNewPort()
        .withName("main")
        .withPort(port)
        .withTargetPort(target)
        .endPort()
        .endSpec()
        .build();
  }

  static String hash(PodTemplateSpec template) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(JSON.asJson(template).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Copies what schemagate manages into an existing Deployment; the rest stays the cluster's. */
  public static Deployment applyTo(Deployment existing, Deployment desired) {
    Map<String, String> annotations = existing.getMetadata().getAnnotations();
    if (annotations == null) {
      existing.getMetadata().setAnnotations(new java.util.HashMap<>());
    }
    existing.getMetadata().getAnnotations().putAll(desired.getMetadata().getAnnotations());
    existing.getSpec().setReplicas(desired.getSpec().getReplicas());
    if (desired.getSpec().getProgressDeadlineSeconds() != null) {
      // Unset, the cluster's default (600) stays: no update for a value nobody asked for.
      existing.getSpec().setProgressDeadlineSeconds(desired.getSpec().getProgressDeadlineSeconds());
    }
    existing.getSpec().setTemplate(desired.getSpec().getTemplate());
    return existing;
  }
}
