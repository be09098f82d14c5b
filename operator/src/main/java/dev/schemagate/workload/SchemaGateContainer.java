package dev.schemagate.workload;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.AppDeploymentSpec;
import dev.schemagate.api.ComponentSpec;
import dev.schemagate.diagnostics.ConfigBanner;
import dev.schemagate.env.JvmStartVariables;
import dev.schemagate.env.ResolvedEnv;
import dev.schemagate.gate.GateSettings;
import dev.schemagate.schema.RequirementsEncoding;
import dev.schemagate.schema.SchemaRequirements;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code schema-gate} init container: {@code schemagate check-schema} with the requirements the
 * operator verifies, so a pod started outside the operator's gating (an HPA, a node restart, a
 * restored backup) still refuses to run on an outdated schema. Credentials reach it only by
 * reference to their Secrets, never as values.
 *
 * <p>Its environment is its own: its settings, and the app's variables its boot banner shows
 * ({@link #shownVariables}). The app's whole environment would start whatever the app's JVM is told
 * to start ({@code JAVA_TOOL_OPTIONS=-javaagent:...}) in the gate's JVM as well.
 */
public final class SchemaGateContainer {

  public static final String NAME = "schema-gate";

  /** The gate's own settings; the app's variables of these names never reach it. */
  static final String OWN_PREFIX = "SCHEMAGATE_";

  /** What Kubernetes accepts as the name of an env entry (and what a program can read). */
  private static final Pattern ENV_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");

  /** What Kubernetes accepts as a key of a ConfigMap or Secret. */
  private static final Pattern CONFIG_KEY = Pattern.compile("[-._a-zA-Z0-9]{1,253}");

  /** Small enough not to matter next to the app; the JVM needs about 64 MiB for one query. */
  static final ResourceRequirements DEFAULT_RESOURCES =
      new ResourceRequirementsBuilder()
          .withRequests(Map.of("cpu", new Quantity("10m"), "memory", new Quantity("64Mi")))
          .withLimits(Map.of("memory", new Quantity("160Mi")))
          .build();

  /**
   * The gate starts at every pod start, so it starts the JVM for a short run: C1 only, SerialGC,
   * and the application Class Data Sharing archive the image holds (scripts/gate-cds-archive.sh,
   * run by the Dockerfile), which halves start-up (docs/benchmarks.md). A missing archive only
   * costs that time: the JVM then starts without it.
   */
  static final List<String> COMMAND =
      List.of(
          "java",
          "-XX:SharedArchiveFile=/opt/schemagate/gate.jsa",
          "-Xshare:auto",
          "-XX:TieredStopAtLevel=1",
          "-XX:+UseSerialGC",
          "-XX:MaxRAMPercentage=75",
          "-jar",
          "/opt/schemagate/schemagate.jar");

  private SchemaGateContainer() {}

  /**
   * The requirements as the gate's environment variable carries them.
   *
   * @throws IllegalArgumentException naming {@code spec.schema} when they do not fit even
   *     compressed: the pod would never start (the kernel refuses the environment)
   */
  public static String encodedRequirements(AppDeploymentSpec spec) {
    String requirements =
        RequirementsEncoding.encode(
            SchemaRequirements.from(spec.getSchema(), spec.getDatabase()).toJson());
    if (requirements.length() > RequirementsEncoding.ENV_LIMIT) {
      throw new IllegalArgumentException(
          "spec.schema: the schema gate's requirements take "
              + requirements.length() / 1024
              + " KiB even compressed, more than the "
              + RequirementsEncoding.ENV_LIMIT / 1024
              + " KiB an environment variable can carry; require fewer objects or set"
              + " spec.schemaGate.enabled=false");
    }
    return requirements;
  }

  /**
   * The schema requirements a pod template's gate checks (encoded as the gate's variable carries
   * them), or null without a gate: what the revision that template runs needs of the schema.
   */
  public static String requirementsOf(io.fabric8.kubernetes.api.model.PodSpec pod) {
    if (pod == null || pod.getInitContainers() == null) {
      return null;
    }
    return pod.getInitContainers().stream()
        .filter(c -> NAME.equals(c.getName()) && c.getEnv() != null)
        .flatMap(c -> c.getEnv().stream())
        .filter(e -> GateSettings.REQUIREMENTS_ENV.equals(e.getName()))
        .map(EnvVar::getValue)
        .findFirst()
        .orElse(null);
  }

  public static boolean enabled(AppDeploymentSpec spec) {
    return spec.getSchemaGate() == null || !Boolean.FALSE.equals(spec.getSchemaGate().getEnabled());
  }

  static Container build(AppDeployment owner, ComponentSpec component, String operatorImage) {
    AppDeploymentSpec spec = owner.getSpec();
    List<String> diagnostics =
        spec.getDiagnostics() == null ? null : spec.getDiagnostics().getEnv();
    // Only what the boot banner shows, taken from the app's environment by reference; never the
    // whole environment, which is the app's and may start an agent in any JVM (JAVA_TOOL_OPTIONS).
    Shown shown = shownVariables(spec, component, diagnostics);
    List<EnvVar> env = new ArrayList<>(shown.env());
    env.add(DatabaseUrlVariable.of(spec));
    env.add(new EnvVar(GateSettings.REQUIREMENTS_ENV, encodedRequirements(spec), null));
    if (diagnostics != null) {
      env.add(new EnvVar(GateSettings.DIAGNOSTICS_ENV, String.join(",", diagnostics), null));
    }
    List<String> secretNames = new ArrayList<>(shown.secretNames());
    secretNames.add(DatabaseUrlVariable.NAME);
    env.add(new EnvVar(ResolvedEnv.SECRET_NAMES_VARIABLE, String.join(",", secretNames), null));
    ResourceRequirements resources =
        spec.getSchemaGate() != null && spec.getSchemaGate().getResources() != null
            ? spec.getSchemaGate().getResources()
            : DEFAULT_RESOURCES;
    return new ContainerBuilder()
        .withName(NAME)
        .withImage(operatorImage)
        .withCommand(COMMAND)
        .withArgs(
            GateSettings.COMMAND, GateSettings.DATABASE_URL_ENV_OPTION, DatabaseUrlVariable.NAME)
        .withEnv(env)
        .withResources(resources)
        .withSecurityContext(Restricted.containerSecurityContext())
        // A refusal's last lines (already masked by the gate) become the container's termination
        // message: kubectl describe pod and the pod's status say why, not just "exit 1".
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        .build();
  }

  /**
   * What the gate gets of the app's environment, and which of it comes from Secrets.
   *
   * @param env the entries, in the order Kubernetes resolves them
   * @param secretNames the names of entries whose values come from Secrets, for {@value
   *     ResolvedEnv#SECRET_NAMES_VARIABLE}
   */
  record Shown(List<EnvVar> env, List<String> secretNames) {}

  /**
   * The app's variables the gate's banner shows - DATABASE_URL, REDIS_URL, SERVICE_ROLE and {@code
   * spec.diagnostics.env} - with the variables their values refer to as {@code $(NAME)}, so they
   * expand (and are masked) as in the app container. Nothing else of the app's environment:
   *
   * <ul>
   *   <li>never a variable that changes how a JVM starts ({@link
   *       JvmStartVariables#changesJvmStart}), even when {@code spec.diagnostics.env} names it; the
   *       banner says it was withheld;
   *   <li>never a {@code SCHEMAGATE_*} variable: those are the gate's own settings;
   *   <li>no {@code envFrom}: a variable the banner shows that may come from an {@code envFrom}
   *       source becomes an optional reference to its key, one per source in the app's order, so
   *       the last source holding it wins, as in the app container. Which source holds the key is
   *       known only in the pod, so a Secret's key is also referenced as {@code
   *       SCHEMAGATE_ENVFROM_<source>_<NAME>}, a name listed as from a Secret: the gate counts a
   *       variable whose value is a listed one's as from a Secret too ({@link
   *       ResolvedEnv#fromProcess}).
   * </ul>
   */
  static Shown shownVariables(
      AppDeploymentSpec spec, ComponentSpec component, List<String> diagnostics) {
    List<EnvVar> appEnv = ComponentDeployments.env(spec, component);
    Set<String> shown = new LinkedHashSet<>();
    for (String name : ConfigBanner.names(diagnostics)) {
      if (passed(name)) {
        shown.add(name);
      }
    }
    Set<String> referenced = new LinkedHashSet<>();
    boolean grew = true;
    while (grew) {
      grew = false;
      for (EnvVar e : appEnv) {
        if (shown.contains(e.getName()) && e.getValue() != null) {
          for (String name : references(e.getValue())) {
            referenced.add(name);
            if (passed(name) && shown.add(name)) {
              grew = true;
            }
          }
        }
      }
    }
    Set<String> defined = new HashSet<>();
    appEnv.forEach(e -> defined.add(e.getName()));
    List<EnvVar> env = new ArrayList<>();
    List<String> secretNames = new ArrayList<>();
    List<EnvFromSource> sources = ComponentDeployments.envFrom(spec, component);
    for (int i = 0; i < sources.size(); i++) {
      EnvFromSource source = sources.get(i);
      for (String name : shown) {
        if (defined.contains(name) && !referenced.contains(name)) {
          continue; // an env entry wins over envFrom, and no entry before it expands the name
        }
        Optional<String> key = key(source, name);
        if (key.isEmpty()) {
          continue;
        }
        if (source.getSecretRef() != null) {
          String secret = source.getSecretRef().getName();
          String shadow = OWN_PREFIX + "ENVFROM_" + i + "_" + name;
          env.add(secretKey(name, secret, key.get(), true));
          env.add(secretKey(shadow, secret, key.get(), true));
          secretNames.add(shadow);
        } else if (source.getConfigMapRef() != null) {
          env.add(
              new EnvVarBuilder()
                  .withName(name)
                  .withNewValueFrom()
                  .withNewConfigMapKeyRef()
                  .withName(source.getConfigMapRef().getName())
                  .withKey(key.get())
                  .withOptional(true)
                  .endConfigMapKeyRef()
                  .endValueFrom()
                  .build());
        }
      }
    }
    for (EnvVar e : appEnv) {
      if (shown.contains(e.getName())) {
        env.add(e);
        if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
          secretNames.add(e.getName());
        }
      }
    }
    return new Shown(List.copyOf(env), List.copyOf(new LinkedHashSet<>(secretNames)));
  }

  /** Whether the gate may get the app's variable of this name. */
  static boolean passed(String name) {
    return name != null
        && ENV_NAME.matcher(name).matches()
        && !JvmStartVariables.changesJvmStart(name)
        && !name.startsWith(OWN_PREFIX);
  }

  /** The names in {@code $(NAME)} references of a value, as Kubernetes expands them. */
  static List<String> references(String value) {
    List<String> names = new ArrayList<>();
    int i = 0;
    while (i < value.length() - 1) {
      if (value.charAt(i) == '$' && value.charAt(i + 1) == '$') {
        i += 2;
      } else if (value.charAt(i) == '$' && value.charAt(i + 1) == '(') {
        int close = value.indexOf(')', i + 2);
        if (close < 0) {
          break;
        }
        names.add(value.substring(i + 2, close));
        i = close + 1;
      } else {
        i++;
      }
    }
    return names;
  }

  /** The key that gives {@code name} in an envFrom source, if one can. */
  private static Optional<String> key(EnvFromSource source, String name) {
    String prefix = source.getPrefix() == null ? "" : source.getPrefix();
    if (!name.startsWith(prefix) || name.length() == prefix.length()) {
      return Optional.empty();
    }
    String key = name.substring(prefix.length());
    return CONFIG_KEY.matcher(key).matches() ? Optional.of(key) : Optional.empty();
  }

  private static EnvVar secretKey(String name, String secret, String key, boolean optional) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewSecretKeyRef()
        .withName(secret)
        .withKey(key)
        .withOptional(optional)
        .endSecretKeyRef()
        .endValueFrom()
        .build();
  }
}
