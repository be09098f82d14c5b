package dev.schemagate.lifecycle;

import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.schemagate.api.AppDeploymentSpec;
import dev.schemagate.api.MigrationSpec;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The revision: a short, stable hash of everything that can change what the migration does.
 *
 * <p>Inputs: {@code spec.image}, {@code spec.env}, {@code spec.envFrom}, and of {@code
 * spec.migration} the image, command, args, env, the contract phase and the Flyway ConfigMap's name
 * and content. Replicas, components, the schema requirements, backoffLimit and
 * activeDeadlineSeconds are not inputs: changing them never runs a migration. The hash is SHA-256
 * over canonical JSON (keys sorted, nulls and empty lists left out), so it is the same on every JVM
 * and for any field order.
 */
public final class Revision {

  public static final int LENGTH = 10;

  private static final ObjectMapper CANONICAL =
      JsonMapper.builder()
          .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .serializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
          .build();

  private Revision() {}

  /**
   * @param flywayFiles the Flyway ConfigMap's data (file name to SQL), empty in command mode
   */
  public static String of(AppDeploymentSpec spec, Map<String, String> flywayFiles) {
    Map<String, Object> inputs = new LinkedHashMap<>();
    inputs.put("image", spec.getImage());
    inputs.put("env", spec.getEnv());
    inputs.put("envFrom", spec.getEnvFrom());
    MigrationSpec migration = spec.getMigration();
    if (migration != null) {
      inputs.put("migrationImage", migration.getImage());
      inputs.put("command", migration.getCommand());
      inputs.put("args", migration.getArgs());
      inputs.put("migrationEnv", migration.getEnv());
      inputs.put("contract", migration.getContract());
      if (migration.getFlyway() != null && migration.getFlyway().getConfigMapRef() != null) {
        inputs.put("flywayConfigMap", migration.getFlyway().getConfigMapRef().getName());
        inputs.put("flywayFiles", new TreeMap<>(flywayFiles));
      }
    }
    return hash(inputs);
  }

  /**
   * What a schema verification was made against: {@code spec.schema} (the requirements), {@code
   * spec.database} (where, and in which schema) and {@code spec.redis}. A verification recorded for
   * another value does not count, so changing any of them re-verifies without a migration.
   */
  public static String ofChecks(AppDeploymentSpec spec) {
    Map<String, Object> inputs = new LinkedHashMap<>();
    inputs.put("schema", spec.getSchema());
    inputs.put("database", spec.getDatabase());
    inputs.put("redis", spec.getRedis());
    return hash(inputs);
  }

  /** The short hash of canonical JSON of {@code inputs}. */
  static String hash(Map<String, Object> inputs) {
    try {
      byte[] canonical = CANONICAL.writeValueAsBytes(inputs);
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical);
      return HexFormat.of().formatHex(digest).substring(0, LENGTH);
    } catch (com.fasterxml.jackson.core.JsonProcessingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot compute the revision", e);
    }
  }
}
