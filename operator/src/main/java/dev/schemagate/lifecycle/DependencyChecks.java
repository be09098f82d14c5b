package dev.schemagate.lifecycle;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.secrets.SecretResolver;

/** The checks that need I/O beyond Kubernetes: the schema verification and the Redis PING. */
public interface DependencyChecks {

  Checks run(AppDeployment resource, SecretResolver secrets);

  /**
   * The checks, and what {@code request} asks of the database's record of migrated revisions.
   * Checks that keep no such record (test doubles) answer without it: the revision counts as not
   * recorded.
   */
  default Checks run(
      AppDeployment resource, SecretResolver secrets, RevisionRecordRequest request) {
    return run(resource, secrets);
  }
}
