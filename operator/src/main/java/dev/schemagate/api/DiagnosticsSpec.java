package dev.schemagate.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.List;
import lombok.Data;

/** What the operator and the schema gate print about a component's configuration. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DiagnosticsSpec {

  @Size(max = 64)
  @JsonPropertyDescription(
      "Environment variable names logged, masked, at rollout and at every pod boot, besides"
          + " DATABASE_URL, REDIS_URL and SERVICE_ROLE. Variables that change how a JVM starts"
          + " (JAVA_TOOL_OPTIONS, _JAVA_OPTIONS, JDK_JAVA_OPTIONS, JAVA_OPTS, CLASSPATH, PATH,"
          + " LD_*) are never given to the schema gate: its banner names them as withheld.")
  private List<String> env;
}
