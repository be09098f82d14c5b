package dev.schemagate.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.api.AppDeployment;
import dev.schemagate.api.Phase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The demo runs headless and reaches the outcome it narrates. */
class DemoTest {

  @Test
  void bundledExampleIsAppliedAndObservedByTheOperator() {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    AppDeployment result =
        Demo.run(
            Demo.class.getResourceAsStream(Demo.DEFAULT_EXAMPLE),
            new PrintStream(captured, true, StandardCharsets.UTF_8),
            Duration.ofSeconds(60));

    assertThat(result.getStatus()).isNotNull();
    assertThat(result.getStatus().getObservedGeneration())
        .isEqualTo(result.getMetadata().getGeneration());
    assertThat(result.getStatus().getPhase()).isEqualTo(Phase.Pending);
    String narration = captured.toString(StandardCharsets.UTF_8);
    assertThat(narration)
        .contains("appdeployment.schemagate.dev/hello created")
        .contains("NAME ")
        .contains("hello ")
        .contains("Ready");
  }
}
