package dev.schemagate.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import java.util.List;
import lombok.Data;

/** How components are treated while a new revision migrates. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RolloutSpec {

  @Default("KeepRunning")
  @JsonPropertyDescription(
      "KeepRunning: the previous verified revision keeps serving while the new one migrates and"
          + " is verified. StopTheWorld: scale every component to 0 and wait for its pods to be"
          + " gone before the migration starts.")
  private RolloutStrategy strategy;

  @Size(max = 32)
  @JsonPropertyDescription(
      "With KeepRunning, components held at 0 replicas while a migration runs (e.g. workers that"
          + " must not run against a half-migrated schema).")
  private List<String> stopDuringMigration;

  @Min(1)
  @Max(86_400)
  @JsonPropertyDescription(
      "Seconds a component's Deployment may take to roll a revision out before Kubernetes marks"
          + " it ProgressDeadlineExceeded; the AppDeployment then says Stalled"
          + " (ProgressDeadlineExceeded) while the previous revision's pods that are left keep"
          + " serving. Sets each Deployment's spec.progressDeadlineSeconds; Kubernetes' default,"
          + " 600, when unset.")
  private Integer progressDeadlineSeconds;

  @JsonPropertyDescription(
      "Migrate ahead: run and verify a new revision's migration, then hold its rollout - every"
          + " component keeps the revision it runs (phase Held) - until this is set back to"
          + " false. For a long migration run outside the release window; the migration must"
          + " leave a schema the serving revision can still use (see onServingIncompatible). Not"
          + " part of the revision: releasing runs no migration.")
  private Boolean hold;

  @Default("Warn")
  @JsonPropertyDescription(
      "With KeepRunning, after a new revision's migration the schema is also checked against the"
          + " requirements of the revision that still serves (read from its pods' schema gate)."
          + " When they no longer hold (ServingRevisionCompatible=False, a Warning Event, a"
          + " metric): Warn lets it serve until the new revision replaces it; StopServing stops"
          + " its pods now, before the new revision rolls out, as StopTheWorld would have.")
  private ServingIncompatiblePolicy onServingIncompatible;
}
