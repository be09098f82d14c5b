package dev.schemagate.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.CelRules;
import dev.schemagate.api.InvalidAppDeployments;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.Validation;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The admission guard's rule for the operator's updates of AppDeployments, evaluated with a real
 * CEL engine as the API server would: putting schemagate's finalizer on and taking it off is
 * admitted, any other change (spec, labels, annotations, owners, someone else's finalizer) is not.
 */
class FinalizerOnlyPolicyTest {

  static final String OURS = "schemagate.dev/migration-running";

  private static final CelCompiler COMPILER =
      CelCompilerFactory.standardCelCompilerBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("object", SimpleType.DYN)
          .addVar("oldObject", SimpleType.DYN)
          .addVar("request", SimpleType.DYN)
          .build();
  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

  private final KubernetesSerialization serialization = new KubernetesSerialization();
  private final ValidatingAdmissionPolicy policy =
      Chart.render(Map.of()).all(ValidatingAdmissionPolicy.class).stream()
          .filter(p -> p.getMetadata().getName().endsWith("-finalizer-only"))
          .findFirst()
          .orElseThrow();

  @Test
  void itMatchesOnlyTheOperatorsUpdatesOfAppDeployments() {
    var rule = policy.getSpec().getMatchConstraints().getResourceRules().get(0);
    assertThat(rule.getResources()).containsExactly("appdeployments");
    assertThat(rule.getOperations()).containsExactly("UPDATE");
    assertThat(policy.getSpec().getMatchConditions().get(0).getExpression())
        .contains("system:serviceaccount:" + Chart.NAMESPACE + ":" + Chart.RELEASE);
    assertThat(Chart.render(Map.of("admissionGuard", Map.of("enabled", false))).objects())
        .noneMatch(o -> o.getMetadata().getName().endsWith("-finalizer-only"));
  }

  @Test
  void puttingOurFinalizerOnOrTakingItOffIsAdmitted() {
    assertThat(refusals(a -> a.getMetadata().setFinalizers(List.of("other.io/x")), a -> {}))
        .isEmpty();
    assertThat(
            refusals(
                a -> a.getMetadata().setFinalizers(List.of("other.io/x")),
                a -> a.getMetadata().setFinalizers(List.of("other.io/x", OURS))))
        .isEmpty();
    assertThat(
            refusals(
                a -> a.getMetadata().setFinalizers(List.of(OURS)),
                a -> a.getMetadata().setFinalizers(List.of())))
        .isEmpty();
    assertThat(refusals(a -> {}, a -> a.getMetadata().setFinalizers(List.of(OURS)))).isEmpty();
  }

  @Test
  void anyOtherChangeIsRefused() {
    assertThat(refusals(a -> {}, a -> a.getSpec().setImage("evil:1")))
        .containsExactly("schemagate never changes an AppDeployment's spec");
    assertThat(refusals(a -> {}, a -> a.getMetadata().setLabels(Map.of("team", "x"))))
        .containsExactly("schemagate never changes an AppDeployment's labels or annotations");
    assertThat(
            refusals(
                a -> a.getMetadata().setAnnotations(Map.of("schemagate.dev/retry", "1")),
                a -> a.getMetadata().setAnnotations(Map.of("schemagate.dev/retry", "2"))))
        .containsExactly("schemagate never changes an AppDeployment's labels or annotations");
    assertThat(
            refusals(
                a -> a.getMetadata().setFinalizers(List.of("other.io/x", OURS)),
                a -> a.getMetadata().setFinalizers(List.of(OURS))))
        .containsExactly(
            "schemagate changes only its own finalizer (schemagate.dev/migration-running)");
  }

  /** The messages of the validations the update from {@code before} to {@code after} fails. */
  private List<String> refusals(Consumer<AppDeployment> before, Consumer<AppDeployment> after) {
    AppDeployment old = serialization.unmarshal(InvalidAppDeployments.VALID, AppDeployment.class);
    before.accept(old);
    AppDeployment updated = serialization.clone(old);
    after.accept(updated);
    Map<String, Object> bindings = new LinkedHashMap<>();
    bindings.put("object", cel(updated));
    bindings.put("oldObject", cel(old));
    bindings.put("request", Map.of("operation", "UPDATE"));
    assertThat(policy.getSpec().getVariables()).isNullOrEmpty();
    List<String> refused = new ArrayList<>();
    for (Validation validation : policy.getSpec().getValidations()) {
      if (!Boolean.TRUE.equals(eval(validation.getExpression(), bindings))) {
        refused.add(validation.getMessage());
      }
    }
    return refused;
  }

  private static Object eval(String expression, Map<String, Object> bindings) {
    try {
      return RUNTIME.createProgram(COMPILER.compile(expression).getAst()).eval(bindings);
    } catch (Exception e) {
      throw new AssertionError("CEL error in " + expression + ": " + e.getMessage(), e);
    }
  }

  private Object cel(AppDeployment appd) {
    JsonNode json = new ObjectMapper().valueToTree(serialization.convertValue(appd, Map.class));
    return CelRules.toCel(json);
  }
}
