package dev.schemagate.workload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.InvalidAppDeployments;
import dev.schemagate.cli.SchemagateCli;
import dev.schemagate.gate.GateEnvironment;
import dev.schemagate.gate.GateSettings;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The schema gate's command line, as the real check-schema command reads it. */
class SchemaGateContainerTest {

  @Test
  void theGatesArgumentsParseWithTheRealCheckSchemaCommand() {
    AppDeployment app =
        new KubernetesSerialization().unmarshal(InvalidAppDeployments.VALID, AppDeployment.class);
    app.getMetadata().setUid("u-1");
    Container gate =
        SchemaGateContainer.build(
            app, app.getSpec().getComponents().get(1), "ghcr.io/schemagate/schemagate:test");
    List<String> args = gate.getArgs();

    CommandLine.ParseResult checkSchema;
    // Not the test process's environment: the options' defaults come from this one.
    try (GateEnvironment.Override ignored = GateEnvironment.override(Map.of())) {
      checkSchema =
          new CommandLine(new SchemagateCli()).parseArgs(args.toArray(String[]::new)).subcommand();
    }

    assertThat(checkSchema.commandSpec().name()).isEqualTo(GateSettings.COMMAND);
    assertThat(checkSchema.unmatched()).isEmpty();
    String urlEnv =
        checkSchema.matchedOptionValue(GateSettings.DATABASE_URL_ENV_OPTION, (String) null);
    assertThat(urlEnv).isEqualTo(DatabaseUrlVariable.NAME);
    // ... and the container has that variable, from the database's Secret.
    assertThat(gate.getEnv())
        .filteredOn(e -> e.getName().equals(urlEnv))
        .singleElement()
        .extracting(EnvVar::getValueFrom)
        .isNotNull();
  }
}
