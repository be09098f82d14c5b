package dev.schemagate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SchemagateCliTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return SchemagateCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  @Test
  void topLevelHelpListsEverySubcommand() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString())
        .contains("Usage: schemagate")
        .contains("operator")
        .contains("migrate")
        .contains("check-schema");
  }

  @ParameterizedTest
  @ValueSource(strings = {"operator", "migrate", "check-schema"})
  void everySubcommandHasHelp(String subcommand) {
    assertThat(run(subcommand, "--help")).isZero();
    assertThat(out.toString()).contains("Usage: schemagate " + subcommand).contains("--log-format");
  }

  @Test
  void migrateHelpNamesEveryFlywaySettingAndItsDeadline() {
    assertThat(run("migrate", "--help")).isZero();
    assertThat(out.toString())
        .contains(
            "--placeholders",
            "--placeholder=<name=value>",
            "--placeholder-prefix",
            "--placeholder-suffix",
            "--mixed",
            "--encoding",
            "--postgresql-transactional-lock",
            "--out-of-order",
            "--target",
            "--table",
            "--baseline-on-migrate",
            "--baseline-version",
            "--deadline",
            "SCHEMAGATE_MIGRATE_DEADLINE",
            "--repair",
            "Replace ${name} in the SQL",
            "Default: ${.",
            "4   stopped by --deadline")
        .doesNotContain("--clean");
  }

  /** With JSON logs asked for, a command line that cannot be read is reported as JSON too. */
  @Test
  void aUsageErrorIsOneJsonLineWhenJsonLogsWereAskedFor() throws Exception {
    assertThat(run("migrate", "--log-format", "json", "--clean")).isEqualTo(3);

    java.util.List<String> lines = err.toString().lines().toList();
    assertThat(lines).hasSize(1);
    var line = new com.fasterxml.jackson.databind.ObjectMapper().readTree(lines.get(0));
    assertThat(line.get("level").asText()).isEqualTo("ERROR");
    assertThat(line.get("formattedMessage").asText())
        .contains("❌ Configuration error: Unknown option: '--clean'")
        .contains("migrate --help");

    err.getBuffer().setLength(0);
    assertThat(run("migrate", "--clean")).isEqualTo(3);
    assertThat(err.toString()).startsWith("Unknown option: '--clean'").contains("Usage:");
  }

  @Test
  void operatorHelpNamesItsSettingsAndTheirEnvironmentVariables() {
    run("operator", "--help");
    assertThat(out.toString())
        .contains("--namespaces", "SCHEMAGATE_WATCH_NAMESPACES")
        .contains("--reconcile-threads", "--health-port");
  }

  @Test
  void unknownSubcommandIsAUsageError() {
    assertThat(run("deploy-everything")).isEqualTo(2);
    assertThat(err.toString()).contains("Unmatched argument");
  }

  @Test
  void invalidLogFormatIsRefusedWithTheValidChoices() {
    assertThat(run("migrate", "--log-format", "xml")).isEqualTo(3);
    assertThat(err.toString()).contains("text").contains("json");
  }

  @Test
  void versionIsPrinted() {
    assertThat(run("--version")).isZero();
    assertThat(out.toString()).startsWith("schemagate ");
  }
}
