package dev.schemagate.sandbox.bench;

import dev.schemagate.api.AppDeployment;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** The AppDeployments and Secrets the benchmarks apply: the demo's schema, one component. */
public final class BenchApps {

  /** The Secret every benchmark AppDeployment reads its URLs from. */
  public static final String SECRET = "app-db";

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private BenchApps() {}

  /** A namespace holding the Secret with the database URL and, when given, the Redis URL. */
  public static void namespace(
      KubernetesClient client, String namespace, String databaseUrl, String redisUrl) {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
        .create();
    secret(client, namespace, databaseUrl, redisUrl);
  }

  /** The Secret with the database URL and, when given, the Redis URL. */
  public static void secret(
      KubernetesClient client, String namespace, String databaseUrl, String redisUrl) {
    SecretBuilder secret =
        new SecretBuilder()
            .withNewMetadata()
            .withName(SECRET)
            .withNamespace(namespace)
            .endMetadata()
            .addToStringData("url", databaseUrl);
    if (redisUrl != null) {
      secret.addToStringData("redis", redisUrl);
    }
    client.resource(secret.build()).create();
  }

  /**
   * An AppDeployment whose migration the kubelet simulator runs and whose schema (2 tables, 4
   * columns, 1 index) the demo's migration created; with a Redis PING when {@code redis}.
   */
  public static AppDeployment app(String name, String namespace, boolean redis) {
    return SERIALIZATION.unmarshal(
        """
        apiVersion: schemagate.dev/v1alpha1
        kind: AppDeployment
        metadata: {name: %s, namespace: %s}
        spec:
          image: bench:1
          database: {urlSecretRef: {name: %s, key: url}}
          %s
          migration: {command: [migrate]}
          schema:
            tables:
              - name: business_calendars
                columns: [id, business_id, is_active]
                indexes: [idx_business_calendars_business_active]
              - name: calendar_routing_rules
                columns: [question_text]
          schemaGate: {enabled: false}
          components:
            - name: api
              replicas: 2
        """
            .formatted(
                name,
                namespace,
                SECRET,
                redis ? "redis: {urlSecretRef: {name: " + SECRET + ", key: redis}}" : ""),
        AppDeployment.class);
  }
}
