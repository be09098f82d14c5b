package dev.schemagate.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.schemagate.api.Crd;
import dev.schemagate.api.InvalidAppDeployments;
import dev.schemagate.testkit.ControlPlane;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The committed CRD on a real kube-apiserver: it is accepted (structural, CEL rules within the cost
 * budget), every case of {@link InvalidAppDeployments#cases()} is refused with HTTP 422 for its
 * reason at its path, and every example plus {@link InvalidAppDeployments#valid()} is accepted.
 *
 * <p>Objects are sent as raw JSON with {@code fieldValidation=Strict}, so unknown fields are
 * refused instead of silently pruned. A table "case -> server message" is printed at the end.
 */
@RealKubernetes
class CrdOnRealApiServerTest {

  private static final String NAMESPACE = "crd-test";
  private static final String CRD_NAME = "appdeployments.schemagate.dev";
  private static final String COLLECTION =
      "/apis/schemagate.dev/v1alpha1/namespaces/" + NAMESPACE + "/appdeployments";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * How the API server words the failure of each OpenAPI keyword the case catalog names (see
   * k8s.io/kube-openapi validate errors and k8s.io/apimachinery field errors). CEL cases carry the
   * rule's message itself.
   */
  static final Map<String, String> SERVER_WORDING =
      Map.of(
          "minimum", "should be greater than or equal to",
          "maximum", "should be less than or equal to",
          "pattern", "should match",
          "enum", "Unsupported value",
          "required", "Required value",
          "minItems", "should have at least",
          "maxItems", "must have at most",
          "minLength", "should be at least",
          "maxLength", "may not be more than",
          "additionalProperties", "unknown field");

  static ControlPlane plane;
  static KubernetesClient admin;

  private static final Map<String, String> TABLE = new ConcurrentHashMap<>();

  @BeforeAll
  static void installCrd() throws IOException {
    plane.createNamespace(NAMESPACE);
    CustomResourceDefinition crd;
    try (InputStream in = Files.newInputStream(Crd.committed())) {
      crd = admin.apiextensions().v1().customResourceDefinitions().load(in).item();
    }
    admin.resource(crd).forceConflicts().serverSideApply();
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> condition("Established").filter(c -> "True".equals(c.getStatus())).isPresent());
    // Established does not yet mean the endpoint is served by every handler: wait for a GET.
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> plane.request(ControlPlane.ADMIN_USER, "GET", COLLECTION, null).status() == 200);
  }

  private static Optional<CustomResourceDefinitionCondition> condition(String type) {
    CustomResourceDefinition crd =
        admin.apiextensions().v1().customResourceDefinitions().withName(CRD_NAME).get();
    if (crd == null || crd.getStatus() == null || crd.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return crd.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst();
  }

  @Test
  void theCrdIsEstablishedStructuralAndItsNamesAccepted() {
    CustomResourceDefinition crd =
        admin.apiextensions().v1().customResourceDefinitions().withName(CRD_NAME).get();
    List<CustomResourceDefinitionCondition> conditions = crd.getStatus().getConditions();
    StringBuilder text = new StringBuilder();
    conditions.forEach(
        c ->
            text.append(
                "%s=%s (%s: %s)%n"
                    .formatted(c.getType(), c.getStatus(), c.getReason(), c.getMessage())));
    System.out.println("CRD " + CRD_NAME + " conditions on kube-apiserver:\n" + text);
    assertThat(conditions)
        .as(text.toString())
        .anySatisfy(c -> assertCondition(c, "Established", "True"))
        .anySatisfy(c -> assertCondition(c, "NamesAccepted", "True"))
        .noneMatch(c -> c.getType().equals("NonStructuralSchema"))
        .noneMatch(
            c ->
                c.getType().equals("KubernetesAPIApprovalPolicyConformant")
                    && "False".equals(c.getStatus()));
    assertThat(crd.getStatus().getAcceptedNames().getKind()).isEqualTo("AppDeployment");
    assertThat(crd.getStatus().getAcceptedNames().getShortNames()).contains("appd");
    assertThat(crd.getStatus().getStoredVersions()).containsExactly("v1alpha1");
  }

  private static void assertCondition(
      CustomResourceDefinitionCondition c, String type, String status) {
    assertThat(c.getType()).isEqualTo(type);
    assertThat(c.getStatus()).isEqualTo(status);
  }

  static Stream<InvalidAppDeployments.Case> invalidCases() {
    return InvalidAppDeployments.cases().stream();
  }

  /**
   * Cases where kube-apiserver v1.34 answers differently from what the catalog expects (the CRD and
   * the catalog are left as they are). Each is asserted exactly as the server answers, so a change
   * on either side makes this test fail and the entry can be revisited.
   */
  static final Map<String, Expected> KNOWN_DIFFERENCES =
      Map.of(
          "misspelled field spec.componets",
          new Expected(
              400,
              "unknown field \"spec.componets\"",
              null,
              "fieldValidation=Strict fails while decoding, before validation: 400 BadRequest"
                  + " 'strict decoding error', no causes, no field"),
          "Flyway clean, which schemagate never runs",
          new Expected(
              400,
              "unknown field \"spec.migration.flyway.cleanDisabled\"",
              null,
              "fieldValidation=Strict fails while decoding, before validation: 400 BadRequest"
                  + " 'strict decoding error', no causes, no field"));

  /**
   * The server adds this cause whenever schema errors made it skip the CEL rules; it is a note, not
   * a second reason.
   */
  static final String CEL_SKIPPED =
      "some validation rules were not checked because the object was invalid";

  /** What the server answers: status, a text of the message, the field (null: no causes). */
  record Expected(int status, String text, String field, String why) {}

  static Expected expected(InvalidAppDeployments.Case invalid) {
    Expected known = KNOWN_DIFFERENCES.get(invalid.name());
    return known != null
        ? known
        : new Expected(422, expectedText(invalid), serverField(invalid.path()), null);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidCases")
  void everyInvalidAppDeploymentIsRefusedByTheServer(InvalidAppDeployments.Case invalid) {
    ObjectNode object = invalid.object();
    ((ObjectNode) object.get("metadata")).put("namespace", NAMESPACE);
    ControlPlane.Response response = create(object);
    if (response.status() == 201) {
      delete(object);
    }
    List<Cause> causes = causes(response.body());
    TABLE.put(invalid.name(), row(response, causes));

    Expected expected = expected(invalid);
    assertThat(response.status())
        .as("HTTP status; body: %s", response.body())
        .isEqualTo(expected.status());
    if (expected.field() == null) {
      assertThat(causes).isEmpty();
      assertThat(message(response.body())).contains(expected.text());
      return;
    }
    assertThat(causes)
        .as("causes; expected '%s' at '%s'", expected.text(), expected.field())
        .anySatisfy(
            cause -> {
              assertThat(cause.message()).contains(expected.text());
              assertThat(fieldMatches(invalid, cause.field(), expected.field()))
                  .as("field %s for %s", cause.field(), expected.field())
                  .isTrue();
            });
    // Refused for this reason only: nothing else about the object is wrong.
    assertThat(causes)
        .as("every cause is the expected one (or the note that CEL rules were skipped)")
        .allSatisfy(
            cause ->
                assertThat(
                        cause.message().contains(expected.text())
                            || cause.message().contains(CEL_SKIPPED))
                    .as(cause.toString())
                    .isTrue());
  }

  /**
   * Without fieldValidation=Strict (the server's default is Warn) an unknown field is not an error:
   * the object is created, the field pruned, and the answer carries a Warning header.
   */
  @Test
  void withoutStrictFieldValidationAnUnknownFieldIsPrunedWithAWarning() {
    ObjectNode object = InvalidAppDeployments.valid();
    ((ObjectNode) object.get("metadata")).put("namespace", NAMESPACE);
    ((ObjectNode) object.get("metadata")).put("name", "pruned");
    ((ObjectNode) object.get("spec")).putArray("componets").addObject().put("name", "api");
    ControlPlane.Response response =
        plane.request(ControlPlane.ADMIN_USER, "POST", COLLECTION, object.toString());
    try {
      assertThat(response.status()).as(response.body()).isEqualTo(201);
      assertThat(read(response.body()).at("/spec").has("componets")).isFalse();
      // 299 - "unknown field \"spec.componets\"" (quotes escaped inside the warning text)
      assertThat(response.header("Warning"))
          .anySatisfy(
              w -> assertThat(w).startsWith("299 ").contains("unknown field", "spec.componets"));
    } finally {
      delete(object);
    }
  }

  static Stream<Crd.Example> examples() {
    return Crd.exampleAppDeployments().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void everyExampleIsAccepted(Crd.Example example) {
    ObjectNode object = example.document().deepCopy();
    object.withObjectProperty("metadata").put("namespace", NAMESPACE);
    ControlPlane.Response response = create(object);
    try {
      assertThat(response.status()).as(response.body()).isEqualTo(201);
    } finally {
      delete(object);
    }
  }

  @Test
  void theBaseOfTheInvalidCasesIsAccepted() {
    ObjectNode object = InvalidAppDeployments.valid();
    ((ObjectNode) object.get("metadata")).put("namespace", NAMESPACE);
    ControlPlane.Response response = create(object);
    try {
      assertThat(response.status()).as(response.body()).isEqualTo(201);
      JsonNode stored = read(response.body());
      // The server applied the schema's defaults.
      assertThat(stored.at("/spec/suspend").asBoolean(true)).isFalse();
    } finally {
      delete(object);
    }
  }

  @AfterAll
  static void printTable() {
    StringBuilder table =
        new StringBuilder("\nInvalid AppDeployments on kube-apiserver v1.34.12:\n");
    table.append("| case | catalog expects | HTTP status, then [field: message] per cause |\n");
    table.append("| --- | --- | --- |\n");
    for (InvalidAppDeployments.Case invalid : InvalidAppDeployments.cases()) {
      table
          .append("| ")
          .append(invalid.name())
          .append(" | ")
          .append(invalid.by())
          .append(' ')
          .append(invalid.reason())
          .append(" @ ")
          .append(invalid.path())
          .append(" | ")
          .append(TABLE.getOrDefault(invalid.name(), "(not run)").replace("|", "\\|"))
          .append(" |\n");
    }
    table.append("Differences from the catalog, asserted as the server answers:\n");
    KNOWN_DIFFERENCES.forEach(
        (name, e) -> table.append("- ").append(name).append(": ").append(e.why()).append('\n'));
    System.out.println(table);
  }

  // ------------------------------------------------------------------------------ helpers

  record Cause(String reason, String message, String field) {}

  private static ControlPlane.Response create(JsonNode object) {
    return plane.request(
        ControlPlane.ADMIN_USER, "POST", COLLECTION + "?fieldValidation=Strict", object.toString());
  }

  private static void delete(JsonNode object) {
    String name = object.path("metadata").path("name").asText();
    plane.request(ControlPlane.ADMIN_USER, "DELETE", COLLECTION + "/" + name, null);
  }

  /** The text the server's message must contain for a case. */
  static String expectedText(InvalidAppDeployments.Case invalid) {
    if (invalid.by().equals("schema")) {
      String wording = SERVER_WORDING.get(invalid.reason());
      if (wording == null) {
        throw new IllegalStateException("no server wording for keyword " + invalid.reason());
      }
      return wording;
    }
    return invalid.reason();
  }

  /** $.spec.components[1].name -> spec.components[1].name; $ (the object itself) -> <nil>. */
  static String serverField(String casePath) {
    return casePath.equals("$") ? "<nil>" : casePath.substring(2);
  }

  /**
   * The server names the missing (required) or unknown (additionalProperties) property itself, one
   * level below the object the catalog points at.
   */
  private static boolean fieldMatches(
      InvalidAppDeployments.Case invalid, String field, String expected) {
    if (field.equals(expected)) {
      return true;
    }
    boolean childNamed =
        invalid.reason().equals("required") || invalid.reason().equals("additionalProperties");
    return childNamed
        && field.startsWith(expected + ".")
        && field.indexOf('.', expected.length() + 1) < 0;
  }

  private static List<Cause> causes(String body) {
    JsonNode status = read(body);
    List<Cause> causes = new ArrayList<>();
    for (JsonNode cause : status.path("details").path("causes")) {
      causes.add(
          new Cause(
              cause.path("reason").asText(),
              cause.path("message").asText(),
              cause.path("field").asText("")));
    }
    return causes;
  }

  /** HTTP status, the causes as "field: message", or the message when there are none. */
  private static String row(ControlPlane.Response response, List<Cause> causes) {
    if (causes.isEmpty()) {
      return response.status() + " " + message(response.body());
    }
    StringBuilder row = new StringBuilder().append(response.status());
    for (Cause cause : causes) {
      row.append(" [").append(cause.field()).append(": ").append(cause.message()).append(']');
    }
    return row.toString();
  }

  private static String message(String body) {
    JsonNode status = read(body);
    return status.path("kind").asText().equals("Status")
        ? status.path("message").asText()
        : "(created)";
  }

  private static JsonNode read(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + body, e);
    }
  }
}
