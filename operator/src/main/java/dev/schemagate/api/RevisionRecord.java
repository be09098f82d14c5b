package dev.schemagate.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.Data;

/** The outcome of one revision's migration: evidence that outlives the Job's clean-up. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RevisionRecord {

  @JsonPropertyDescription("The revision.")
  private String revision;

  @JsonPropertyDescription("Image of the revision.")
  private String image;

  @JsonPropertyDescription(
      "Succeeded, Failed or Superseded (its Job was created, then the spec moved to another"
          + " revision before it was seen to finish).")
  private String outcome;

  @JsonPropertyDescription(
      "Value of the schemagate.dev/retry annotation the Job was created for: going back to a"
          + " Superseded revision does not run it again on its own, only with a new value.")
  private String retryToken;

  @JsonPropertyDescription("Name of the revision's migration Job.")
  private String jobName;

  @JsonPropertyDescription("When the migration started (RFC 3339).")
  private String startedAt;

  @JsonPropertyDescription("When the migration finished (RFC 3339).")
  private String finishedAt;

  @JsonPropertyDescription(
      "When the revision was first Ready (RFC 3339): migrated, verified and rolled out. A"
          + " revision with readyAt can be rolled back to by setting the spec back to it: no"
          + " migration runs, and the schema is verified against its requirements first"
          + " (RollbackRefused when it no longer satisfies them).")
  private String readyAt;

  @JsonPropertyDescription(
      "Outcome of the revision's contract phase (Succeeded or Failed), when it has one and it"
          + " ran: it is never run twice.")
  private String contract;

  @JsonPropertyDescription("When the contract phase finished (RFC 3339).")
  private String contractFinishedAt;

  @JsonPropertyDescription("Machine-readable reason of the outcome.")
  private String reason;

  @JsonPropertyDescription("Human-readable explanation, masked.")
  private String message;
}
