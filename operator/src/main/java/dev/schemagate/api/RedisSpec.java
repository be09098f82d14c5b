package dev.schemagate.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import lombok.Data;

/** A Redis that must answer PING before the components are scaled up. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RedisSpec {

  @Required
  @JsonPropertyDescription(
      "Secret key holding the Redis URL: redis://[user:password@]host:6379/0 or rediss://...")
  private SecretKeyRef urlSecretRef;

  @Default("5")
  @Min(1)
  @Max(60)
  @JsonPropertyDescription("Seconds to wait for the PING answer.")
  private Integer timeoutSeconds;
}
