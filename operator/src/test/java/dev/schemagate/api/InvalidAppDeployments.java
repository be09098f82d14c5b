package dev.schemagate.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Consumer;

/**
 * AppDeployments that must be refused, each for one named reason. Shared by the offline schema and
 * CEL tests and by the tests against a real API server.
 */
public final class InvalidAppDeployments {

  /** A valid AppDeployment every case starts from. */
  public static final String VALID =
      """
      apiVersion: schemagate.dev/v1alpha1
      kind: AppDeployment
      metadata:
        name: shop
        namespace: default
      spec:
        image: registry.example.com/shop:1.0.0
        env:
          - name: DATABASE_URL
            valueFrom: {secretKeyRef: {name: shop-db, key: url}}
        database:
          urlSecretRef: {name: shop-db, key: url}
        migration:
          command: [python, -m, shop.migrate]
          backoffLimit: 1
          activeDeadlineSeconds: 600
        schema:
          tables:
            - name: orders
              columns: [id, total]
              indexes: [idx_orders_total]
          flyway: {minVersion: "12"}
        components:
          - name: api
            replicas: 2
            ports: [{name: http, containerPort: 8080}]
            service: {port: 80, targetPort: http}
          - name: worker
            replicas: 1
        rollout:
          strategy: KeepRunning
          stopDuringMigration: [worker]
      """;

