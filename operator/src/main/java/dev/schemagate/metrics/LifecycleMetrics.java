package dev.schemagate.metrics;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.AppDeploymentStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * schemagate's own metrics, next to the ones JOSDK records for every controller. Counted when the
 * matching Event is recorded, that is after the status that announces it was written: a refused
 * (stale) status write counts nothing, so a migration is counted once however often it is
 * reconciled.
 *
 * <p>Tagged by namespace only: a tag per AppDeployment would make one series per application, which
 * a thousand applications turn into a cardinality problem; the Events and status name the
 * application.
 */
public final class LifecycleMetrics {

  static final String STARTED = "schemagate.migrations.started";
  static final String SUCCEEDED = "schemagate.migrations.succeeded";
  static final String FAILED = "schemagate.migrations.failed";
  static final String VERIFICATION = "schemagate.schema.verification";
  static final String TO_ROLLOUT = "schemagate.migration.to.rollout";
  static final String DRIFT = "schemagate.schema.drift";
  static final String CONTRACTS_STARTED = "schemagate.contracts.started";
  static final String CONTRACTS_FAILED = "schemagate.contracts.failed";
  static final String ROLLBACK_REFUSED = "schemagate.rollbacks.refused";
  static final String SERVING_INCOMPATIBLE = "schemagate.serving.incompatible";

  private final MeterRegistry registry;

  public LifecycleMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Metrics kept in memory and read by nobody: for tests and tools that do not export them. */
  public static LifecycleMetrics unexported() {
    return new LifecycleMetrics(new SimpleMeterRegistry());
  }

  public MeterRegistry registry() {
    return registry;
  }

  /**
   * An Event was recorded for {@code resource}; the lifecycle's milestones are counted from it.
   *
   * @param status the status just written, for the time the migration completed
   */
  public void eventRecorded(
      AppDeployment resource, String reason, AppDeploymentStatus status, Instant now) {
    String namespace = resource.getMetadata().getNamespace();
    switch (reason) {
      case "MigrationStarted" -> counter(STARTED, "Migration Jobs created", namespace).increment();
      case "MigrationSucceeded" ->
          counter(SUCCEEDED, "Migration Jobs that completed", namespace).increment();
      case "MigrationFailed" ->
          counter(FAILED, "Migrations that failed, Job or verification", namespace).increment();
      case "ContractStarted" ->
          counter(CONTRACTS_STARTED, "Contract-phase Jobs created", namespace).increment();
      case "ContractFailed" ->
          counter(CONTRACTS_FAILED, "Contract phases that failed", namespace).increment();
      case "SchemaDrift" ->
          counter(DRIFT, "Required objects found gone after a revision was verified", namespace)
              .increment();
      case "ServingRevisionIncompatible" ->
          counter(
                  SERVING_INCOMPATIBLE,
                  "Serving revisions found to need what a migration removed",
                  namespace)
              .increment();
      case "RollbackRefused" ->
          counter(ROLLBACK_REFUSED, "Rollbacks the schema no longer satisfies", namespace)
              .increment();
      // Job completion times have one-second precision and come from the API server's clock:
      // never below zero.
      case "RollingOut" ->
          migrationCompletedAt(status)
              .map(done -> Duration.between(done, now))
              .ifPresent(d -> rolloutTimer(namespace).record(d.isNegative() ? Duration.ZERO : d));
      default -> {
        // Other Events mark no milestone worth a series of its own.
      }
    }
  }

  /** One schema verification against the database took {@code elapsed}; outcome is its reason. */
  public void schemaVerified(String outcome, Duration elapsed) {
    Timer.builder(VERIFICATION)
        .description("Schema verification against the database, by outcome")
        .tag("outcome", outcome)
        .publishPercentileHistogram()
        .register(registry)
        .record(elapsed);
  }

  private Counter counter(String name, String description, String namespace) {
    return Counter.builder(name)
        .description(description)
        .tag("namespace", namespace)
        .register(registry);
  }

  private Timer rolloutTimer(String namespace) {
    return Timer.builder(TO_ROLLOUT)
        .description("From the migration Job's completion to the Deployments' update")
        .tag("namespace", namespace)
        .publishPercentileHistogram()
        .register(registry);
  }

  private static java.util.Optional<Instant> migrationCompletedAt(AppDeploymentStatus status) {
    if (status == null
        || status.getMigration() == null
        || status.getMigration().getFinishedAt() == null) {
      return java.util.Optional.empty();
    }
    try {
      return java.util.Optional.of(
          OffsetDateTime.parse(status.getMigration().getFinishedAt()).toInstant());
    } catch (DateTimeParseException e) {
      return java.util.Optional.empty();
    }
  }
}
