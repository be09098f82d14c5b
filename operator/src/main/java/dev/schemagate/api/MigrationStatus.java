package dev.schemagate.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.Data;

/** The migration of the current revision, recorded before anything can delete its Job. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MigrationStatus {

  @JsonPropertyDescription("Revision this migration belongs to.")
  private String revision;

  @JsonPropertyDescription("Name of the migration Job.")
  private String jobName;

  @JsonPropertyDescription(
      "Value of the schemagate.dev/retry annotation the Job was created for: setting a new value"
          + " retries a failed revision.")
  private String retryToken;

  @JsonPropertyDescription("Pending, Running, Succeeded or Failed.")
  private MigrationState state;

  @JsonPropertyDescription("When the Job started (RFC 3339).")
  private String startedAt;

  @JsonPropertyDescription("When the Job finished (RFC 3339).")
  private String finishedAt;

  @JsonPropertyDescription(
      "Machine-readable reason of a failure, e.g. BackoffLimitExceeded, DeadlineExceeded,"
          + " ImagePullBackOff.")
  private String reason;

  @JsonPropertyDescription("Human-readable explanation, masked.")
  private String message;

  @JsonPropertyDescription(
      "Last lines of the failed migration pod's log (at most 50 lines and 8 KiB), masked.")
  private String logTail;
}
