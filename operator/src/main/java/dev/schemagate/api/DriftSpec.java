package dev.schemagate.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.Data;

/** The periodic re-verification of the schema a verified revision runs on. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DriftSpec {

  /** The interval when spec.drift or its intervalSeconds is not set. */
  public static final int DEFAULT_INTERVAL_SECONDS = 600;

  @Default("600")
  @Min(0)
  @Max(86_400)
  @ValidationRule(
      value = "self == 0 || self >= 30",
      message = "drift.intervalSeconds is 0 (off) or at least 30",
      reason = "FieldValueInvalid")
  @JsonPropertyDescription(
      "Seconds between re-verifications of the schema once a revision is verified, each delayed"
          + " by up to a fifth more (spread over AppDeployments). 0 turns them off; at least 30"
          + " otherwise. Default 600.")
  private Integer intervalSeconds;

  @Default("HoldRollouts")
  @JsonPropertyDescription(
      "When a required object is gone after the revision was verified (reason SchemaDrift):"
          + " HoldRollouts stalls - new rollouts and scale-ups wait until the schema is repaired,"
          + " and the schema gate keeps refusing new pods; Report only warns (Event, metric,"
          + " SchemaVerified=False) and rollouts go on.")
  private DriftPolicy onDrift;
}
