package dev.schemagate.env;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.AppDeploymentSpec;
import dev.schemagate.api.ComponentSpec;
import dev.schemagate.api.DatabaseSpec;
import dev.schemagate.api.RedisSpec;
import dev.schemagate.api.SecretKeyRef;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Secrets, ConfigMaps and AppDeployments as the API server would return them. */
public final class Fixtures {

  public static final String DB_URL =
      "postgresql://postgres:S3cr3t!@aws-1-ap-northeast-1.pooler.supabase.com:6543/postgres";

  private Fixtures() {}

  public static String base64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  /** A Secret as read from the API server: values base64-encoded in {@code data}. */
  public static Secret secret(String name, String... keysAndValues) {
    Map<String, String> data = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      data.put(keysAndValues[i], base64(keysAndValues[i + 1]));
    }
    return new SecretBuilder()
        .withMetadata(new ObjectMetaBuilder().withName(name).withNamespace("prod").build())
        .withData(data)
        .build();
  }

  public static ConfigMap configMap(String name, String... keysAndValues) {
    Map<String, String> data = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      data.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return new ConfigMapBuilder()
        .withMetadata(new ObjectMetaBuilder().withName(name).withNamespace("prod").build())
        .withData(data)
        .build();
  }

  public static EnvVar literal(String name, String value) {
    return new EnvVar(name, value, null);
  }

  public static EnvVar fromSecret(String name, String secret, String key) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewSecretKeyRef(key, secret, null)
        .endValueFrom()
        .build();
  }

  public static ComponentSpec component(String name, String role) {
    ComponentSpec c = new ComponentSpec();
    c.setName(name);
    c.setRole(role);
    c.setReplicas(1);
    return c;
  }

  /** The prosaas example of the API: DATABASE_URL and REDIS_URL from Secrets, api and worker. */
  public static AppDeployment prosaas() {
    AppDeploymentSpec spec = new AppDeploymentSpec();
    spec.setImage("registry.example.com/prosaas:2026.11.3");
    spec.setEnv(
        new ArrayList<>(
            List.of(
                fromSecret("DATABASE_URL", "prosaas-db", "url"),
                fromSecret("REDIS_URL", "prosaas-redis", "url"),
                literal("FLASK_ENV", "production"))));
    DatabaseSpec database = new DatabaseSpec();
    database.setUrlSecretRef(new SecretKeyRef("prosaas-db", "url"));
    spec.setDatabase(database);
    RedisSpec redis = new RedisSpec();
    redis.setUrlSecretRef(new SecretKeyRef("prosaas-redis", "url"));
    spec.setRedis(redis);
    spec.setComponents(
        new ArrayList<>(List.of(component("api", null), component("worker", "worker"))));
    AppDeployment appd = new AppDeployment();
    appd.setMetadata(new ObjectMetaBuilder().withName("prosaas").withNamespace("prod").build());
    appd.setSpec(spec);
    return appd;
  }

  public static Map<String, Secret> prosaasSecrets() {
    Map<String, Secret> secrets = new LinkedHashMap<>();
    secrets.put("prosaas-db", secret("prosaas-db", "url", DB_URL, "other", "0therS3cret"));
    secrets.put("prosaas-redis", secret("prosaas-redis", "url", "redis://redis:6379/0"));
    return secrets;
  }
}
