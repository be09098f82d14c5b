package dev.schemagate.workload;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.AppDeploymentSpec;
import dev.schemagate.api.ComponentSpec;
import dev.schemagate.schema.RequirementsEncoding;
import dev.schemagate.schema.SchemaRequirements;
import dev.schemagate.secrets.ResolvedEnv;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code schema-gate} init container: {@code schemagate check-schema} with the requirements the
 * operator verifies, so a pod started outside the operator's gating (an HPA, a node restart, a
 * restored backup) still refuses to run on an outdated schema. Credentials reach it only by
 * reference to their Secrets, never as values.
 */
public final class SchemaGateContainer {

  public static final String NAME = "schema-gate";
  static final String DATABASE_URL_VARIABLE = "SCHEMAGATE_DATABASE_URL";
  static final String REQUIREMENTS_VARIABLE = "SCHEMAGATE_SCHEMA_REQUIREMENTS";
  static final String DIAGNOSTICS_VARIABLE = "SCHEMAGATE_DIAGNOSTICS_ENV";

  /** Small enough not to matter next to the app; the JVM needs about 64 MiB for one query. */
  static final ResourceRequirements DEFAULT_RESOURCES =
      new ResourceRequirementsBuilder()
          .withRequests(Map.of("cpu", new Quantity("10m"), "memory", new Quantity("64Mi")))
          .withLimits(Map.of("memory", new Quantity("160Mi")))
          .build();

  /**
   * The gate starts at every pod start, so it starts the JVM for a short run: C1 only, SerialGC,
   * and the application Class Data Sharing archive the image holds (scripts/gate-cds-archive.sh,
   * run by the Dockerfile), which halves start-up (docs/benchmarks.md). A missing archive only
   * costs that time: the JVM then starts without it.
   */
  static final List<String> COMMAND =
      List.of(
          "java",
          "-XX:SharedArchiveFile=/opt/schemagate/gate.jsa",
          "-Xshare:auto",
          "-XX:TieredStopAtLevel=1",
          "-XX:+UseSerialGC",
          "-XX:MaxRAMPercentage=75",
          "-jar",
          "/opt/schemagate/schemagate.jar");

  private SchemaGateContainer() {}

  /**
   * The requirements as the gate's environment variable carries them.
   *
   * @throws IllegalArgumentException naming {@code spec.schema} when they do not fit even
   *     compressed: the pod would never start (the kernel refuses the environment)
   */
  public static String encodedRequirements(AppDeploymentSpec spec) {
    String requirements =
        RequirementsEncoding.encode(
            SchemaRequirements.from(spec.getSchema(), spec.getDatabase()).toJson());
    if (requirements.length() > RequirementsEncoding.ENV_LIMIT) {
      throw new IllegalArgumentException(
          "spec.schema: the schema gate's requirements take "
              + requirements.length() / 1024
              + " KiB even compressed, more than the "
              + RequirementsEncoding.ENV_LIMIT / 1024
              + " KiB an environment variable can carry; require fewer objects or set"
              + " spec.schemaGate.enabled=false");
    }
    return requirements;
  }

  public static boolean enabled(AppDeploymentSpec spec) {
    return spec.getSchemaGate() == null || !Boolean.FALSE.equals(spec.getSchemaGate().getEnabled());
  }

  static Container build(AppDeployment owner, ComponentSpec component, String operatorImage) {
    AppDeploymentSpec spec = owner.getSpec();
    // The app's own environment, by reference: the gate's boot banner shows what the app gets.
    List<EnvVar> env = new ArrayList<>(ComponentDeployments.env(spec, component));
    env.add(
        new EnvVarBuilder()
            .withName(DATABASE_URL_VARIABLE)
            .withNewValueFrom()
            .withNewSecretKeyRef()
            .withName(spec.getDatabase().getUrlSecretRef().getName())
            .withKey(spec.getDatabase().getUrlSecretRef().getKey())
            .endSecretKeyRef()
            .endValueFrom()
            .build());
    env.add(new EnvVar(REQUIREMENTS_VARIABLE, encodedRequirements(spec), null));
    if (spec.getDiagnostics() != null && spec.getDiagnostics().getEnv() != null) {
      env.add(
          new EnvVar(DIAGNOSTICS_VARIABLE, String.join(",", spec.getDiagnostics().getEnv()), null));
    }
    env.add(
        new EnvVar(ResolvedEnv.SECRET_NAMES_VARIABLE, String.join(",", secretBacked(env)), null));
    ResourceRequirements resources =
        spec.getSchemaGate() != null && spec.getSchemaGate().getResources() != null
            ? spec.getSchemaGate().getResources()
            : DEFAULT_RESOURCES;
    return new ContainerBuilder()
        .withName(NAME)
        .withImage(operatorImage)
        .withCommand(COMMAND)
        .withArgs("check-schema", "--database-url-env", DATABASE_URL_VARIABLE)
        .withEnv(env)
        .withEnvFrom(spec.getEnvFrom())
        .withResources(resources)
        .withSecurityContext(Restricted.containerSecurityContext())
        .build();
  }

  private static List<String> secretBacked(List<EnvVar> env) {
    return env.stream()
        .filter(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
        .map(EnvVar::getName)
        .toList();
  }
}
