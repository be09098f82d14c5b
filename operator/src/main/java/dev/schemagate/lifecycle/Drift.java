package dev.schemagate.lifecycle;

import dev.schemagate.api.AppDeploymentSpec;
import dev.schemagate.api.DriftPolicy;
import dev.schemagate.api.DriftSpec;
import dev.schemagate.api.SchemaStatus;
import java.time.Duration;
import java.time.Instant;

/**
 * Drift: a required object gone after the revision the components run was verified (someone changed
 * the schema by hand, or restored an older backup). When a verified revision's schema is checked
 * again ({@code spec.drift.intervalSeconds}) and what is said when it drifted; what the lifecycle
 * then does ({@code spec.drift.onDrift}) is the planner's. Pure: the planner asks.
 */
final class Drift {

  private Drift() {}

  static DriftSpec of(AppDeploymentSpec spec) {
    return spec.getDrift() == null ? new DriftSpec() : spec.getDrift();
  }

  /** The user asked only to be told about drift ({@code onDrift: Report}). */
  static boolean reportOnly(AppDeploymentSpec spec) {
    return of(spec).getOnDrift() == DriftPolicy.Report;
  }

  /**
   * A drift the user asked only to be told about stands as a verification.
   *
   * @param schemaVerifiedReason the reason of the SchemaVerified condition, or null
   */
  static boolean reportedOnly(AppDeploymentSpec spec, String schemaVerifiedReason) {
    return reportOnly(spec) && LifecyclePlanner.SCHEMA_DRIFT.equals(schemaVerifiedReason);
  }

  /** The time between re-verifications, or null when they are off. */
  static Duration interval(AppDeploymentSpec spec) {
    Integer seconds = of(spec).getIntervalSeconds();
    int interval = seconds == null ? DriftSpec.DEFAULT_INTERVAL_SECONDS : seconds;
    return interval == 0 ? null : Duration.ofSeconds(interval);
  }

  /**
   * When the next re-verification is due: the interval after the last check, plus up to a fifth of
   * it, fixed per AppDeployment and check, so that a thousand AppDeployments verified at once (an
   * operator restart) spread their re-checks instead of hitting their databases together.
   */
  static Instant checkAt(AppDeploymentSpec spec, String appName, SchemaStatus last) {
    Duration interval = interval(spec);
    if (interval == null || last.getCheckedAt() == null) {
      return null;
    }
    String seed = appName + "/" + last.getCheckedAt();
    long jitter = Math.floorMod(seed.hashCode(), 1000) * interval.toMillis() / 5000;
    return Instant.parse(last.getCheckedAt()).plus(interval).plusMillis(jitter);
  }

  static boolean checkDue(AppDeploymentSpec spec, String appName, SchemaStatus last, Instant now) {
    Instant at = checkAt(spec, appName, last);
    return at != null && !now.isBefore(at);
  }

  /** What SchemaVerified (and the Event) says of a drifted schema. */
  static String message(String revision, String checkMessage) {
    return "the schema drifted after revision "
        + revision
        + " was verified: "
        + checkMessage
        + "; restore what is missing (or roll forward with a migration that creates it)";
  }
}
