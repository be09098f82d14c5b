package dev.schemagate.lifecycle;

/** The checks that need I/O beyond Kubernetes: the schema verification and the Redis PING. */
@FunctionalInterface
public interface DependencyChecks {

  /**
   * The checks {@code request} asks for. Checks that keep no record of migrated revisions (test
   * doubles) may answer without it: the revision then counts as not recorded.
   */
  Checks run(CheckRequest request);
}
