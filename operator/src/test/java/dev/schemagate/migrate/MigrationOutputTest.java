package dev.schemagate.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schemagate.masking.Masker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every line migrate prints: one line, masked, as text or as one JSON object. */
class MigrationOutputTest {

  static final String SECRET = "Out-S3cret-pw-5120";
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-06T10:00:00Z"), ZoneOffset.UTC);

  final StringWriter out = new StringWriter();

  MigrationOutput output(boolean json) {
    Masker masker = Masker.withKnownSecrets(List.of(SECRET));
    return new MigrationOutput(new PrintWriter(out), json, masker, CLOCK);
  }

  @Test
  void aMultiLineDatabaseErrorIsOneMaskedLineOfText() {
    output(false)
        .error(
            "❌ MIGRATION FAILED: invalid input syntax for type integer: \""
                + SECRET
                + "\"\n"
                + "  Position: 8");

    assertThat(out.toString())
        .isEqualTo(
            "❌ MIGRATION FAILED: invalid input syntax for type integer: \"***\" Position: 8"
                + System.lineSeparator());
  }

  @Test
  void jsonIsOneObjectPerLineWithMaskedDetails() throws Exception {
    output(true)
        .error(
            "❌ MIGRATION FAILED: V1 cast\nsecond line",
            Map.of("statement", "SELECT '" + SECRET + "' AS pw", "line", 3));

    List<String> lines = out.toString().lines().toList();
    assertThat(lines).hasSize(1);
    JsonNode line = new ObjectMapper().readTree(lines.get(0));
    assertThat(line.get("timestamp").asLong()).isEqualTo(CLOCK.millis());
    assertThat(line.get("level").asText()).isEqualTo("ERROR");
    assertThat(line.get("loggerName").asText()).isEqualTo("dev.schemagate.migrate");
    assertThat(line.get("formattedMessage").asText())
        .isEqualTo("❌ MIGRATION FAILED: V1 cast second line");
    assertThat(line.get("kvpList").toString())
        .contains("{\"statement\":\"SELECT '***' AS pw\"}")
        .contains("{\"line\":3}");
    assertThat(out.toString()).doesNotContain(SECRET);
  }
}
