package dev.schemagate.lifecycle;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.env.SecretResolver;

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

  /**
   * The checks, and what {@code request} asks of the database's record of migrated revisions.
   * Checks that keep no such record (test doubles) answer without it: the revision counts as not
   * recorded.
   *
   * @param request null: the record is not asked
   */
  default Checks run(
      AppDeployment resource,
      SecretResolver secrets,
      String servingRequirements,
      RevisionRecordRequest request) {
    return run(resource, secrets, servingRequirements);
  }
}
