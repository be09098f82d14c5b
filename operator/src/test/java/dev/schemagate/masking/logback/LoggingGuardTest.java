package dev.schemagate.masking.logback;

import static dev.schemagate.env.Fixtures.DB_URL;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import dev.schemagate.masking.Masker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.MDC;

/**
 * Logs through the shipped logback.xml and logback-json.xml, in a logger context of its own, and
 * reads what reaches standard output.
 */
class LoggingGuardTest {

  private static final String MASKED_URL =
      "postgresql://postgres:***@aws-1-ap-northeast-1.pooler.supabase.com:6543/postgres";

  @AfterEach
  void forgetSecrets() {
    LogGuard.forget("prod/prosaas");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/logback.xml", "/logback-json.xml"})
  void secretsInMessagesAndExceptionsNeverReachTheOutput(String config) throws Exception {
    String out =
        logWith(
            config,
            log -> {
              log.info("connecting to {}", DB_URL);
              log.warn("careless: " + DB_URL + " password=hunter2");
              log.error(
                  "schema check failed",
                  new IllegalStateException(
                      "verify " + DB_URL,
                      new SQLException(
                          "The connection attempt failed.",
                          new UnknownHostException(
                              "postgres:S3cr3t!@aws-1-ap-northeast-1.pooler.supabase.com"))));
            });

    assertThat(out).doesNotContain("S3cr3t!", "hunter2");
    assertThat(out)
        .contains("connecting to " + MASKED_URL)
        .contains("password=***")
        .contains("verify " + MASKED_URL)
        .contains("postgres:***@aws-1-ap-northeast-1.pooler.supabase.com")
        .contains("UnknownHostException")
        .contains("LoggingGuardTest"); // stack frames are still there
  }

  @Test
  void textFormatKeepsThePatternAndTheStackTrace() throws Exception {
    String out =
        logWith(
            "/logback.xml",
            log -> log.error("failed for {}", DB_URL, new IllegalStateException("boom " + DB_URL)));

    assertThat(out)
        .containsPattern(
            "\\d{4}-\\d\\d-\\d\\dT[^ ]+ ERROR d.s.m.l.LoggingGuardTest - failed for "
                + java.util.regex.Pattern.quote(MASKED_URL))
        .contains("java.lang.IllegalStateException: boom " + MASKED_URL)
        .contains("\tat dev.schemagate.masking.logback.LoggingGuardTest")
        .doesNotContain("S3cr3t!");
  }

  @Test
  void jsonFormatMasksMdcAndKeyValuePairs() throws Exception {
    String out =
        logWith(
            "/logback-json.xml",
            log -> {
              MDC.put("resource.name", "prosaas");
              MDC.put("db", DB_URL);
              try {
                log.atInfo().addKeyValue("password", "S3cr3t!").log("with pairs");
              } finally {
                MDC.clear();
              }
            });

    assertThat(out)
        .doesNotContain("S3cr3t!")
        .contains("\"resource.name\":\"prosaas\"")
        .contains("\"formattedMessage\":\"with pairs\"");
  }

  /** The masker is merged from each owner's own: a change or removal touches only that owner. */
  @Test
  void eachOwnersValuesStayMaskedWhenAnotherOwnerChangesOrGoes() {
    String line = "PwA-7f3k9Q tokenAAAA1111 tokenBBBB2222 tokenBBBB3333";
    try {
      LogGuard.rememberSecrets(
          "prod/a", List.of("postgresql://a:PwA-7f3k9Q@db/a", "tokenAAAA1111"));
      LogGuard.rememberSecrets("prod/b", List.of("tokenBBBB2222"));
      LogGuard.rememberSecrets("prod/b", List.of("tokenBBBB3333"));
      assertThat(LogGuard.masker().maskText(line)).isEqualTo("*** *** tokenBBBB2222 ***");

      LogGuard.forget("prod/b");
      assertThat(LogGuard.masker().maskText(line)).isEqualTo("*** *** tokenBBBB2222 tokenBBBB3333");
    } finally {
      LogGuard.forget("prod/a");
      LogGuard.forget("prod/b");
    }
  }

  @Test
  void theMaskerIsRebuiltOnlyWhenAnOwnersValuesChange() {
    LogGuard.rememberSecrets("prod/prosaas", List.of("sk_live_4eC39HqLyjWD"));
    Masker first = LogGuard.masker();

    LogGuard.rememberSecrets("prod/prosaas", List.of("sk_live_4eC39HqLyjWD"));
    assertThat(LogGuard.masker()).isSameAs(first);

    LogGuard.rememberSecrets("prod/prosaas", List.of("sk_live_rotated9Q2x"));
    assertThat(LogGuard.masker()).isNotSameAs(first);
    assertThat(LogGuard.masker().maskText("key sk_live_rotated9Q2x, old sk_live_4eC39HqLyjWD"))
        .isEqualTo("key ***, old sk_live_4eC39HqLyjWD");
    LogGuard.forget("prod/prosaas");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/logback.xml", "/logback-json.xml"})
  void knownSecretValuesAreHiddenInAnyShape(String config) throws Exception {
    LogGuard.rememberSecrets("prod/prosaas", List.of("sk_live_4eC39HqLyjWD"));

    String out = logWith(config, log -> log.info("stripe key is {}", "sk_live_4eC39HqLyjWD"));

    assertThat(out).doesNotContain("sk_live_4eC39HqLyjWD").contains("stripe key is ***");

    LogGuard.forget("prod/prosaas");
    assertThat(logWith(config, log -> log.info("stripe key is {}", "sk_live_4eC39HqLyjWD")))
        .contains("sk_live_4eC39HqLyjWD");
  }

  /** Runs {@code body} against a fresh context configured from {@code config}; returns stdout. */
  private static String logWith(String config, Consumer<Logger> body) throws Exception {
    LoggerContext context = new LoggerContext();
    context.setName("logging-guard-test");
    context.setMDCAdapter(MDC.getMDCAdapter()); // the adapter org.slf4j.MDC writes to
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      configurator.doConfigure(LoggingGuardTest.class.getResource(config));
      body.accept(context.getLogger(LoggingGuardTest.class));
    } finally {
      context.stop();
      System.setOut(original);
    }
    // JsonEncoder escapes '/' as '\/'; undo it so both formats can be checked alike.
    return captured.toString(StandardCharsets.UTF_8).replace("\\/", "/");
  }
}
