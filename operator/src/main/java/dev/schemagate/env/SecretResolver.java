package dev.schemagate.env;

import dev.schemagate.api.AppDeploymentSpec;
import dev.schemagate.api.SecretKeyRef;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Resolves Secret references of an AppDeployment through a lookup, so that it works the same over
 * an informer cache, a map in a test, or a live client.
 *
 * <p>Reasons read like {@code spec.database.urlSecretRef: Secret "prosaas-db" has no key "url"}.
 */
public final class SecretResolver {

  private final Function<String, Secret> secrets;

  /**
   * @param secrets a Secret of the AppDeployment's namespace by name; null when there is none
   */
  public SecretResolver(Function<String, Secret> secrets) {
    this.secrets = secrets;
  }

  /** The Secret itself, when it exists. */
  public Optional<Secret> secret(String name) {
    return Optional.ofNullable(secrets.apply(name));
  }

  /** One key of one Secret; reasons start with {@code field}. */
  public Resolution value(String field, String secretName, String key) {
    if (secretName == null || secretName.isBlank() || key == null || key.isBlank()) {
      return Resolution.missing(field + ": needs both a Secret name and a key");
    }
    Secret secret = secrets.apply(secretName);
    if (secret == null) {
      return Resolution.missing(field + ": Secret \"" + secretName + "\" not found");
    }
    return SecretData.read(secret, secretName, key).inField(field);
  }

  public Resolution value(String field, SecretKeyRef ref) {
    if (ref == null) {
      return Resolution.missing(field + " is not set");
    }
    return value(field, ref.getName(), ref.getKey());
  }

  /** The URL in {@code spec.database.urlSecretRef}. */
  public Resolution databaseUrl(AppDeploymentSpec spec) {
    String field = "spec.database.urlSecretRef";
    if (spec.getDatabase() == null) {
      return Resolution.missing("spec.database is not set");
    }
    return value(field, spec.getDatabase().getUrlSecretRef());
  }

  /** The URL in {@code spec.redis.urlSecretRef}; empty when the spec has no Redis. */
  public Optional<Resolution> redisUrl(AppDeploymentSpec spec) {
    if (spec.getRedis() == null) {
      return Optional.empty();
    }
    return Optional.of(value("spec.redis.urlSecretRef", spec.getRedis().getUrlSecretRef()));
  }

  /**
   * Every Secret value the migration Job's environment can see: {@code secretKeyRef}s of {@code
   * spec.env} and {@code spec.migration.env}, and every key of the Secrets in {@code spec.envFrom}.
   * A migration may print any of them; the masker must know them all. Missing ones are skipped.
   */
  public List<String> migrationEnvValues(AppDeploymentSpec spec) {
    List<String> values = new ArrayList<>();
    List<EnvVar> env = new ArrayList<>();
    if (spec.getEnv() != null) {
      env.addAll(spec.getEnv());
    }
    if (spec.getMigration() != null && spec.getMigration().getEnv() != null) {
      env.addAll(spec.getMigration().getEnv());
    }
    for (EnvVar variable : env) {
      if (variable.getValueFrom() != null && variable.getValueFrom().getSecretKeyRef() != null) {
        var ref = variable.getValueFrom().getSecretKeyRef();
        value("env", ref.getName(), ref.getKey()).asOptional().ifPresent(values::add);
      }
    }
    for (EnvFromSource source :
        spec.getEnvFrom() == null ? List.<EnvFromSource>of() : spec.getEnvFrom()) {
      if (source.getSecretRef() == null) {
        continue;
      }
      String name = source.getSecretRef().getName();
      secret(name)
          .ifPresent(
              secret ->
                  SecretData.keys(secret)
                      .forEach(
                          key ->
                              SecretData.read(secret, name, key)
                                  .asOptional()
                                  .ifPresent(values::add)));
    }
    return values;
  }

  @Override
  public String toString() {
    return "SecretResolver";
  }
}
