package dev.schemagate.api;

/**
 * What happens to the revision that serves when, after a new revision's migration, the schema no
 * longer has what it needs.
 */
public enum ServingIncompatiblePolicy {
  /** Say so (condition, Warning Event, metric); it serves until the new revision replaces it. */
  Warn,
  /** Say so, and stop its pods now, before the new revision rolls out, as StopTheWorld would. */
  StopServing
}
