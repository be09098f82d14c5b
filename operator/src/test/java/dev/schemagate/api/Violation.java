package dev.schemagate.api;

/**
 * Why an object was refused.
 *
 * @param by "schema" (OpenAPI) or "cel" (x-kubernetes-validations)
 * @param path where, as $.spec.components[0].replicas
 * @param reason the schema keyword that failed (minimum, required, ...) or the CEL rule's message
 * @param detail the validator's own words
 */
public record Violation(String by, String path, String reason, String detail) {}
