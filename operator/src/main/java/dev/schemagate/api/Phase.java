package dev.schemagate.api;

/** Where an AppDeployment is in its lifecycle, as shown by {@code kubectl get appd}. */
public enum Phase {
  Pending,
  Migrating,
  Verifying,
  RollingOut,
  Contracting,
  Ready,
  Held,
  Failed,
  Suspended
}
