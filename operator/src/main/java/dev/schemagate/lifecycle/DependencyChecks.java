package dev.schemagate.lifecycle;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.secrets.SecretResolver;

/** The checks that need I/O beyond Kubernetes: the schema verification and the Redis PING. */
public interface DependencyChecks {

  Checks run(AppDeployment resource, SecretResolver secrets);

  /**
   * The checks, and the schema against the requirements of the revision that serves.
   *
   * @param servingRequirements encoded as the schema gate carries them, or null: none to check
   */
  default Checks run(AppDeployment resource, SecretResolver secrets, String servingRequirements) {
    return run(resource, secrets);
  }
}
