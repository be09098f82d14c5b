package dev.schemagate.workload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.cli.SchemagateCli;
import dev.schemagate.diagnostics.ConfigBanner;
import dev.schemagate.gate.GateEnvironment;
import dev.schemagate.gate.SchemaGate;
import io.fabric8.kubernetes.api.model.ConfigMapEnvSource;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The schema-gate init container gets its own environment, not the application's: what the app's
 * JVM is told to start ({@code JAVA_TOOL_OPTIONS=-javaagent:...}) must not start in the gate's JVM,
 * where it crashed the gate and held every pod of the app in Init:CrashLoopBackOff. Its boot banner
 * still shows what the app gets.
 */
class SchemaGateEnvironmentTest {

  private static final String DB_PASSWORD = "Db-S3cret-pw-5521";
  private static final String REDIS_PASSWORD = "Redis-S3cret-pw-8812";
  private static final String PARTNER_ID = "partner-7731-kq";

  /** The app's environment sets every variable that changes how a JVM starts, some by envFrom. */
  private static final String APP =
      """
      apiVersion: schemagate.dev/v1alpha1
      kind: AppDeployment
      metadata: {name: shop, namespace: default, uid: u-1}
      spec:
        image: registry.example.com/shop:1.0.0
        env:
          - name: DATABASE_URL
            valueFrom: {secretKeyRef: {name: shop-db, key: url}}
          - {name: JAVA_TOOL_OPTIONS, value: "-javaagent:/nope.jar"}
          - {name: APP_URL, value: "https://$(APP_HOST)/shop"}
        envFrom:
          - configMapRef: {name: shop-config}
          - secretRef: {name: shop-secrets}
        database:
          urlSecretRef: {name: shop-db, key: url}
        migration:
          command: [python, -m, shop.migrate]
        schema:
          tables: [{name: orders, columns: [id]}]
        diagnostics:
          env: [FLASK_ENV, APP_URL, PARTNER_ID, JAVA_TOOL_OPTIONS, LD_PRELOAD]
        components:
          - name: worker
            env:
              - {name: _JAVA_OPTIONS, value: "-Dapp.only=1"}
              - {name: JDK_JAVA_OPTIONS, value: "-Dapp.only=2"}
              - {name: LD_PRELOAD, value: /nope.so}
              - {name: PATH, value: /app/bin}
              - {name: SCHEMAGATE_SCHEMA_REQUIREMENTS_FILE, value: /app/nope.json}
              - {name: WORKER_QUEUE, value: default}
      """;

  private static final Map<String, Map<String, String>> CONFIG_MAPS =
      Map.of(
          "shop-config",
          Map.of(
              "FLASK_ENV", "production",
              "APP_HOST", "shop.example.com",
              "JAVA_OPTS", "-Xmx1m",
              "CLASSPATH", "/nope",
              "LD_LIBRARY_PATH", "/nope"));

  private static final Map<String, Map<String, String>> SECRETS =
      Map.of(
          "shop-db",
          Map.of("url", "postgresql://app:" + DB_PASSWORD + "@localhost:1/shop"),
          "shop-secrets",
          Map.of(
              "REDIS_URL",
              "redis://:" + REDIS_PASSWORD + "@redis:6379/0",
              "PARTNER_ID",
              PARTNER_ID));

  private final KubernetesSerialization json = new KubernetesSerialization();

  private AppDeployment shop() {
    return json.unmarshal(APP, AppDeployment.class);
  }

  private Container gate(AppDeployment appd) {
    return ComponentDeployments.build(
            appd, appd.getSpec().getComponents().get(0), "abcdef0123", 1, "schemagate:test")
        .getSpec()
        .getTemplate()
        .getSpec()
        .getInitContainers()
        .get(0);
  }

