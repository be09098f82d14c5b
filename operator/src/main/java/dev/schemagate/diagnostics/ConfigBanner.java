package dev.schemagate.diagnostics;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.AppDeploymentSpec;
import dev.schemagate.api.ComponentSpec;
import dev.schemagate.env.AppVariables;
import dev.schemagate.env.EnvValue;
import dev.schemagate.env.JvmStartVariables;
import dev.schemagate.env.ResolvedEnv;
import dev.schemagate.env.ServiceRole;
import dev.schemagate.masking.Masker;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The boot-diagnostics block users know from their worker, one implementation for the operator at
 * rollout and the schema gate at pod boot:
 *
 * <pre>
 * ================================================================================
 * 🔧 WORKER BOOT DIAGNOSTICS
 * ================================================================================
 * 📍 DATABASE_URL: postgresql://postgres:***@aws-1-ap-northeast-1.pooler.supabase.com:6543/postgres
 * 📍 REDIS_URL: redis://redis:6379/0
 * 📍 SERVICE_ROLE: worker
 * 📍 FLASK_ENV: production
 * </pre>
 *
 * Every value passes {@link Masker#maskEnvValue} of a masker that also knows the environment's
 * Secret values. Rendered as a String; callers log or print it.
 */
public final class ConfigBanner {

  public static final String RULE = "=".repeat(80);

  /** Always shown, before the names of {@code spec.diagnostics.env}. */
  public static final List<String> ALWAYS_SHOWN =
      List.of(AppVariables.DATABASE_URL, AppVariables.REDIS_URL, ServiceRole.ENV_NAME);

  private static final String NOT_SET = "(not set)";

  /** Shown at boot for a variable the operator never gives the gate. */
  public static final String WITHHELD =
      "(not given to the schema gate: it changes how a JVM starts; the operator's rollout log"
          + " shows it)";

  private final String title;
  private final List<String> context;
  private final List<String> names;
  private final ResolvedEnv env;
  private final Masker masker;
  private final boolean boot;

  private ConfigBanner(
      String title, List<String> context, List<String> names, ResolvedEnv env, boolean boot) {
    this.title = title;
    this.boot = boot;
    this.context = List.copyOf(context);
    this.names = List.copyOf(names);
    this.env = env;
    this.masker = env.masker();
  }

  /**
   * What the schema gate prints when a pod starts.
   *
   * @param role the component's role (its SERVICE_ROLE), named in the title
   * @param diagnosticsEnv {@code spec.diagnostics.env}; may be null
   */
  public static ConfigBanner atBoot(String role, List<String> diagnosticsEnv, ResolvedEnv env) {
    return new ConfigBanner(
        upper(role) + " BOOT DIAGNOSTICS", List.of(), names(diagnosticsEnv), env, true);
  }

  /** What the operator logs for a component when it rolls out a revision. */
  public static ConfigBanner atRollout(
      AppDeployment appd, ComponentSpec component, String revision, ResolvedEnv env) {
    AppDeploymentSpec spec = appd.getSpec();
    List<String> context = new ArrayList<>();
    context.add(
        "appdeployment: " + appd.getMetadata().getNamespace() + "/" + appd.getMetadata().getName());
    context.add("component: " + component.getName());
    context.add("revision: " + revision);
    context.add(
        "image: " + (component.getImage() != null ? component.getImage() : spec.getImage()));
    List<String> extra = spec.getDiagnostics() == null ? null : spec.getDiagnostics().getEnv();
    return new ConfigBanner(
        upper(ServiceRole.of(component)) + " ROLLOUT DIAGNOSTICS",
        context,
        names(extra),
        env,
        false);
  }

  /** DATABASE_URL, REDIS_URL, SERVICE_ROLE, then {@code diagnosticsEnv} without repeats. */
  public static List<String> names(List<String> diagnosticsEnv) {
    Set<String> names = new LinkedHashSet<>(ALWAYS_SHOWN);
    if (diagnosticsEnv != null) {
      diagnosticsEnv.stream().filter(n -> n != null && !n.isBlank()).forEach(names::add);
    }
    return List.copyOf(names);
  }

  /**
   * The block without its closing rule: the schema gate goes on with its check lines and closes it
   * with {@link #RULE}.
   */
  public String render() {
    StringBuilder out = new StringBuilder();
    out.append(RULE).append('\n');
    out.append("🔧 ").append(title).append('\n');
    out.append(RULE);
    for (String line : context) {
      out.append('\n').append("📍 ").append(masker.maskText(line));
    }
    for (String name : names) {
      out.append('\n').append("📍 ").append(name).append(": ").append(display(name));
    }
    return out.toString();
  }

  /** The whole block, closing rule included, as the operator logs it. */
  public String renderClosed() {
    return render() + '\n' + RULE;
  }

  private String display(String name) {
    EnvValue value = env.get(name).orElse(null);
    if (value == null) {
      return boot && JvmStartVariables.changesJvmStart(name) ? WITHHELD : NOT_SET;
    }
    if (value.isRuntime()) {
      return "(set in the pod from " + value.runtimeSource() + ")";
    }
    if (value.value().isEmpty()) {
      return "(empty)";
    }
    return masker.maskEnvValue(name, value.value(), value.fromSecret());
  }

  private static String upper(String role) {
    return role == null || role.isBlank() ? "APP" : role.toUpperCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return render();
  }
}
