package dev.schemagate.api;

/** State of the migration Job of one revision. */
public enum MigrationState {
  Pending,
  Running,
  Succeeded,
  Failed
}
