package dev.schemagate.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import lombok.Data;

/** The database the operator connects to itself, to verify the schema after a migration. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DatabaseSpec {

  @Required
  @JsonPropertyDescription(
      "Secret key holding the database URL: postgresql://user:password@host:5432/db?sslmode=require,"
          + " postgres://..., jdbc:postgresql://... or a libpq key/value string. Never logged"
          + " unmasked.")
  private SecretKeyRef urlSecretRef;

  @Default("public")
  @Size(min = 1, max = 63)
  @JsonPropertyDescription("PostgreSQL schema (namespace) that holds the required tables.")
  private String schema;

  @Default("10")
  @Min(1)
  @Max(300)
  @JsonPropertyDescription(
      "Seconds to wait for a connection and for the verification query before the database is"
          + " reported unreachable (and retried with back-off).")
  private Integer timeoutSeconds;
}
