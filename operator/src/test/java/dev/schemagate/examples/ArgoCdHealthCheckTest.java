package dev.schemagate.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.schemagate.api.Crd;
import dev.schemagate.testing.HealthCheckCases;
import dev.schemagate.testing.HealthCheckCases.Case;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

/**
 * The Argo CD health check of AppDeployments, run with a real Lua engine over every case of its
 * health_test.yaml, the way Argo CD tests its own resource customizations: the object is handed to
 * the script as the global {@code obj}, and the table it returns must hold the expected {@code
 * status} and {@code message}.
 */
class ArgoCdHealthCheckTest {

  private static final Path CHECK = HealthCheckCases.CHECK;
  private static final Path ARGOCD_CM = Crd.repoRoot().resolve("examples/argocd/argocd-cm.yaml");
  private static final String ARGOCD_CM_KEY =
      "resource.customizations.health.schemagate.dev_AppDeployment";

  static List<Case> cases() {
    return HealthCheckCases.all();
  }

  static Stream<Case> everyCase() {
    return cases().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyCase")
  void healthCheckAnswersWhatTheTestExpects(Case test) throws IOException {
    JsonNode object = test.object();

    Map<String, String> health = run(Files.readString(CHECK.resolve("health.lua")), object);

    assertThat(health).containsEntry("status", test.status());
    assertThat(health).containsEntry("message", test.message());
  }

  @Test
  void everyTestdataFileIsACaseAndEveryHealthStatusIsCovered() throws IOException {
    Set<String> files = new TreeSet<>();
    try (Stream<Path> testdata = Files.list(CHECK.resolve("testdata"))) {
      testdata.forEach(f -> files.add("testdata/" + f.getFileName()));
    }
    Set<String> used = new TreeSet<>();
    Set<String> statuses = new TreeSet<>();
    cases()
        .forEach(
            c -> {
              used.add(c.inputPath());
              statuses.add(c.status());
            });

    assertThat(used).isEqualTo(files);
    assertThat(statuses)
        .containsExactlyInAnyOrder("Healthy", "Progressing", "Degraded", "Suspended");
  }

  @Test
  void theArgocdCmSnippetCarriesTheTestedScript() throws IOException {
    JsonNode configMap = Crd.readYaml(ARGOCD_CM).get(0);

    assertThat(configMap.path("data").path(ARGOCD_CM_KEY).asText())
        .isEqualTo(Files.readString(CHECK.resolve("health.lua")));
  }

  /** Runs the script with {@code obj} bound to the object and returns its string fields. */
  static Map<String, String> run(String script, JsonNode object) {
    Globals globals = JsePlatform.standardGlobals();
    globals.set("obj", lua(object));
    LuaValue result = globals.load(script, "health.lua").call();
    assertThat(result.istable()).as("health.lua returns a table").isTrue();
    Map<String, String> fields = new java.util.TreeMap<>();
    LuaValue key = LuaValue.NIL;
    while (true) {
      var next = result.next(key);
      key = next.arg1();
      if (key.isnil()) {
        return fields;
      }
      fields.put(key.tojstring(), next.arg(2).tojstring());
    }
  }

  /** JSON as Argo CD hands it to Lua: objects and arrays become tables, numbers are numbers. */
  static LuaValue lua(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return LuaValue.NIL;
    }
    if (node.isObject()) {
      LuaTable table = new LuaTable();
      node.fields().forEachRemaining(e -> table.set(e.getKey(), lua(e.getValue())));
      return table;
    }
    if (node.isArray()) {
      LuaTable table = new LuaTable();
      for (int i = 0; i < node.size(); i++) {
        table.set(i + 1, lua(node.get(i)));
      }
      return table;
    }
    if (node.isBoolean()) {
      return LuaValue.valueOf(node.booleanValue());
    }
    if (node.isNumber()) {
      return LuaValue.valueOf(node.doubleValue());
    }
    return LuaValue.valueOf(node.asText());
  }
}
