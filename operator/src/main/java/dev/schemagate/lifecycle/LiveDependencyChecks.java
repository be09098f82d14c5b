package dev.schemagate.lifecycle;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.AppDeploymentSpec;
import dev.schemagate.api.SchemaStatus;
import dev.schemagate.connection.ConnectionParameters;
import dev.schemagate.connection.ConnectionUrlException;
import dev.schemagate.connection.PostgresConnectionInfo;
import dev.schemagate.env.Resolution;
import dev.schemagate.env.SecretResolver;
import dev.schemagate.lifecycle.Checks.CheckResult;
import dev.schemagate.lifecycle.Checks.RevisionRecord;
import dev.schemagate.metrics.LifecycleMetrics;
import dev.schemagate.probe.RedisProbe;
import dev.schemagate.probe.RedisProbeResult;
import dev.schemagate.schema.MigratedRevisions;
import dev.schemagate.schema.RequirementsEncoding;
import dev.schemagate.schema.SchemaRequirements;
import dev.schemagate.schema.SchemaVerifier;
import dev.schemagate.schema.SqlFailures;
import dev.schemagate.schema.UnansweredConnection;
import dev.schemagate.schema.VerificationOutcome;
import dev.schemagate.schema.VerificationReason;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The schema verification against the database of {@code spec.database} and the Redis PING of
 * {@code spec.redis}, with bounded time. Never throws: every failure is a {@link CheckResult} whose
 * reason tells an unreachable database (retried) from a missing schema (a human's turn).
 */
public final class LiveDependencyChecks implements DependencyChecks {

  private final LifecycleMetrics metrics;

  public LiveDependencyChecks() {
    this(LifecycleMetrics.unexported());
  }

  public LiveDependencyChecks(LifecycleMetrics metrics) {
    this.metrics = metrics;
  }

  /**
   * The checks; with a revision record request, first the database's record of migrated revisions
   * is read or written on a connection of its own ({@link MigratedRevisions}). A database that does
   * not answer that connection is reported at once, without a second wait for the verification.
   */
  @Override
  public Checks run(CheckRequest checkRequest) {
    AppDeployment resource = checkRequest.resource();
    SecretResolver secrets = checkRequest.secrets();
    String servingRequirements = checkRequest.servingRequirements();
    RevisionRecordRequest request = checkRequest.revisionRecord();
    AppDeploymentSpec spec = resource.getSpec();
    Duration timeout = seconds(spec.getDatabase().getTimeoutSeconds(), 10);
    Resolution url = secrets.databaseUrl(spec);
    if (!url.isFound()) {
      return new Checks(new CheckResult(false, "InvalidConfig", url.reason(), false), null, null);
    }
    PostgresConnectionInfo database;
    try {
      database = PostgresConnectionInfo.parse(url.value());
      ConnectionParameters.refuseContainerFiles(database);
    } catch (ConnectionUrlException e) {
      return new Checks(
          new CheckResult(
              false, "InvalidDatabaseUrl", "spec.database.urlSecretRef: " + e.getMessage(), false),
          null,
          null);
    }
    SchemaVerifier.Connector connector =
        UnansweredConnection.hidingTheCause(SchemaVerifier.connector(database, timeout));
    SchemaRequirements requirements = SchemaRequirements.from(spec.getSchema(), spec.getDatabase());
    RevisionRecord record = null;
    if (request != null) {
      try {
        record = revisionRecord(connector, requirements.schema(), request, timeout);
      } catch (SQLException | RuntimeException e) {
        VerificationOutcome.Failed failed = SqlFailures.classify(e);
        if (failed.reason() == VerificationReason.DatabaseUnreachable) {
          return new Checks(
              new CheckResult(false, failed.reason().name(), failed.message(), true), null, null);
        }
        record =
            request.kind() == RevisionRecordRequest.Kind.RECORD
                ? new RevisionRecord(request.finishedAt(), failed.message())
                : null;
      }
    }
    long started = System.nanoTime();
    VerificationOutcome outcome = SchemaVerifier.check(connector, requirements, timeout);
    metrics.schemaVerified(outcome.reason().name(), Duration.ofNanos(System.nanoTime() - started));
    CheckResult schema =
        new CheckResult(
            outcome.verified(),
            outcome.reason().name(),
            outcome.message(),
            outcome.reason().retryable());
    SchemaStatus schemaStatus = null;
    if (outcome instanceof VerificationOutcome.Checked checked) {
      schemaStatus = new SchemaStatus();
      checked.report().writeTo(schemaStatus);
    }
    CheckResult serving =
        schema.ok() && servingRequirements != null
            ? serving(connector, servingRequirements, timeout)
            : null;
    return new Checks(schema, schemaStatus, schema.ok() ? redis(spec, secrets) : null, serving)
        .withRevisionRecord(record);
  }

  /**
   * Looks the revision up, or records it. A failure to record is the answer's problem, not the
   * check's: the migration ran whether or not the record could be written.
   */
  private static RevisionRecord revisionRecord(
      SchemaVerifier.Connector connector,
      String schema,
      RevisionRecordRequest request,
      Duration timeout)
      throws SQLException {
    int seconds = (int) Math.max(1, timeout.toSeconds());
    try (Connection connection = connector.connect()) {
      if (request.kind() == RevisionRecordRequest.Kind.RECORD) {
        MigratedRevisions.record(
            connection, schema, request.app(), request.revision(), request.finishedAt(), seconds);
        return new RevisionRecord(request.finishedAt(), null);
      }
      return new RevisionRecord(
          MigratedRevisions.lookUp(connection, schema, request.app(), request.revision(), seconds)
              .orElse(null),
          null);
    }
  }

  /**
   * The schema against what the serving revision needs, as its own pods' gate checks it: the same
   * verification, other requirements.
   */
  private static CheckResult serving(
      SchemaVerifier.Connector connector, String encodedRequirements, Duration timeout) {
    SchemaRequirements requirements;
    try {
      requirements = SchemaRequirements.fromJson(RequirementsEncoding.decode(encodedRequirements));
    } catch (RuntimeException e) {
      return new CheckResult(
          false, "RequirementsUnreadable", "the serving revision's requirements: " + e, false);
    }
    VerificationOutcome outcome = SchemaVerifier.check(connector, requirements, timeout);
    return new CheckResult(
        outcome.verified(),
        outcome.reason().name(),
        outcome.message(),
        outcome.reason().retryable());
  }

  private static CheckResult redis(AppDeploymentSpec spec, SecretResolver secrets) {
    if (spec.getRedis() == null) {
      return null;
    }
    Resolution url = secrets.redisUrl(spec).orElseThrow();
    if (!url.isFound()) {
      return new CheckResult(false, "InvalidConfig", url.reason(), false);
    }
    RedisProbeResult result =
        RedisProbe.pingOnce(
            url.value(),
            seconds(spec.getRedis().getTimeoutSeconds(), 5),
            RedisProbe.NetworkCause.HIDDEN);
    boolean retryable = result.reason() != RedisProbeResult.Reason.RedisUrlInvalid;
    return new CheckResult(result.ok(), result.reason().name(), result.message(), retryable);
  }

  private static Duration seconds(Integer value, int fallback) {
    return Duration.ofSeconds(value == null ? fallback : value);
  }
}
