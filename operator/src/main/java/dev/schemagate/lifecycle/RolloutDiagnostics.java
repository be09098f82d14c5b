package dev.schemagate.lifecycle;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.ComponentSpec;
import dev.schemagate.diagnostics.ConfigBanner;
import dev.schemagate.env.EnvResolver;
import dev.schemagate.env.ResolvedEnv;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs, when a revision rolls out, the configuration each component really gets - DATABASE_URL,
 * REDIS_URL, SERVICE_ROLE and spec.diagnostics.env, resolved from Secrets and masked - in the same
 * block the schema gate prints at pod boot.
 */
final class RolloutDiagnostics {

  private static final Logger log = LoggerFactory.getLogger(RolloutDiagnostics.class);

  private RolloutDiagnostics() {}

  static void log(KubernetesClient client, AppDeployment appd, String revision) {
    String namespace = appd.getMetadata().getNamespace();
    EnvResolver resolver =
        new EnvResolver(
            name -> client.secrets().inNamespace(namespace).withName(name).get(),
            name -> client.configMaps().inNamespace(namespace).withName(name).get());
    for (ComponentSpec component : appd.getSpec().getComponents()) {
      ResolvedEnv env = resolver.component(appd, component);
      log.info("\n{}", ConfigBanner.atRollout(appd, component, revision, env).renderClosed());
    }
  }
}
