package dev.schemagate.api;

/** What a drifted schema - a required object gone after the revision was verified - holds. */
public enum DriftPolicy {
  /** Stalled (SchemaDrift): new rollouts and scale-ups wait until the schema is repaired. */
  HoldRollouts,
  /** A Warning Event, a metric and SchemaVerified=False; rollouts go on. */
  Report
}
