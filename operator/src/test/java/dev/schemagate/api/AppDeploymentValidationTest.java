package dev.schemagate.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The generated CRD refuses bad AppDeployments for the right reason and accepts the examples: its
 * openAPIV3Schema checked by a real JSON-schema validator, its CEL rules by a real CEL engine.
 */
class AppDeploymentValidationTest {

  private static final JsonNode SCHEMA = Crd.openApiSchema();
  private static final OpenApiValidator OPEN_API = new OpenApiValidator(SCHEMA);
  private static final CelRules CEL = new CelRules(SCHEMA);

  private static List<Violation> violations(JsonNode object) {
    List<Violation> all = new ArrayList<>(OPEN_API.validate(object));
    all.addAll(CEL.validate(object));
    return all;
  }

  @Test
  void theBaseOfTheInvalidCasesIsValid() {
    assertThat(violations(InvalidAppDeployments.valid())).isEmpty();
  }

  static Stream<Crd.Example> examples() {
    return Crd.exampleAppDeployments().stream();
  }

  @Test
  void thereAreExamplesToCheck() {
    assertThat(Crd.exampleAppDeployments()).hasSizeGreaterThanOrEqualTo(2);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void everyExampleIsAccepted(Crd.Example example) {
    assertThat(violations(example.document())).isEmpty();
  }

  static Stream<InvalidAppDeployments.Case> invalidCases() {
    return InvalidAppDeployments.cases().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidCases")
  void invalidAppDeploymentIsRefusedForItsReasonOnly(InvalidAppDeployments.Case invalid) {
    List<Violation> found = violations(invalid.object());
    assertThat(found).as("refused").isNotEmpty();
    assertThat(found)
        .as("refused for: %s at %s", invalid.reason(), invalid.path())
        .allMatch(invalid::matches);
  }

  @Test
  void atLeastTenDistinctInvalidCases() {
    Set<String> names = new TreeSet<>();
    InvalidAppDeployments.cases().forEach(c -> names.add(c.name()));
    assertThat(names).hasSizeGreaterThanOrEqualTo(10);
  }

  @Test
  void everyCelRuleIsExercisedByAnInvalidCase() {
    Set<String> exercised = new TreeSet<>();
    for (InvalidAppDeployments.Case invalid : InvalidAppDeployments.cases()) {
      CEL.validate(invalid.object()).forEach(v -> exercised.add(v.reason()));
    }
    assertThat(exercised).containsAll(CEL.allRules());
  }

  @Test
  void aRuleThatFailsToCompileIsReportedNotIgnored() {
    JsonNode broken =
        Crd.YAML.valueToTree(
            java.util.Map.of(
                "type",
                "object",
                "x-kubernetes-validations",
                List.of(java.util.Map.of("rule", "self.(", "message", "broken"))));
    assertThat(new CelRules(broken).validate(InvalidAppDeployments.valid()))
        .singleElement()
        .satisfies(v -> assertThat(v.reason()).startsWith("rule error"));
  }
}
