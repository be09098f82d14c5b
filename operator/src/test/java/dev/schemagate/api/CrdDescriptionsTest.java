package dev.schemagate.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every field of the schemagate model carries a description in the CRD, so that {@code kubectl
 * explain appd.spec...} is useful. Fields inside reused Kubernetes core types (EnvVar, Probe, ...)
 * are described by Kubernetes' own documentation and not repeated here.
 */
class CrdDescriptionsTest {

  @Test
  void everyModelFieldHasADescription() {
    JsonNode root = Crd.openApiSchema();
    JsonNode spec = root.path("properties").path("spec");
    JsonNode status = root.path("properties").path("status");
    assertThat(List.of(root, spec, status))
        .allSatisfy(node -> assertThat(node.path("description").asText()).isNotBlank());
    List<String> undescribed = new ArrayList<>();
    collect(spec, AppDeploymentSpec.class, "spec", undescribed);
    collect(status, AppDeploymentStatus.class, "status", undescribed);
    assertThat(undescribed).as("fields without a description").isEmpty();
  }

  @Test
  void theWalkReallyReachesNestedFields() {
    JsonNode migration = Crd.openApiSchema().at("/properties/spec/properties/migration");
    assertThat(migration.at("/properties/flyway/properties/configMapRef/description").asText())
        .contains("ConfigMap");
  }

  /** Checks the fields of {@code type}, whose schema is {@code schema}, recursively. */
  private static void collect(JsonNode schema, Class<?> type, String path, List<String> missing) {
    for (Field field : type.getDeclaredFields()) {
      if (Modifier.isStatic(field.getModifiers()) || field.isAnnotationPresent(JsonIgnore.class)) {
        continue;
      }
      String fieldPath = path + "." + field.getName();
      JsonNode property = schema.path("properties").path(field.getName());
      if (property.path("description").asText().isBlank()) {
        missing.add(fieldPath);
      }
      Class<?> element = elementType(field);
      boolean isModel =
          element.getPackageName().equals(AppDeployment.class.getPackageName())
              && !element.isEnum();
      if (isModel) {
        boolean isList = List.class.isAssignableFrom(field.getType());
        collect(isList ? property.path("items") : property, element, fieldPath, missing);
      }
    }
  }

  private static Class<?> elementType(Field field) {
    Type generic = field.getGenericType();
    if (List.class.isAssignableFrom(field.getType()) && generic instanceof ParameterizedType p) {
      return (Class<?>) p.getActualTypeArguments()[0];
    }
    return field.getType();
  }
}
