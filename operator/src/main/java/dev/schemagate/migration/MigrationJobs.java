package dev.schemagate.migration;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.AppDeploymentSpec;
import dev.schemagate.api.MigrationSpec;
import dev.schemagate.workload.Labels;
import dev.schemagate.workload.Restricted;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the migration Job of one revision. A Job's template is immutable: built once, never
 * updated.
 */
public final class MigrationJobs {

  static final String CONTAINER = "migrate";
  static final String FLYWAY_MOUNT = "/schemagate/migrations";

  private MigrationJobs() {}

  /**
   * @param operatorImage schemagate's own image, which runs Flyway migrations
   */
  public static Job build(
      AppDeployment owner, String name, String revision, String retryToken, String operatorImage) {
    AppDeploymentSpec spec = owner.getSpec();
    MigrationSpec migration = spec.getMigration();
    Map<String, String> labels = Labels.ofMigration(owner);
    labels.put(Labels.REVISION, revision);
    PodSpecBuilder pod =
        new PodSpecBuilder()
            .withRestartPolicy("Never")
            // A migration talks to its database, not to the Kubernetes API: no token to steal.
            .withAutomountServiceAccountToken(false)
            .withImagePullSecrets(spec.getImagePullSecrets())
            .withContainers(container(spec, migration, operatorImage));
    if (migration.getFlyway() != null) {
      // schemagate's own image: the restricted Pod Security Standard, a read-only root and a
      // small writable /tmp for the JVM.
      pod.withSecurityContext(Restricted.podSecurityContext())
          .addNewVolume()
          .withName("migrations")
          .withNewConfigMap()
          .withName(migration.getFlyway().getConfigMapRef().getName())
          .endConfigMap()
          .endVolume()
          .addNewVolume()
          .withName("tmp")
          .withNewEmptyDir()
          .withSizeLimit(new Quantity("16Mi"))
          .endEmptyDir()
          .endVolume();
    }
    return job(owner, name, labels, retryToken, pod.build());
  }

  /**
   * The contract-phase Job of a revision (spec.migration.contract): the contract command in the
   * application image (or migration.image), with the migration's environment and limits.
   */
  public static Job buildContract(
      AppDeployment owner, String name, String revision, String retryToken) {
    AppDeploymentSpec spec = owner.getSpec();
    MigrationSpec migration = spec.getMigration();
    Map<String, String> labels = Labels.ofContract(owner);
    labels.put(Labels.REVISION, revision);
    Container container =
        new ContainerBuilder()
            .withName(CONTAINER)
            .withImage(migration.getImage() != null ? migration.getImage() : spec.getImage())
            .withCommand(migration.getContract().getCommand())
            .withArgs(migration.getContract().getArgs())
            .withEnv(environment(spec, migration))
            .withEnvFrom(spec.getEnvFrom())
            .withResources(migration.getResources())
            .build();
    PodSpec pod =
        new PodSpecBuilder()
            .withRestartPolicy("Never")
            .withAutomountServiceAccountToken(false)
            .withImagePullSecrets(spec.getImagePullSecrets())
            .withContainers(container)
            .build();
    return job(owner, name, labels, retryToken, pod);
  }

  /** A migration Job of either phase around its pod: the limits and the retry token. */
  private static Job job(
      AppDeployment owner,
      String name,
      Map<String, String> labels,
      String retryToken,
      PodSpec pod) {
    MigrationSpec migration = owner.getSpec().getMigration();
    return new JobBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(owner.getMetadata().getNamespace())
        .withLabels(labels)
        .addToAnnotations(Labels.RETRY, retryToken)
        .withOwnerReferences(Labels.ownerReference(owner))
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(migration.getBackoffLimit() == null ? 1 : migration.getBackoffLimit())
        .withActiveDeadlineSeconds(
            migration.getActiveDeadlineSeconds() == null
                ? 1800L
                : migration.getActiveDeadlineSeconds())
        // Never two migration pods at once: a replacement starts only after the old one failed.
        .withPodReplacementPolicy("Failed")
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .endMetadata()
        .withSpec(pod)
        .endTemplate()
        .endSpec()
        .build();
  }

  /** spec.env, then the migration's own. */
  private static List<EnvVar> environment(AppDeploymentSpec spec, MigrationSpec migration) {
    List<EnvVar> env = new ArrayList<>();
    if (spec.getEnv() != null) {
      env.addAll(spec.getEnv());
    }
    if (migration.getEnv() != null) {
      env.addAll(migration.getEnv());
    }
    return env;
  }

  private static Container container(
      AppDeploymentSpec spec, MigrationSpec migration, String operatorImage) {
    List<EnvVar> env = environment(spec, migration);
    ContainerBuilder container =
        new ContainerBuilder()
            .withName(CONTAINER)
            .withEnvFrom(spec.getEnvFrom())
            .withResources(migration.getResources());
    if (migration.getFlyway() == null) {
      return container
          .withImage(migration.getImage() != null ? migration.getImage() : spec.getImage())
          .withCommand(migration.getCommand())
          .withArgs(migration.getArgs())
          .withEnv(env)
          .build();
    }
    // The database URL reaches the Flyway Job by reference to its Secret, never as a value.
    env.add(
        new EnvVarBuilder()
            .withName("SCHEMAGATE_DATABASE_URL")
            .withNewValueFrom()
            .withNewSecretKeyRef()
            .withName(spec.getDatabase().getUrlSecretRef().getName())
            .withKey(spec.getDatabase().getUrlSecretRef().getKey())
            .endSecretKeyRef()
            .endValueFrom()
            .build());
    List<String> args = new ArrayList<>(List.of("migrate", "--location", FLYWAY_MOUNT));
    if (spec.getDatabase().getSchema() != null) {
      args.addAll(List.of("--schema", spec.getDatabase().getSchema()));
    }
    if (Boolean.TRUE.equals(migration.getFlyway().getBaselineOnMigrate())) {
      args.add("--baseline-on-migrate");
      if (migration.getFlyway().getBaselineVersion() != null) {
        args.addAll(List.of("--baseline-version", migration.getFlyway().getBaselineVersion()));
      }
    }
    return container
        .withImage(operatorImage)
        .withArgs(args)
        .withEnv(env)
        .withSecurityContext(Restricted.containerSecurityContext())
        .addNewVolumeMount()
        .withName("migrations")
        .withMountPath(FLYWAY_MOUNT)
        .withReadOnly(true)
        .endVolumeMount()
        .addNewVolumeMount()
        .withName("tmp")
        .withMountPath("/tmp")
        .endVolumeMount()
        .build();
  }
}