  /**
   * One invalid AppDeployment.
   *
   * @param name what is wrong, in words
   * @param mutation turns {@link #VALID} into the invalid object
   * @param by who must refuse it: "schema" or "cel"
   * @param path where the refusal points
   * @param reason the failing schema keyword, or (part of) the CEL rule's message
   */
  public record Case(
      String name, Consumer<ObjectNode> mutation, String by, String path, String reason) {

    public ObjectNode object() {
      ObjectNode object = valid();
      mutation.accept(object);
      return object;
    }

    public boolean matches(Violation violation) {
      return violation.by().equals(by)
          && violation.path().equals(path)
          && violation.reason().contains(reason);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private InvalidAppDeployments() {}

  public static ObjectNode valid() {
    try {
      return (ObjectNode) Crd.YAML.readTree(VALID);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static List<Case> cases() {
    return List.of(
        new Case(
            "both migration.command and migration.flyway",
            o -> migration(o).putObject("flyway").putObject("configMapRef").put("name", "sql"),
            "cel",
            "$.spec.migration",
            "exactly one of migration.command and migration.flyway"),
        new Case(
            "neither migration.command nor migration.flyway",
            o -> migration(o).remove("command"),
            "cel",
            "$.spec.migration",
            "exactly one of migration.command and migration.flyway"),
        new Case(
            "migration.args without migration.command",
            o -> {
              migration(o).remove("command");
              migration(o).putObject("flyway").putObject("configMapRef").put("name", "sql");
              migration(o).putArray("args").add("--verbose");
            },
            "cel",
            "$.spec.migration",
            "migration.args is only used with migration.command"),
        new Case(
            "migration.image with migration.flyway",
            o -> {
              migration(o).remove("command");
              migration(o).putObject("flyway").putObject("configMapRef").put("name", "sql");
              migration(o).put("image", "registry.example.com/other:1");
            },
            "cel",
            "$.spec.migration",
            "migration.image applies to migration.command only"),
        new Case(
            "both migration.contract.command and migration.contract.flyway",
            o -> {
              contract(o).putArray("command").add("contract");
              contract(o).putObject("flyway").putObject("configMapRef").put("name", "post-sql");
            },
            "cel",
            "$.spec.migration.contract",
            "exactly one of migration.contract.command and migration.contract.flyway"),
        new Case(
            "neither migration.contract.command nor migration.contract.flyway",
            o -> contract(o),
            "cel",
            "$.spec.migration.contract",
            "exactly one of migration.contract.command and migration.contract.flyway"),
        new Case(
            "migration.contract.args with migration.contract.flyway",
            o -> {
              contract(o).putObject("flyway").putObject("configMapRef").put("name", "post-sql");
              contract(o).putArray("args").add("--verbose");
            },
            "cel",
            "$.spec.migration.contract",
            "migration.contract.args is only used with migration.contract.command"),
        new Case(
            "migration.contract.flyway writing the expand migration's history table",
            o -> {
              flyway(o);
              ObjectNode contractFlyway = contract(o).putObject("flyway");
              contractFlyway.putObject("configMapRef").put("name", "post-sql");
              contractFlyway.put("table", "flyway_schema_history");
            },
            "cel",
            "$.spec.migration",
            "migration.contract.flyway.table (default flyway_contract_history) must differ"),
        new Case(
            "migration.contract.flyway.table equal to migration.flyway.table",
            o -> {
              flyway(o).put("table", "shop_history");
              ObjectNode contractFlyway = contract(o).putObject("flyway");
              contractFlyway.putObject("configMapRef").put("name", "post-sql");
              contractFlyway.put("table", "shop_history");
            },
            "cel",
            "$.spec.migration",
            "migration.contract.flyway.table (default flyway_contract_history) must differ"),
        new Case(
            "duplicate component names",
            o -> {
              component(o, 1).put("name", "api");
              spec(o).remove("rollout");
            },
            "cel",
            "$.spec.components",
            "component names must be unique"),
        new Case(
            "component name that is not a DNS-1123 label",
            o -> {
              component(o, 1).put("name", "Worker_1");
              spec(o).remove("rollout");
            },
            "schema",
            "$.spec.components[1].name",
            "pattern"),
        new Case(
            "negative replicas",
            o -> component(o, 0).put("replicas", -1),
            "schema",
            "$.spec.components[0].replicas",
            "minimum"),
        new Case(
            "negative migration.backoffLimit",
            o -> migration(o).put("backoffLimit", -1),
            "schema",
            "$.spec.migration.backoffLimit",
            "minimum"),
        new Case(
            "zero migration.activeDeadlineSeconds",
            o -> migration(o).put("activeDeadlineSeconds", 0),
            "schema",
            "$.spec.migration.activeDeadlineSeconds",
            "minimum"),
        new Case(
            "unknown rollout strategy",
            o -> spec(o).with("rollout").put("strategy", "Sometimes"),
            "schema",
            "$.spec.rollout.strategy",
            "enum"),
        new Case(
            "name too long for the migration Job name",
            o -> o.with("metadata").put("name", "a".repeat(45)),
            "cel",
            "$",
            "metadata.name must be at most 44 characters"),
        new Case(
            "name plus component name longer than 63",
            o -> {
              o.with("metadata").put("name", "a".repeat(40));
              component(o, 1).put("name", "w".repeat(30));
              spec(o).with("rollout").putArray("stopDuringMigration").add("w".repeat(30));
            },
            "cel",
            "$",
            "plus each component name must be at most 63"),
        new Case(
            "Service for an AppDeployment whose name starts with a digit",
            o -> o.with("metadata").put("name", "9shop"),
            "cel",
            "$",
            "must start with a letter when a component has a service"),
        new Case(
            "missing spec.image", o -> spec(o).remove("image"), "schema", "$.spec", "required"),
        new Case(
            "database without urlSecretRef",
            o -> spec(o).with("database").remove("urlSecretRef"),
            "schema",
            "$.spec.database",
            "required"),
        new Case(
            "empty component list",
            o -> {
              spec(o).putArray("components");
              spec(o).remove("rollout");
            },
            "schema",
            "$.spec.components",
            "minItems"),
        new Case(
            "misspelled field spec.componets",
            o -> spec(o).putArray("componets").addObject().put("name", "api"),
            "schema",
            "$.spec",
            "additionalProperties"),
        new Case(
            "drift re-checks more often than every 30 s",
            o -> spec(o).with("drift").put("intervalSeconds", 10),
            "cel",
            "$.spec.drift.intervalSeconds",
            "drift.intervalSeconds is 0 (off) or at least 30"),
        new Case(
            "a component waits for a component that does not exist",
            o -> component(o, 1).putArray("after").add("cron"),
            "cel",
            "$.spec",
            "components[].after may only name other components"),
        new Case(
            "a component waits for itself",
            o -> component(o, 1).putArray("after").add("worker"),
            "cel",
            "$.spec",
            "components[].after may only name other components"),
        new Case(
            "stopDuringMigration names a component that does not exist",
            o -> spec(o).with("rollout").putArray("stopDuringMigration").add("cron"),
            "cel",
            "$.spec",
            "rollout.stopDuringMigration may only name components"),
        new Case(
            "empty table name",
            o -> ((ObjectNode) spec(o).with("schema").withArray("tables").get(0)).put("name", ""),
            "schema",
            "$.spec.schema.tables[0].name",
            "minLength"),
        new Case(
            "service port out of range",
            o -> component(o, 0).with("service").put("port", 70000),
            "schema",
            "$.spec.components[0].service.port",
            "maximum"),
        new Case(
            "Flyway minVersion that is not a version",
            o -> spec(o).with("schema").with("flyway").put("minVersion", "v117"),
            "schema",
            "$.spec.schema.flyway.minVersion",
            "pattern"),
        new Case(
            "Flyway with no migrations to run",
            o -> {
              flyway(o).remove("configMapRef");
              flyway(o).put("mixed", true);
            },
            "cel",
            "$.spec.migration.flyway",
            "flyway needs migrations"),
        new Case(
            "Flyway configMapRefs naming one ConfigMap twice",
            o -> {
              ArrayNode refs = flyway(o).putArray("configMapRefs");
              refs.addObject().put("name", "sql-a");
              refs.addObject().put("name", "sql-a");
            },
            "cel",
            "$.spec.migration.flyway.configMapRefs",
            "must not name a ConfigMap twice"),
        new Case(
            "Flyway location that is not an absolute path",
            o -> flyway(o).putArray("locations").add("db/migrations"),
            "cel",
            "$.spec.migration.flyway.locations",
            "must be absolute paths"),
        new Case(
            "Flyway location that climbs out with ..",
            o -> flyway(o).putArray("locations").add("/app/../etc"),
            "cel",
            "$.spec.migration.flyway.locations",
            "must be absolute paths"),
        new Case(
            "Flyway placeholder values while placeholders are off",
            o -> flyway(o).putObject("placeholders").putObject("values").put("owner", "shop"),
            "cel",
            "$.spec.migration.flyway.placeholders",
            "need enabled: true"),
        new Case(
            "Flyway placeholder name with a space",
            o -> {
              ObjectNode placeholders = flyway(o).putObject("placeholders");
              placeholders.put("enabled", true);
              placeholders.putObject("values").put("shop owner", "x");
            },
            "cel",
            "$.spec.migration.flyway.placeholders",
            "names are letters, digits"),
        new Case(
            "Flyway clean, which schemagate never runs",
            o -> flyway(o).put("cleanDisabled", false),
            "schema",
            "$.spec.migration.flyway",
            "additionalProperties"),
        new Case(
            "Flyway target that is not a version",
            o -> flyway(o).put("target", "latest"),
            "schema",
            "$.spec.migration.flyway.target",
            "pattern"),
        new Case(
            "Flyway history table name that is not a plain name",
            o -> flyway(o).put("table", "history; DROP TABLE orders"),
            "schema",
            "$.spec.migration.flyway.table",
            "pattern"));
  }

  /** migration.flyway in place of migration.command, with one ConfigMap. */
  private static ObjectNode flyway(ObjectNode o) {
    ObjectNode migration = migration(o);
    if (!migration.has("flyway")) {
      migration.remove("command");
      migration.putObject("flyway").putObject("configMapRef").put("name", "sql");
    }
    return (ObjectNode) migration.get("flyway");
  }

  /** migration.contract, empty: each case adds what it needs. */
  private static ObjectNode contract(ObjectNode o) {
    ObjectNode migration = migration(o);
    if (!migration.has("contract")) {
      migration.putObject("contract");
    }
    return (ObjectNode) migration.get("contract");
  }

  private static ObjectNode spec(ObjectNode o) {
    return (ObjectNode) o.get("spec");
  }

  private static ObjectNode migration(ObjectNode o) {
    return (ObjectNode) spec(o).get("migration");
  }

  private static ObjectNode component(ObjectNode o, int index) {
    ArrayNode components = (ArrayNode) spec(o).get("components");
    return (ObjectNode) components.get(index);
  }

  /** The object as JSON, for the API server. */
  public static String json(JsonNode object) {
    return object.toString();
  }
}
