package dev.schemagate.workload;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.AppDeploymentSpec;
import dev.schemagate.api.ContractSpec;
import dev.schemagate.api.FlywayMigrationSpec;
import dev.schemagate.api.MigrationSpec;
import dev.schemagate.migrate.MigrateSettings;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
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
  static final String FLYWAY_MOUNT = FlywaySources.CONFIG_MAP_MOUNT;

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
    if (migration.getFlyway() != null) {
      FlywayMigrationSpec flyway = migration.getFlyway();
      return flywayJob(
          owner, name, labels, retryToken, flyway, FlywayArguments.of(flyway), operatorImage);
    }
    Container container =
        new ContainerBuilder()
            .withName(CONTAINER)
            .withEnvFrom(spec.getEnvFrom())
            .withResources(migration.getResources())
            .withImage(migration.getImage() != null ? migration.getImage() : spec.getImage())
            .withCommand(migration.getCommand())
            .withArgs(migration.getArgs())
            .withEnv(environment(spec, migration))
            .build();
    return job(owner, name, labels, retryToken, commandPod(spec, container));
  }

  /**
   * The contract-phase Job of a revision (spec.migration.contract): the contract command in the
   * application image (or migration.image), or the contract's Flyway SQL run like the Flyway
   * migration but with a history table of its own; with the migration's environment and limits.
   *
   * @param operatorImage schemagate's own image, which runs the contract's Flyway SQL
   */
  public static Job buildContract(
      AppDeployment owner, String name, String revision, String retryToken, String operatorImage) {
    AppDeploymentSpec spec = owner.getSpec();
    MigrationSpec migration = spec.getMigration();
    ContractSpec contract = migration.getContract();
    Map<String, String> labels = Labels.ofContract(owner);
    labels.put(Labels.REVISION, revision);
    if (contract.getFlyway() != null) {
      return flywayJob(
          owner,
          name,
          labels,
          retryToken,
          contract.getFlyway(),
          FlywayArguments.ofContract(contract.getFlyway(), contractTable(contract)),
          operatorImage);
    }
    Container container =
        new ContainerBuilder()
            .withName(CONTAINER)
            .withImage(migration.getImage() != null ? migration.getImage() : spec.getImage())
            .withCommand(contract.getCommand())
            .withArgs(contract.getArgs())
            .withEnv(environment(spec, migration))
            .withEnvFrom(spec.getEnvFrom())
            .withResources(migration.getResources())
            .build();
    return job(owner, name, labels, retryToken, commandPod(spec, container));
  }

  /** The Flyway history table of the contract phase: its own, never the expand migration's. */
  public static String contractTable(ContractSpec contract) {
    String table = contract.getFlyway() == null ? null : contract.getFlyway().getTable();
    return table != null ? table : ContractSpec.DEFAULT_FLYWAY_TABLE;
  }

  /** The pod of a command of the application: the one container, nothing mounted. */
  private static PodSpec commandPod(AppDeploymentSpec spec, Container container) {
    return new PodSpecBuilder()
        .withRestartPolicy("Never")
        // A migration talks to its database, not to the Kubernetes API: no token to steal.
        .withAutomountServiceAccountToken(false)
        .withImagePullSecrets(spec.getImagePullSecrets())
        .withContainers(container)
        .build();
  }

  /**
   * A Job running {@code schemagate migrate} in the operator's image over one set of Flyway
   * migrations: the expand migration's (migration.flyway) or the contract phase's.
   *
   * @param flywayArguments the options of the Flyway settings, history table included
   */
  private static Job flywayJob(
      AppDeployment owner,
      String name,
      Map<String, String> labels,
      String retryToken,
      FlywayMigrationSpec flyway,
      List<String> flywayArguments,
      String operatorImage) {
    AppDeploymentSpec spec = owner.getSpec();
    FlywaySources sources = FlywaySources.of(flyway);
    // schemagate's own image: the restricted Pod Security Standard, a read-only root and a
    // small writable /tmp for the JVM.
    PodSpec pod =
        new PodSpecBuilder()
            .withRestartPolicy("Never")
            // A migration talks to its database, not to the Kubernetes API: no token to steal.
            .withAutomountServiceAccountToken(false)
            .withImagePullSecrets(spec.getImagePullSecrets())
            .withContainers(flywayContainer(spec, sources, flywayArguments, operatorImage))
            .withSecurityContext(Restricted.podSecurityContext())
            .withVolumes(sources.volumes())
            .addNewVolume()
            .withName("tmp")
            .withNewEmptyDir()
            .withSizeLimit(new Quantity("16Mi"))
            .endEmptyDir()
            .endVolume()
            .withInitContainers(sources.copyContainers(spec.getImage()))
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
                ? MigrationDeadline.DEFAULT_ACTIVE_DEADLINE_SECONDS
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

  private static Container flywayContainer(
      AppDeploymentSpec spec,
      FlywaySources sources,
      List<String> flywayArguments,
      String operatorImage) {
    MigrationSpec migration = spec.getMigration();
    List<EnvVar> env = environment(spec, migration);
    // The database URL reaches the Flyway Job by reference to its Secret, never as a value.
    env.add(DatabaseUrlVariable.of(spec));
    List<String> args = new ArrayList<>(List.of(MigrateSettings.COMMAND));
    for (String location : sources.locations()) {
      args.addAll(List.of(MigrateSettings.LOCATION_OPTION, location));
    }
    if (spec.getDatabase().getSchema() != null) {
      args.addAll(List.of(MigrateSettings.SCHEMA_OPTION, spec.getDatabase().getSchema()));
    }
    args.addAll(flywayArguments);
    args.addAll(
        List.of(
            MigrateSettings.DEADLINE_OPTION,
            String.valueOf(MigrationDeadline.seconds(migration.getActiveDeadlineSeconds()))));
    return new ContainerBuilder()
        .withName(CONTAINER)
        .withEnvFrom(spec.getEnvFrom())
        .withResources(migration.getResources())
        .withImage(operatorImage)
        .withArgs(args)
        .withEnv(env)
        .withSecurityContext(Restricted.containerSecurityContext())
        .withVolumeMounts(sources.mounts())
        .addNewVolumeMount()
        .withName("tmp")
        .withMountPath("/tmp")
        .endVolumeMount()
        .build();
  }
}
