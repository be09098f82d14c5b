package dev.schemagate.api;

/** What happens to the running components while a new revision migrates. */
public enum RolloutStrategy {
  /** The previous verified revision keeps serving until the new one is verified. */
  KeepRunning,
  /** Every component is scaled to 0, and its pods gone, before the migration starts. */
  StopTheWorld
}
