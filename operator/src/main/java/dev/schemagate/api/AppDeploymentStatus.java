package dev.schemagate.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import lombok.Data;

/** The observed state. Every message in it has passed the masker. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AppDeploymentStatus {

  @JsonPropertyDescription("metadata.generation this status was computed from.")
  private Long observedGeneration;

  @JsonPropertyDescription(
      "Pending, Migrating, Verifying, RollingOut, Contracting, Ready, Held (migrated and verified, rollout held"
          + " by spec.rollout.hold), Failed or Suspended.")
  private Phase phase;

  @JsonPropertyDescription(
      "Short hash of everything that changes what the migration does: what the spec asks for.")
  private String revision;

  @JsonPropertyDescription("Revision the components run: migrated and verified.")
  private String verifiedRevision;

  @JsonPropertyDescription("Ready replicas over desired replicas, summed over components (3/3).")
  private String ready;

  @JsonPropertyDescription("The migration of status.revision.")
  private MigrationStatus migration;

  @JsonPropertyDescription(
      "The contract phase of status.revision (spec.migration.contract), once it is due.")
  private MigrationStatus contract;

  @JsonPropertyDescription("The last schema verification.")
  private SchemaStatus schema;

  @JsonPropertyDescription("What each component's Deployment runs now.")
  private List<ComponentStatus> components;

  @JsonPropertyDescription("The last few revisions' outcomes, newest first.")
  private List<RevisionRecord> history;

  @JsonPropertyDescription(
      "MigrationSucceeded, SchemaVerified, DependenciesReady, Available, Ready, Reconciling,"
          + " Stalled.")
  private List<Condition> conditions = new ArrayList<>();
}
