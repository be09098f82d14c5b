package dev.schemagate.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.masking.Masker;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LogTailTest {

  private static final String SECRET = "Hx9qZ7vK2mW4pR";
  private static final Pattern MARKER = Pattern.compile("\\A\\.\\.\\. \\((\\d+) bytes cut\\)\\n");

  private final Masker masker = Masker.standard();

  @Test
  void aShortLogIsOnlyMasked() {
    String log = "Flyway 10\nERROR: connect postgresql://app:" + SECRET + "@db/app failed\n";
    assertThat(LogTail.of(log, masker))
        .isEqualTo("Flyway 10\nERROR: connect postgresql://app:***@db/app failed\n");
    assertThat(LogTail.of("", masker)).isEmpty();
    assertThat(LogTail.of(null, masker)).isNull();
  }

  @Test
  void atMostFiftyLines() {
    StringBuilder log = new StringBuilder();
    for (int i = 1; i <= 80; i++) {
      log.append("line ").append(i).append('\n');
    }
    String tail = LogTail.of(log.toString(), masker);
    assertThat(body(tail).split("\n")).hasSize(LogTail.MAX_LINES).startsWith("line 31");
    assertThat(cutBytes(tail)).isEqualTo(bytes(log.substring(0, log.indexOf("line 31"))));
  }

  @Test
  void aMegabyteLogKeepsItsLastEightKibibytesFromALineStart() {
    StringBuilder log = new StringBuilder();
    for (int i = 0; log.length() < 1_000_000; i++) {
      log.append("migration step ").append(i).append(" of many: ").append("x".repeat(i % 300));
      log.append('\n');
    }
    log.append("ERROR: the last line\n");
    String tail = LogTail.of(log.toString(), masker);

    assertThat(bytes(body(tail))).isLessThanOrEqualTo(LogTail.MAX_BYTES);
    assertThat(bytes(body(tail))).isGreaterThan(LogTail.MAX_BYTES - 400);
    assertThat(body(tail)).startsWith("migration step ").endsWith("ERROR: the last line\n");
    assertThat(log.toString()).endsWith(body(tail));
    assertThat(cutBytes(tail) + bytes(body(tail))).isEqualTo(bytes(log.toString()));
  }

  @Test
  void oneHugeLineKeepsItsEndFromAWordStart() {
    String log = "start " + "word ".repeat(250_000) + "end of the line";
    String tail = LogTail.of(log, masker);

    assertThat(bytes(body(tail))).isLessThanOrEqualTo(LogTail.MAX_BYTES);
    assertThat(body(tail)).startsWith("word ").endsWith("word end of the line");
  }

  @Test
  void multiByteCharactersCountAsBytes() {
    String log = "密码错误 🔑 ".repeat(5_000) + "\n" + "ä".repeat(3_000) + "\nlast";
    String tail = LogTail.of(log, masker);

    assertThat(bytes(body(tail))).isLessThanOrEqualTo(LogTail.MAX_BYTES);
    assertThat(body(tail)).isEqualTo("ä".repeat(3_000) + "\nlast");
  }

  @Test
  void maskingThatGrowsTheTextStillKeepsTheBound() {
    // Every one-letter password becomes "***": the masked text is longer than the cut one.
    String log = "password=a\n".repeat(2_000);
    String tail = LogTail.of(log, masker);

    assertThat(bytes(body(tail))).isLessThanOrEqualTo(LogTail.MAX_BYTES);
    assertThat(body(tail)).startsWith("password=***\n").doesNotContain("password=a\n");
  }

  /**
   * A secret straddling the cut, at every offset around it, in several shapes, in a log of many
   * lines and in one long line: no part of it shows.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "password=%s",
        "password: '%s'",
        "--password %s",
        "mysql -u app -p%s",
        "password is: %s",
        "postgresql://app:%s@db:5432/app",
        "Authorization: Bearer %s",
        "<password>%s</password>",
        "token:%s",
        "secret => \"%s\""
      })
  void aSecretCutInTwoNeverShows(String shape) {
    String line = "ERROR " + shape.formatted(SECRET) + " done ";
    // filler separator, then what follows the line: one long line; lines, the secret's line the
    // last and longest; lines, the secret's line followed by another
    for (List<String> variant : List.of(List.of(" ", ""), List.of("\n", ""), List.of("\n", "\n"))) {
      String filler = ("filler " + "f".repeat(50) + variant.get(0)).repeat(400);
      for (int cutAt = -2; cutAt <= line.length() + 2; cutAt++) {
        // the last MAX_BYTES bytes start cutAt characters into the line
        String after =
            variant.get(1)
                + "z".repeat(LogTail.MAX_BYTES - line.length() + cutAt - variant.get(1).length());
        String log = filler + line + after;

        String tail = LogTail.of(log, masker);

        assertThat(bytes(body(tail))).isLessThanOrEqualTo(LogTail.MAX_BYTES);
        assertThat(partOfTheSecretIn(tail))
            .as("shape %s, cut at %d, variant %s: %s", shape, cutAt, variant, tail)
            .isNull();
      }
    }
  }

  @Test
  void aPrivateKeyWhoseBeginLineWasCutNeverShows() {
    String key =
        "-----BEGIN RSA PRIVATE KEY-----\n"
            + "MIIEowIBAAKCAQEAx4UbaDzY5xjW9hVqZ2Yh\n".repeat(300)
            + "-----END RSA PRIVATE KEY-----\n";
    String log = "filler line\n".repeat(2_000) + "loaded key:\n" + key + "ERROR: bad key\n";
    String tail = LogTail.of(log, masker);

    assertThat(tail).doesNotContain("MIIEow", "x4Uba").endsWith("ERROR: bad key\n");
  }

  @Test
  void theMarkerAndTheTailSurviveMaskingAgain() {
    // StatusMasking masks status.migration.logTail once more before the status is written.
    String log = "x".repeat(20_000) + "\npassword=" + SECRET + "\n";
    String tail = LogTail.of(log, masker);
    assertThat(tail).startsWith("... (20001 bytes cut)\n").endsWith("password=***\n");
    assertThat(masker.maskText(tail)).isEqualTo(tail);
  }

  /** Any four or more characters of {@link #SECRET} found in {@code text}, or null. */
  private static String partOfTheSecretIn(String text) {
    for (int i = 0; i + 4 <= SECRET.length(); i++) {
      if (text.contains(SECRET.substring(i, i + 4))) {
        return SECRET.substring(i, i + 4);
      }
    }
    return null;
  }

  private static String body(String tail) {
    Matcher m = MARKER.matcher(tail);
    return m.lookingAt() ? tail.substring(m.end()) : tail;
  }

  private static long cutBytes(String tail) {
    Matcher m = MARKER.matcher(tail);
    assertThat(m.lookingAt()).as("marker in %s", tail.substring(0, 40)).isTrue();
    return Long.parseLong(m.group(1));
  }

  private static int bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
