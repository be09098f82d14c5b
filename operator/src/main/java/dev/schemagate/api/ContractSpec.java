package dev.schemagate.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import lombok.Data;

/**
 * The contract phase of an expand/contract change: what may run only once no pod of an older
 * revision is left (dropping the column the old version read, say). Either a command of the
 * application, or Flyway SQL run by schemagate's image with a history table of its own.
 */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.command) != has(self.flyway)",
    message = "exactly one of migration.contract.command and migration.contract.flyway must be set",
    reason = "FieldValueInvalid")
@ValidationRule(
    value = "!has(self.args) || has(self.command)",
    message = "migration.contract.args is only used with migration.contract.command",
    reason = "FieldValueForbidden")
public class ContractSpec {

  /** The contract's Flyway history table when {@code flyway.table} is not set. */
  public static final String DEFAULT_FLYWAY_TABLE = "flyway_contract_history";

  @Size(min = 1, max = 64)
  @JsonPropertyDescription(
      "Command run in the application image (or migration.image) once every component runs this"
          + " revision and no pod of an older revision is left, e.g. [python, -m,"
          + " server.db_contract]. Its Job is <appdeployment>-post-<revision>; it gets the"
          + " migration's environment. Part of the revision. Exactly one of command and flyway.")
  private List<String> command;

  @Size(max = 64)
  @JsonPropertyDescription("Arguments to the contract command; only with command.")
  private List<String> args;

  @JsonPropertyDescription(
      "Flyway SQL files of the contract phase (V<version>__<description>.sql, e.g. dropping the"
          + " column the old version read), run like migration.flyway by schemagate's image in"
          + " the Job <appdeployment>-post-<revision>, with the same settings. Its history is a"
          + " table of its own, so that the next revision's expand migrations still validate:"
          + " table defaults to flyway_contract_history here and must differ from"
          + " migration.flyway.table (default flyway_schema_history). That table starts empty on"
          + " a schema that is not: unless baselineOnMigrate is set, its first run records a"
          + " baseline at version 0, so every contract migration, V1 on, runs. Its ConfigMaps'"
          + " content and its settings are part of the revision. Exactly one of command and"
          + " flyway.")
  private FlywayMigrationSpec flyway;
}
