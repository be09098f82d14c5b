package dev.schemagate.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates the CRD's {@code x-kubernetes-validations} with a real CEL engine: every rule, at every
 * place in an object that its schema node applies to, with {@code self} bound to that value.
 */
public final class CelRules {

  private static final CelCompiler COMPILER =
      CelCompilerFactory.standardCelCompilerBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("self", SimpleType.DYN)
          .build();
  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

  private final JsonNode schema;

  public CelRules(JsonNode openApiSchema) {
    this.schema = openApiSchema;
  }

  public List<Violation> validate(JsonNode object) {
    List<Violation> violations = new ArrayList<>();
    walk(schema, object, "$", violations);
    return violations;
  }

  /** Every rule in the schema, with the schema path it sits on. */
  public List<String> allRules() {
    List<String> rules = new ArrayList<>();
    collectRules(schema, rules);
    return rules;
  }

  private static void collectRules(JsonNode node, List<String> rules) {
    node.path("x-kubernetes-validations").forEach(r -> rules.add(r.path("message").asText()));
    node.path("properties").forEach(child -> collectRules(child, rules));
    if (node.has("items")) {
      collectRules(node.get("items"), rules);
    }
  }

  private static void walk(JsonNode node, JsonNode value, String path, List<Violation> out) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return;
    }
    for (JsonNode rule : node.path("x-kubernetes-validations")) {
      evaluate(rule, value, path, out);
    }
    if (value.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> properties = node.path("properties").fields();
      while (properties.hasNext()) {
        Map.Entry<String, JsonNode> property = properties.next();
        walk(
            property.getValue(), value.get(property.getKey()), path + "." + property.getKey(), out);
      }
    } else if (value.isArray() && node.has("items")) {
      for (int i = 0; i < value.size(); i++) {
        walk(node.get("items"), value.get(i), path + "[" + i + "]", out);
      }
    }
  }

  private static void evaluate(JsonNode rule, JsonNode value, String path, List<Violation> out) {
    String expression = rule.path("rule").asText();
    String message = rule.path("message").asText();
    try {
      CelAbstractSyntaxTree ast = COMPILER.compile(expression).getAst();
      Object result = RUNTIME.createProgram(ast).eval(Map.of("self", toCel(value)));
      if (!Boolean.TRUE.equals(result)) {
        out.add(new Violation("cel", path, message, expression));
      }
    } catch (CelValidationException | CelEvaluationException e) {
      out.add(new Violation("cel", path, "rule error: " + e.getMessage(), expression));
    }
  }

  /** JSON to the values CEL expects: maps, lists, int64, double, string, bool. */
  public static Object toCel(JsonNode value) {
    if (value.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      value
          .fields()
          .forEachRemaining(
              e -> {
                if (!e.getValue().isNull()) {
                  map.put(e.getKey(), toCel(e.getValue()));
                }
              });
      return map;
    }
    if (value.isArray()) {
      List<Object> list = new ArrayList<>();
      value.forEach(element -> list.add(toCel(element)));
      return list;
    }
    if (value.isIntegralNumber()) {
      return value.asLong();
    }
    if (value.isNumber()) {
      return value.asDouble();
    }
    if (value.isBoolean()) {
      return value.asBoolean();
    }
    return value.asText();
  }
}
