package dev.schemagate.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.List;
import lombok.Data;

/** How the schema is migrated: the application's own command, or Flyway SQL run by schemagate. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.command) != has(self.flyway)",
    message = "exactly one of migration.command and migration.flyway must be set",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!has(self.args) || has(self.command)",
    message = "migration.args is only used with migration.command",
    reason = "FieldValueForbidden")
@ValidationRule(
    value = "!has(self.flyway) || !has(self.image)",
    message =
        "migration.image applies to migration.command only: Flyway migrations run with the"
            + " operator's image",
    reason = "FieldValueForbidden")
@ValidationRule(
    value =
        "!has(self.contract) || !has(self.contract.flyway)"
            + " || (has(self.contract.flyway.table) ? self.contract.flyway.table"
            + " : 'flyway_contract_history')"
            + " != (has(self.flyway) && has(self.flyway.table) ? self.flyway.table"
            + " : 'flyway_schema_history')",
    message =
        "migration.contract.flyway.table (default flyway_contract_history) must differ from"
            + " migration.flyway.table (default flyway_schema_history): the contract's history"
            + " is a table of its own",
    reason = "FieldValueInvalid")
public class MigrationSpec {

  @Size(min = 1, max = 64)
  @JsonPropertyDescription(
      "Command run in the application image (or migration.image) to migrate the schema, e.g."
          + " [python, -m, server.db_migrate]. Exactly one of command and flyway.")
  private List<String> command;

  @Size(max = 64)
  @JsonPropertyDescription("Arguments to the migration command.")
  private List<String> args;

  @Size(min = 1, max = 512)
  @JsonPropertyDescription(
      "Image for the migration Job in command mode; defaults to spec.image. Part of the"
          + " revision.")
  private String image;

  @JsonPropertyDescription(
      "Run Flyway SQL files (V<version>__<description>.sql) from ConfigMaps or from directories"
          + " of the application image with schemagate's own image, with the Flyway settings"
          + " given here. The ConfigMaps' content is part of the revision. Exactly one of command"
          + " and flyway.")
  private FlywayMigrationSpec flyway;

  @JsonPropertyDescription(
      "Optional contract phase, run exactly once per revision after the rollout: only when every"
          + " component runs this revision and no pod of an older one is left (seen from the"
          + " pods). With StopTheWorld it runs before the components scale up again. Its failure"
          + " leaves the application serving (Stalled: ContractFailed); retried like the"
          + " migration, with the schemagate.dev/retry annotation. A command of the application,"
          + " or Flyway SQL with a history table of its own.")
  private ContractSpec contract;

  @Size(max = 1000)
  @JsonPropertyDescription(
      "Environment of the migration Job only, added after spec.env. Part of the revision.")
  private List<EnvVar> env;

  @Default("1")
  @Min(0)
  @Max(20)
  @JsonPropertyDescription(
      "Retries of the migration pod before the revision is marked Failed (the Job's"
          + " backoffLimit).")
  private Integer backoffLimit;

  @Default("1800")
  @Min(1)
  @JsonPropertyDescription(
      "Seconds the migration may run before Kubernetes stops it (DeadlineExceeded).")
  private Long activeDeadlineSeconds;

  @JsonPropertyDescription("Compute resources of the migration container.")
  private ResourceRequirements resources;
}
