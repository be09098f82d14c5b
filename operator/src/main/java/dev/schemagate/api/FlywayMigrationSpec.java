package dev.schemagate.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import java.util.List;
import lombok.Data;

/**
 * Flyway migrations run by schemagate's own image: SQL files from ConfigMaps, or from directories
 * of the application image, with the Flyway settings a project needs. Settings that are not fields
 * here (clean, above all) cannot be set: the API server refuses unknown fields.
 */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.configMapRef) || has(self.configMapRefs) || has(self.locations)",
    message =
        "flyway needs migrations: configMapRef, configMapRefs or locations (directories of the"
            + " application image)",
    reason = "FieldValueRequired")
public class FlywayMigrationSpec {

  @JsonPropertyDescription(
      "ConfigMap whose keys are Flyway SQL files (V<version>__<description>.sql), mounted into the"
          + " migration Job. Its content is part of the revision. A ConfigMap holds at most 1 MiB.")
  private LocalObjectReference configMapRef;

  @Size(min = 1, max = 16)
  @ValidationRule(
      value = "self.all(r, self.exists_one(o, o.name == r.name))",
      message = "configMapRefs must not name a ConfigMap twice",
      // FieldValueDuplicate would make the API server print 'Duplicate value: "array"' instead.
      reason = "FieldValueInvalid")
  @JsonPropertyDescription(
      "Several ConfigMaps of SQL files, read with configMapRef as one set of migrations (a"
          + " version must be in one file only). Their content is part of the revision.")
  private List<FlywayConfigMapRef> configMapRefs;

  @Size(min = 1, max = 16)
  @ValidationRule(
      value = "self.all(p, p.startsWith('/') && !p.contains('..') && size(p) <= 512)",
      message = "locations must be absolute paths without '..', at most 512 characters",
      reason = "FieldValueInvalid")
  @JsonPropertyDescription(
      "Directories of the application image (spec.image) that hold SQL files, e.g."
          + " [/app/db/migrations]. An init container of spec.image copies each into the Job's"
          + " scratch volume with cp (the image needs it), where schemagate's image runs them."
          + " The image is part of the revision.")
  private List<String> locations;

  @Default("false")
  @JsonPropertyDescription(
      "Baseline an existing, non-empty schema that has no Flyway history yet, instead of"
          + " failing.")
  private Boolean baselineOnMigrate;

  @Pattern("^[0-9]+([._][0-9]+)*$")
  @JsonPropertyDescription("Version to baseline at when baselineOnMigrate applies (default 1).")
  private String baselineVersion;

  @JsonPropertyDescription(
      "Replacement of ${name} in the SQL. Off unless enabled: ${...} is then left as written.")
  private FlywayPlaceholdersSpec placeholders;

  @Default("false")
  @JsonPropertyDescription(
      "Allow a migration to mix statements PostgreSQL runs only outside a transaction (CREATE"
          + " INDEX CONCURRENTLY, ...) with others; such a file then runs outside a transaction"
          + " and is not rolled back when it fails. Off: such a file fails before any of it runs.")
  private Boolean mixed;

  @Pattern("^[A-Za-z0-9][A-Za-z0-9._:+-]{0,39}$")
  @JsonPropertyDescription("Encoding of the SQL files, e.g. ISO-8859-1 (default UTF-8).")
  private String encoding;

  @Default("false")
  @JsonPropertyDescription(
      "Take Flyway's lock in a transaction held for the whole run (Flyway's own default) instead"
          + " of a session lock. CREATE INDEX CONCURRENTLY then never finishes: it waits for that"
          + " transaction. Not part of the revision.")
  private Boolean postgresqlTransactionalLock;

  @Default("false")
  @JsonPropertyDescription(
      "Also apply pending migrations whose version is below the current one (Flyway's"
          + " outOfOrder).")
  private Boolean outOfOrder;

  @Pattern("^[0-9]+([._][0-9]+)*$")
  @JsonPropertyDescription("Migrate up to this version and no further (default: the latest).")
  private String target;

  @Pattern("^[A-Za-z_][A-Za-z0-9_]{0,62}$")
  @JsonPropertyDescription(
      "Name of Flyway's history table in spec.database.schema. In migration.flyway: default"
          + " flyway_schema_history, and spec.schema.flyway.table should name the same. In"
          + " migration.contract.flyway: default flyway_contract_history, a table of its own that"
          + " must differ from migration.flyway.table.")
  private String table;
}
