package dev.schemagate.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SpecVersion;
import java.util.List;

/**
 * Validates objects against the CRD's openAPIV3Schema with a real JSON-schema validator, as the API
 * server does with strict field validation (kubectl's default): unknown fields are errors.
 */
public final class OpenApiValidator {

  private final JsonSchema schema;

  public OpenApiValidator(JsonNode openApiSchema) {
    ObjectNode strict = openApiSchema.deepCopy();
    ObjectNode rootProperties = (ObjectNode) strict.get("properties");
    rootProperties.putObject("apiVersion").put("type", "string");
    rootProperties.putObject("kind").put("type", "string");
    rootProperties.putObject("metadata").put("type", "object");
    forbidUnknownFields(strict);
    // The Kubernetes extensions are known here, not errors: CEL rules are checked by CelRules.
    JsonMetaSchema kubernetes =
        JsonMetaSchema.builder(JsonMetaSchema.getV4())
            .keywords(
                List.of(
                    new NonValidationKeyword("x-kubernetes-validations"),
                    new NonValidationKeyword("x-kubernetes-int-or-string"),
                    new NonValidationKeyword("x-kubernetes-preserve-unknown-fields")))
            .build();
    this.schema =
        JsonSchemaFactory.getInstance(
                SpecVersion.VersionFlag.V4, builder -> builder.metaSchema(kubernetes))
            .getSchema(strict);
  }

  public List<Violation> validate(JsonNode object) {
    return schema.validate(object).stream()
        .map(
            m ->
                new Violation(
                    "schema", m.getInstanceLocation().toString(), m.getType(), m.getMessage()))
        .toList();
  }

  /** Structural schemas list every known field; anything else is unknown, except where kept. */
  private static void forbidUnknownFields(JsonNode node) {
    if (node instanceof ObjectNode object) {
      if (object.has("properties")
          && !object.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
        object.put("additionalProperties", false);
      }
      object.properties().forEach(entry -> forbidUnknownFields(entry.getValue()));
    } else if (node.isArray()) {
      node.forEach(OpenApiValidator::forbidUnknownFields);
    }
  }
}
