package dev.schemagate.workload;

import dev.schemagate.api.AppDeploymentSpec;
import dev.schemagate.migrate.MigrateSettings;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;

/**
 * How the database URL reaches schemagate's own commands in a pod (the Flyway Job's migrate, the
 * schema gate): by reference to the spec's Secret under one variable name, never as a value.
 */
final class DatabaseUrlVariable {

  /** The variable's name, the in-pod commands' default for {@code --database-url-env}. */
  static final String NAME = MigrateSettings.DEFAULT_DATABASE_URL_ENV;

  private DatabaseUrlVariable() {}

  static EnvVar of(AppDeploymentSpec spec) {
    return new EnvVarBuilder()
        .withName(NAME)
        .withNewValueFrom()
        .withNewSecretKeyRef()
        .withName(spec.getDatabase().getUrlSecretRef().getName())
        .withKey(spec.getDatabase().getUrlSecretRef().getKey())
        .endSecretKeyRef()
        .endValueFrom()
        .build();
  }
}