  private Container app(AppDeployment appd) {
    return ComponentDeployments.build(
            appd, appd.getSpec().getComponents().get(0), "abcdef0123", 1, "schemagate:test")
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0);
  }

  @Test
  void theAppsJvmOptionsNeverReachTheGateButItsOwnVariablesDo() {
    Container gate = gate(shop());
    List<String> names = gate.getEnv().stream().map(EnvVar::getName).toList();

    assertThat(names)
        .as("nothing that changes how the gate's JVM starts, from env or envFrom")
        .doesNotContainAnyElementsOf(dev.schemagate.env.JvmStartVariables.NAMES)
        .doesNotContain("WORKER_QUEUE", "SCHEMAGATE_SCHEMA_REQUIREMENTS_FILE");
    assertThat(gate.getEnvFrom()).as("no envFrom: it would bring every key").isEmpty();
    assertThat(names)
        .as("the gate's own variables")
        .contains(
            "SCHEMAGATE_DATABASE_URL",
            "SCHEMAGATE_SCHEMA_REQUIREMENTS",
            "SCHEMAGATE_DIAGNOSTICS_ENV",
            "SCHEMAGATE_SECRET_ENV_NAMES")
        .as("what its banner shows, and what those refer to")
        .contains("DATABASE_URL", "REDIS_URL", "SERVICE_ROLE", "FLASK_ENV", "APP_URL", "APP_HOST");
    assertThat(value(gate, "SCHEMAGATE_DIAGNOSTICS_ENV"))
        .as("the banner still names what it withholds")
        .isEqualTo("FLASK_ENV,APP_URL,PARTNER_ID,JAVA_TOOL_OPTIONS,LD_PRELOAD");
    assertThat(value(gate, "SCHEMAGATE_SECRET_ENV_NAMES"))
        .isEqualTo(
            "SCHEMAGATE_ENVFROM_1_REDIS_URL,SCHEMAGATE_ENVFROM_1_FLASK_ENV,"
                + "SCHEMAGATE_ENVFROM_1_PARTNER_ID,SCHEMAGATE_ENVFROM_1_APP_HOST,DATABASE_URL,"
                + "SCHEMAGATE_DATABASE_URL");
    assertThat(value(gate, "SERVICE_ROLE")).isEqualTo("worker");

    assertThat(gate.getEnv().stream().filter(e -> e.getName().equals("REDIS_URL")))
        .as("from every envFrom source that may hold it, in order: the last one holding it wins")
        .extracting(SchemaGateEnvironmentTest::ref)
        .containsExactly("shop-config/REDIS_URL", "shop-secrets/REDIS_URL");
    assertThat(ref(entry(gate, "SCHEMAGATE_ENVFROM_1_REDIS_URL")))
        .as("the Secret's key once more under a name listed as from a Secret")
        .isEqualTo("shop-secrets/REDIS_URL");

    assertThat(app(shop()).getEnv())
        .as("the app itself keeps its environment")
        .extracting(EnvVar::getName)
        .contains("JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "LD_PRELOAD", "WORKER_QUEUE");
    assertThat(app(shop()).getEnvFrom()).hasSize(2);
  }

  @Test
  void anEnvFromKeyIsReferencedFromEverySourceInOrderAndWithItsPrefix() {
    AppDeployment appd = shop();
    EnvFromSource prefixed = new EnvFromSource();
    prefixed.setPrefix("APP_");
    prefixed.setConfigMapRef(new ConfigMapEnvSource());
    prefixed.getConfigMapRef().setName("overrides");
    prefixed.getConfigMapRef().setOptional(true);
    appd.getSpec().getComponents().get(0).setEnvFrom(List.of(prefixed));

    List<EnvVar> host =
        gate(appd).getEnv().stream().filter(e -> e.getName().equals("APP_HOST")).toList();

    assertThat(host)
        .extracting(SchemaGateEnvironmentTest::ref)
        .containsExactly("shop-config/APP_HOST", "shop-secrets/APP_HOST", "overrides/HOST");
  }

  /**
   * The banner the gate prints from its own environment equals, line for line, the one it printed
   * from the app's whole environment - except for the variables it no longer gets, which it names
   * with the reason.
   */
  @Test
  void theBootBannerShowsWhatTheAppGets() {
    AppDeployment appd = shop();
    Map<String, String> own = Kubelet.resolve(gate(appd));
    Map<String, String> whole = new LinkedHashMap<>(Kubelet.resolve(app(appd)));
    own.forEach((name, value) -> whole.putIfAbsent(name, value));
    // The app's own SCHEMAGATE_SCHEMA_REQUIREMENTS_FILE broke the old gate after its banner.
    whole.put("SCHEMAGATE_SCHEMA_REQUIREMENTS_FILE", "");

    List<String> fromOwn = banner(own);
    List<String> fromWhole = banner(whole);

    assertThat(fromOwn)
        .contains(
            "📍 DATABASE_URL: postgresql://app:***@localhost:1/shop",
            "📍 REDIS_URL: redis://:***@redis:6379/0",
            "📍 SERVICE_ROLE: worker",
            "📍 FLASK_ENV: production",
            "📍 APP_URL: https://shop.example.com/shop",
            "📍 PARTNER_ID: ***",
            "📍 JAVA_TOOL_OPTIONS: " + ConfigBanner.WITHHELD,
            "📍 LD_PRELOAD: " + ConfigBanner.WITHHELD);
    assertThat(fromOwn.stream().filter(l -> !l.contains(ConfigBanner.WITHHELD)))
        .containsExactlyElementsOf(
            fromWhole.stream()
                .filter(
                    l -> !l.startsWith("📍 JAVA_TOOL_OPTIONS") && !l.startsWith("📍 LD_PRELOAD"))
                .toList());
    assertThat(String.join("\n", fromOwn)).doesNotContain(DB_PASSWORD, REDIS_PASSWORD, PARTNER_ID);
  }

  /**
   * The real {@code check-schema} in a JVM of its own, started as the container starts it: with the
   * app's whole environment the agent meant for the app kills the gate's JVM before the gate says a
   * word; with the gate's own environment it starts, prints its banner and checks (the database at
   * localhost:1 does not answer: exit 2).
   */
  @Test
  void theRealGateStartsWhereTheAppsAgentKilledIt() throws IOException, InterruptedException {
    AppDeployment appd = shop();
    Map<String, String> own = Kubelet.resolve(gate(appd));
    Map<String, String> whole = new LinkedHashMap<>(Kubelet.resolve(app(appd)));
    whole.putAll(own);
    whole.put("JAVA_TOOL_OPTIONS", "-javaagent:/nope.jar");

    Run before = checkSchema(whole);
    assertThat(before.exit()).as(before.output()).isNotZero();
    assertThat(before.output()).contains("nope.jar").doesNotContain("BOOT DIAGNOSTICS");

    Run after = checkSchema(own);
    assertThat(after.exit()).as(after.output()).isEqualTo(SchemaGate.EXIT_UNREACHABLE);
    assertThat(after.output())
        .contains("WORKER BOOT DIAGNOSTICS", "FLASK_ENV: production", "SERVICE_ROLE: worker")
        .doesNotContain("Picked up", "nope.jar", "nope.so", "-Dapp.only", DB_PASSWORD, PARTNER_ID);
  }

  private record Run(int exit, String output) {}

  private static Run checkSchema(Map<String, String> env) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    SchemaGateContainer.COMMAND.stream()
        .filter(o -> o.startsWith("-XX:") && !o.startsWith("-XX:SharedArchiveFile"))
        .forEach(command::add);
    command.addAll(List.of("-cp", System.getProperty("java.class.path")));
    command.add(SchemagateCli.class.getName());
    command.addAll(
        List.of(
            "check-schema", "--database-url-env", "SCHEMAGATE_DATABASE_URL", "--attempts", "1"));
    command.addAll(List.of("--timeout", "2"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().putAll(env);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(output).isTrue();
    return new Run(process.exitValue(), output);
  }

  private static List<String> banner(Map<String, String> env) {
    StringWriter out = new StringWriter();
    try (var ignored = GateEnvironment.override(env)) {
      SchemagateCli.execute(
          new PrintWriter(out, true),
          new PrintWriter(out, true),
          "check-schema",
          "--database-url-env",
          "SCHEMAGATE_DATABASE_URL",
          "--attempts",
          "1",
          "--timeout",
          "2");
    }
    return out.toString().lines().filter(l -> l.startsWith("📍 ")).toList();
  }

  private static EnvVar entry(Container container, String name) {
    return container.getEnv().stream()
        .filter(e -> e.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private static String value(Container container, String name) {
    return entry(container, name).getValue();
  }

  /** {@code <ConfigMap or Secret>/<key>} of an entry that refers to one, optional. */
  private static String ref(EnvVar e) {
    assertThat(e.getValue()).as("by reference, never a value").isNull();
    var secret = e.getValueFrom().getSecretKeyRef();
    if (secret != null) {
      assertThat(secret.getOptional()).as(e.getName()).isTrue();
      return secret.getName() + "/" + secret.getKey();
    }
    var configMap = e.getValueFrom().getConfigMapKeyRef();
    assertThat(configMap.getOptional()).as(e.getName()).isTrue();
    return configMap.getName() + "/" + configMap.getKey();
  }

  /** The environment a container gets, as the kubelet builds it from these ConfigMaps/Secrets. */
  private static final class Kubelet {

    static Map<String, String> resolve(Container container) {
      Map<String, String> env = new LinkedHashMap<>();
      for (EnvFromSource source : container.getEnvFrom()) {
        String prefix = source.getPrefix() == null ? "" : source.getPrefix();
        Map<String, String> data =
            source.getConfigMapRef() != null
                ? CONFIG_MAPS.get(source.getConfigMapRef().getName())
                : SECRETS.get(source.getSecretRef().getName());
        if (data != null) {
          data.forEach((key, value) -> env.put(prefix + key, value));
        }
      }
      for (EnvVar e : container.getEnv()) {
        if (e.getValue() != null) {
          env.put(e.getName(), expand(e.getValue(), env));
        } else if (e.getValueFrom().getSecretKeyRef() != null) {
          var ref = e.getValueFrom().getSecretKeyRef();
          String value = SECRETS.getOrDefault(ref.getName(), Map.of()).get(ref.getKey());
          if (value != null) {
            env.put(e.getName(), value);
          } else {
            assertThat(ref.getOptional()).as(e.getName() + " would hold the pod").isTrue();
          }
        } else if (e.getValueFrom().getConfigMapKeyRef() != null) {
          var ref = e.getValueFrom().getConfigMapKeyRef();
          String value = CONFIG_MAPS.getOrDefault(ref.getName(), Map.of()).get(ref.getKey());
          if (value != null) {
            env.put(e.getName(), value);
          } else {
            assertThat(ref.getOptional()).as(e.getName() + " would hold the pod").isTrue();
          }
        }
      }
      return env;
    }

    /** {@code $(NAME)} of a variable defined before, {@code $$} as {@code $}. */
    private static String expand(String value, Map<String, String> defined) {
      StringBuilder out = new StringBuilder();
      int i = 0;
      while (i < value.length()) {
        if (value.startsWith("$$", i)) {
          out.append('$');
          i += 2;
        } else if (value.startsWith("$(", i) && value.indexOf(')', i) > 0) {
          int close = value.indexOf(')', i);
          String name = value.substring(i + 2, close);
          out.append(defined.getOrDefault(name, value.substring(i, close + 1)));
          i = close + 1;
        } else {
          out.append(value.charAt(i++));
        }
      }
      return out.toString();
    }
  }
}
