package dev.schemagate.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.List;
import lombok.Data;

/**
 * The contract phase of an expand/contract change: what may run only once no pod of an older
 * revision is left (dropping the column the old version read, say).
 */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ContractSpec {

  @Required
  @Size(min = 1, max = 64)
  @JsonPropertyDescription(
      "Command run in the application image (or migration.image) once every component runs this"
          + " revision and no pod of an older revision is left, e.g. [python, -m,"
          + " server.db_contract]. Its Job is <appdeployment>-post-<revision>; it gets the"
          + " migration's environment. Part of the revision.")
  private List<String> command;

  @Size(max = 64)
  @JsonPropertyDescription("Arguments to the contract command.")
  private List<String> args;
}
