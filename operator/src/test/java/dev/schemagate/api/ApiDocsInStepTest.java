package dev.schemagate.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** docs/api.md names every field of the CRD, so the reference never falls behind the model. */
class ApiDocsInStepTest {

  /** Reused Kubernetes types: documented by Kubernetes, not expanded in docs/api.md. */
  private static final Set<String> KUBERNETES_TYPES =
      Set.of(
          "env",
          "envFrom",
          "imagePullSecrets",
          "resources",
          "readinessProbe",
          "livenessProbe",
          "tolerations",
          "ports",
          "configMapRef",
          "conditions",
          "targetPort",
          "nodeSelector",
          "securityContext",
          "podSecurityContext");

  @Test
  void everyCrdFieldIsInTheReference() throws IOException {
    String docs = Files.readString(Crd.repoRoot().resolve("docs/api.md"));
    JsonNode schema = Crd.openApiSchema().path("properties");
    List<String> paths = new ArrayList<>();
    collect(schema.path("spec"), "spec", paths);
    collect(schema.path("status"), "status", paths);
    assertThat(paths).hasSizeGreaterThan(50);
    assertThat(paths).allSatisfy(path -> assertThat(docs).contains("`" + path + "`"));
  }

  private static void collect(JsonNode node, String path, List<String> paths) {
    JsonNode properties =
        node.has("properties") ? node.path("properties") : node.path("items").path("properties");
    properties
        .fieldNames()
        .forEachRemaining(
            name -> {
              String child = path + "." + name;
              paths.add(child);
              if (!KUBERNETES_TYPES.contains(name)) {
                collect(properties.path(name), child, paths);
              }
            });
  }
}
