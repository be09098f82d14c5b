package dev.schemagate.cli;

import dev.schemagate.gate.GateEnvironment;
import dev.schemagate.gate.GateSettings;
import java.util.Map;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The defaults of {@code check-schema}'s options: the variable {@link GateSettings#FALLBACKS} names
 * for the option when it is set and not blank (stripped), else the built-in default. Reads the
 * environment of {@link GateEnvironment}, not picocli's {@code ${env:NAME}}, so that tests can give
 * the real command line another one. A map look-up per option: nothing reflective runs at the
 * gate's start.
 */
final class GateDefaults implements IDefaultValueProvider {

  @Override
  public String defaultValue(ArgSpec argSpec) {
    String value = argSpec instanceof OptionSpec option ? of(option.longestName()) : null;
    return value == null ? null : escaped(value);
  }

  /**
   * The variable's value as picocli must be given it to take it literally: picocli expands {@code
   * ${...}} in a provider's default and reads {@code $$} as one {@code $}, so every {@code $} is
   * doubled.
   */
  static String escaped(String value) {
    return value.replace("$", "$$");
  }

  /** The default of the option named {@code option}, as it is; null when it has none. */
  static String of(String option) {
    GateSettings.Fallback fallback = GateSettings.FALLBACKS.get(option);
    if (fallback == null) {
      return null;
    }
    Map<String, String> env = GateEnvironment.current();
    String value = env.get(fallback.variable());
    return value != null && !value.isBlank() ? value.strip() : fallback.builtIn();
  }
}
