package dev.schemagate.lifecycle;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.secrets.SecretResolver;

/** The checks that need I/O beyond Kubernetes: the schema verification and the Redis PING. */
public interface DependencyChecks {

  Checks run(AppDeployment resource, SecretResolver secrets);
}
