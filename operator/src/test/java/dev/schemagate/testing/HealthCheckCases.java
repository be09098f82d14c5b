package dev.schemagate.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.schemagate.api.Crd;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The cases of the Argo CD health check's {@code health_test.yaml}, in Argo CD's own layout: each
 * an object (a testdata file) and the health the check must give it.
 */
public final class HealthCheckCases {

  public static final Path CHECK =
      Crd.repoRoot()
          .resolve("examples/argocd/resource_customizations/schemagate.dev/AppDeployment");

  private HealthCheckCases() {}

  /** One entry of health_test.yaml. */
  public record Case(String status, String message, String inputPath) {
    public JsonNode object() {
      return Crd.readYaml(CHECK.resolve(inputPath)).get(0);
    }

    @Override
    public String toString() {
      return inputPath + " -> " + status;
    }
  }

  public static List<Case> all() {
    List<Case> cases = new ArrayList<>();
    for (JsonNode test : Crd.readYaml(CHECK.resolve("health_test.yaml")).get(0).path("tests")) {
      cases.add(
          new Case(
              test.path("healthStatus").path("status").asText(),
              test.path("healthStatus").path("message").asText(),
              test.path("inputPath").asText()));
    }
    return cases;
  }
}
