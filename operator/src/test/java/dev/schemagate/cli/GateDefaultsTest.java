package dev.schemagate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.gate.GateEnvironment;
import dev.schemagate.gate.GateSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Where check-schema's option values come from: the command line, else the variable, else the
 * default.
 */
class GateDefaultsTest {

  static CheckSchemaCommand parse(Map<String, String> env, String... args) {
    CheckSchemaCommand command = new CheckSchemaCommand();
    try (GateEnvironment.Override ignored = GateEnvironment.override(env)) {
      new CommandLine(command).parseArgs(args);
    }
    return command;
  }

  @Test
  void withNeitherOptionNorVariableTheBuiltInDefaultsApply() {
    CheckSchemaCommand command = parse(Map.of());

    assertThat(command.requirementsFile).isNull();
    assertThat(command.databaseUrlEnv).isEqualTo("DATABASE_URL");
    assertThat(command.timeout).isEqualTo(GateSettings.DEFAULT_TIMEOUT);
    assertThat(command.attempts).isEqualTo(GateSettings.DEFAULT_ATTEMPTS);
    assertThat(command.retryDelay).isEqualTo(GateSettings.DEFAULT_RETRY_DELAY);
    assertThat(command.role).isEqualTo(GateSettings.DEFAULT_ROLE);
    assertThat(command.diagnosticsEnv).isEmpty();
  }

  @Test
  void theVariableWinsOverTheDefaultStripped() {
    CheckSchemaCommand command =
        parse(
            Map.of(
                "SCHEMAGATE_SCHEMA_REQUIREMENTS_FILE", "/etc/req.json",
                "SCHEMAGATE_DATABASE_URL_ENV", "APP_DB",
                "SCHEMAGATE_CHECK_TIMEOUT", " 3 ",
                "SCHEMAGATE_CHECK_ATTEMPTS", "7",
                "SCHEMAGATE_CHECK_RETRY_DELAY", "0.5",
                "SERVICE_ROLE", "worker",
                "SCHEMAGATE_DIAGNOSTICS_ENV", "A,B"));

    assertThat(command.requirementsFile).isEqualTo("/etc/req.json");
    assertThat(command.databaseUrlEnv).isEqualTo("APP_DB");
    assertThat(command.timeout).isEqualTo("3");
    assertThat(command.attempts).isEqualTo("7");
    assertThat(command.retryDelay).isEqualTo("0.5");
    assertThat(command.role).isEqualTo("worker");
    assertThat(command.diagnosticsEnv).isEqualTo("A,B");
  }

  @Test
  void theOptionWinsOverTheVariable() {
    CheckSchemaCommand command =
        parse(
            Map.of("SCHEMAGATE_CHECK_ATTEMPTS", "7", "SERVICE_ROLE", "worker"),
            "--attempts",
            "2",
            "--role",
            "api");

    assertThat(command.attempts).isEqualTo("2");
    assertThat(command.role).isEqualTo("api");
  }

  @Test
  void aBlankVariableCountsAsUnset() {
    assertThat(parse(Map.of("SCHEMAGATE_CHECK_ATTEMPTS", "  ")).attempts)
        .isEqualTo(GateSettings.DEFAULT_ATTEMPTS);
  }

  @Test
  void variablesAreTakenLiterallyNotExpandedByPicocli() {
    String value = "${env:HOME}$${x}$$y$";

    assertThat(parse(Map.of("SCHEMAGATE_CHECK_TIMEOUT", value)).timeout).isEqualTo(value);
  }

  @Test
  void everyFallbackBelongsToAnOptionOfTheCommand() {
    CommandLine.Model.CommandSpec spec = new CommandLine(new CheckSchemaCommand()).getCommandSpec();

    assertThat(GateSettings.FALLBACKS.keySet())
        .allSatisfy(name -> assertThat(spec.findOption(name)).as(name).isNotNull());
  }
}
