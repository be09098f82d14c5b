package dev.schemagate.lifecycle;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.env.Resolution;
import dev.schemagate.env.SecretResolver;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The referenced Secrets of one reconcile, each read once however many fields point at it (the
 * observation, the masking and the checks all resolve the same URLs): one GET per Secret instead of
 * one per lookup, and every step of the reconcile sees the same value.
 */
final class ReconcileSecrets {

  private ReconcileSecrets() {}

  /** A resolver reading the Secrets of {@code resource}'s namespace, each at most once. */
  static SecretResolver read(KubernetesClient client, AppDeployment resource) {
    String namespace = resource.getMetadata().getNamespace();
    Map<String, Optional<Secret>> read = new HashMap<>();
    return new SecretResolver(
        name ->
            read.computeIfAbsent(
                    name,
                    n ->
                        Optional.ofNullable(
                            client.secrets().inNamespace(namespace).withName(n).get()))
                .orElse(null));
  }

  /**
   * The database and Redis URLs and every Secret value the migration's environment sees, as
   * resolved: what is masked wherever it appears, even without a URL's shape.
   */
  static List<String> values(AppDeployment resource, SecretResolver secrets) {
    List<String> values = new ArrayList<>();
    secrets.databaseUrl(resource.getSpec()).asOptional().ifPresent(values::add);
    secrets.redisUrl(resource.getSpec()).flatMap(Resolution::asOptional).ifPresent(values::add);
    values.addAll(secrets.migrationEnvValues(resource.getSpec()));
    return values;
  }
}
