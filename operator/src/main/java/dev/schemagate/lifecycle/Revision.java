package dev.schemagate.lifecycle;

import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.schemagate.api.AppDeploymentSpec;
import dev.schemagate.api.ContractSpec;
import dev.schemagate.api.FlywayMigrationSpec;
import dev.schemagate.api.FlywayPlaceholdersSpec;
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
 * spec.migration} the image, command, args, env, the contract phase, the Flyway ConfigMaps' names
 * and content, and the Flyway settings that change what runs (every one but the PostgreSQL lock:
 * how Flyway locks does not change what it applies); the same of the contract phase's Flyway SQL
 * ({@code contract.flyway}), when it has any. Replicas, components, the schema requirements,
 * backoffLimit and activeDeadlineSeconds are not inputs: changing them never runs a migration.
 * Inputs added later enter the hash only when set, so an AppDeployment that does not use them keeps
 * its revision. The hash is SHA-256 over canonical JSON (keys sorted, nulls and empty lists left
 * out), so it is the same on every JVM and for any field order.
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
    return of(spec, flywayFiles, Map.of());
  }

  /**
   * @param flywayFiles the data of {@code flyway.configMapRef} (file name to SQL), empty in command
   *     mode
   * @param flywayConfigMaps the data of each of {@code flyway.configMapRefs}, by ConfigMap name
   */
  public static String of(
      AppDeploymentSpec spec,
      Map<String, String> flywayFiles,
      Map<String, Map<String, String>> flywayConfigMaps) {
    return of(spec, flywayFiles, flywayConfigMaps, Map.of(), Map.of());
  }

  /**
   * @param flywayFiles the data of {@code flyway.configMapRef} (file name to SQL), empty in command
   *     mode
   * @param flywayConfigMaps the data of each of {@code flyway.configMapRefs}, by ConfigMap name
   * @param contractFiles the data of {@code contract.flyway.configMapRef}, empty without one
   * @param contractConfigMaps the data of each of {@code contract.flyway.configMapRefs}, by
   *     ConfigMap name
   */
  public static String of(
      AppDeploymentSpec spec,
      Map<String, String> flywayFiles,
      Map<String, Map<String, String>> flywayConfigMaps,
      Map<String, String> contractFiles,
      Map<String, Map<String, String>> contractConfigMaps) {
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
      ContractSpec contract = migration.getContract();
      if (contract != null && contract.getFlyway() != null) {
        // The contract command's inputs as before; its Flyway SQL as the expand set's.
        ContractSpec command = new ContractSpec();
        command.setCommand(contract.getCommand());
        command.setArgs(contract.getArgs());
        inputs.put("contract", command);
        FlywayMigrationSpec flyway = contract.getFlyway();
        Map<String, Object> contractFlyway = new LinkedHashMap<>();
        if (flyway.getConfigMapRef() != null) {
          contractFlyway.put("configMap", flyway.getConfigMapRef().getName());
          contractFlyway.put("files", new TreeMap<>(contractFiles));
        }
        Map<String, Object> configMaps = new TreeMap<>();
        contractConfigMaps.forEach((name, files) -> configMaps.put(name, new TreeMap<>(files)));
        contractFlyway.put("configMaps", configMaps);
        contractFlyway.put("settings", flywaySettings(flyway));
        inputs.put("contractFlyway", contractFlyway);
      } else {
        inputs.put("contract", contract);
      }
      if (migration.getFlyway() != null && migration.getFlyway().getConfigMapRef() != null) {
        inputs.put("flywayConfigMap", migration.getFlyway().getConfigMapRef().getName());
        inputs.put("flywayFiles", new TreeMap<>(flywayFiles));
      }
      if (migration.getFlyway() != null) {
        Map<String, Object> configMaps = new TreeMap<>();
        flywayConfigMaps.forEach((name, files) -> configMaps.put(name, new TreeMap<>(files)));
        inputs.put("flywayConfigMaps", configMaps);
        inputs.put("flywaySettings", flywaySettings(migration.getFlyway()));
      }
    }
    return hash(inputs);
  }

  /**
   * The Flyway settings that change what runs, each only when it is not its default: the order of
   * configMapRefs and locations (a version found twice fails), placeholders, mixed, encoding,
   * outOfOrder, target, table, and the baseline.
   */
  static Map<String, Object> flywaySettings(FlywayMigrationSpec flyway) {
    Map<String, Object> settings = new LinkedHashMap<>();
    if (flyway.getConfigMapRefs() != null) {
      settings.put(
          "configMapRefs", flyway.getConfigMapRefs().stream().map(r -> r.getName()).toList());
    }
    settings.put("locations", flyway.getLocations());
    if (Boolean.TRUE.equals(flyway.getBaselineOnMigrate())) {
      settings.put("baselineOnMigrate", true);
      settings.put("baselineVersion", flyway.getBaselineVersion());
    }
    FlywayPlaceholdersSpec placeholders = flyway.getPlaceholders();
    if (placeholders != null && Boolean.TRUE.equals(placeholders.getEnabled())) {
      Map<String, Object> replaced = new LinkedHashMap<>();
      replaced.put("enabled", true);
      replaced.put(
          "values",
          placeholders.getValues() == null ? null : new TreeMap<>(placeholders.getValues()));
      replaced.put("prefix", placeholders.getPrefix());
      replaced.put("suffix", placeholders.getSuffix());
      settings.put("placeholders", replaced);
    }
    if (Boolean.TRUE.equals(flyway.getMixed())) {
      settings.put("mixed", true);
    }
    settings.put("encoding", flyway.getEncoding());
    if (Boolean.TRUE.equals(flyway.getOutOfOrder())) {
      settings.put("outOfOrder", true);
    }
    settings.put("target", flyway.getTarget());
    settings.put("table", flyway.getTable());
    return settings;
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
