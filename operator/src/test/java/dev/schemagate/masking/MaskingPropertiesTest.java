package dev.schemagate.masking;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.UnknownHostException;
import java.sql.SQLException;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Generated URLs with generated passwords, in every shape, and generated passwords and tokens in
 * the other shapes of free text: the password never shows.
 */
class MaskingPropertiesTest {

  private final Masker masker = Masker.standard();

  @Provide
  Arbitrary<GeneratedUrl> urls() {
    return GeneratedUrl.urls(false);
  }

  @Property(seed = PropertySeed.FIXED)
  void maskUrlHidesThePasswordAndKeepsEverythingElse(@ForAll("urls") GeneratedUrl url) {
    String masked = masker.maskUrl(url.url());

    assertThat(masked).isEqualTo(url.masked());
    assertThat(masked).doesNotContain(url.passwordForms());
  }

  @Property(seed = PropertySeed.FIXED)
  void freeTextAroundTheUrl(@ForAll("urls") GeneratedUrl url) {
    String text = "ERROR could not connect to " + url.url() + " (attempt 3): timeout\nretrying";

    String masked = masker.maskText(text);

    assertThat(masked).doesNotContain(url.passwordForms());
    assertThat(masked).startsWith("ERROR could not connect to ").endsWith("timeout\nretrying");
    assertThat(masked).contains(url.hosts().get(0).replaceAll("[\\[\\]]", ""));
    if (url.database() != null) {
      assertThat(masked).contains(url.database());
    }
  }

  @Property(seed = PropertySeed.FIXED)
  void urlInsideJson(@ForAll("urls") GeneratedUrl url) {
    String escaped = url.url().replace("\\", "\\\\").replace("\"", "\\\"");
    String json = "{\"level\":\"ERROR\",\"message\":\"connect " + escaped + "\",\"n\":1}";

    String masked = masker.maskText(json);

    assertThat(masked).doesNotContain(url.passwordForms());
    assertThat(masked).doesNotContain(url.password().replace("\\", "\\\\").replace("\"", "\\\""));
    assertThat(masked).contains(url.hosts().get(0).replaceAll("[\\[\\]]", ""));
  }

  /** pgjdbc takes {@code user:password@host} of a URL for a host name and reports it unknown. */
  @Property(seed = PropertySeed.FIXED)
  void exceptionChains(@ForAll("urls") GeneratedUrl url) {
    String host = url.hosts().get(0);
    Exception e =
        new IllegalStateException(
            "schema check failed",
            new SQLException(
                "connection to " + url.url() + " refused",
                new UnknownHostException(url.user() + ":" + url.passwordAsWritten() + "@" + host)));

    String masked = masker.maskThrowable(e);

    assertThat(masked).doesNotContain(url.passwordForms());
    assertThat(masked).contains("UnknownHostException: " + url.user() + ":***@" + host);
  }

  @Property(seed = PropertySeed.FIXED)
  void knownSecretsHideThePasswordAnywhere(@ForAll("urls") GeneratedUrl url) {
    Masker known = Masker.withKnownSecrets(java.util.List.of(url.url()));
    for (String form : url.passwordForms()) {
      String masked = known.maskText("leaked: " + form + " !");
      assertThat(masked).doesNotContain(url.password()).contains("***");
      assertThat(masked).doesNotContain(url.passwordForms());
    }
  }

  @Property(seed = PropertySeed.FIXED)
  void maskingIsIdempotent(@ForAll("urls") GeneratedUrl url) {
    String once = masker.maskText("x " + url.url() + " y");
    assertThat(masker.maskText(once)).isEqualTo(once);
  }

  /**
   * Free text around a password ({@code %s}): command lines, phrases, {@code token:x}, XML, {@code
   * =>}. Passwords here do not start with {@code -} (the next flag) or {@code :} ({@code ::}).
   */
  private static final List<String> TEXT_SHAPES =
      List.of(
          "mysql --password %s -h db app",
          "[\"--db-password\", \"%s\", \"--host\", \"db\"]",
          "psql -h db -W %s app",
          "+ mysql -u app -p%s app",
          "mariadb-dump -p%s --all-databases",
          "your password is: %s",
          "the api key for app is: %s",
          "token:%s",
          "{Password:%s User:app}",
          "<password>%s</password>",
          "<ns:Token>%s</ns:Token>",
          "secret => \"%s\"",
          ":password => '%s'",
          "password := \"%s\"");

  @Provide
  Arbitrary<String> textPasswords() {
    return GeneratedUrl.rawPassword().filter(p -> !p.startsWith("-") && !p.startsWith(":"));
  }

  @Provide
  Arbitrary<String> textShapes() {
    return Arbitraries.of(TEXT_SHAPES);
  }

  @Property(seed = PropertySeed.FIXED)
  void passwordsInCommandLinesPhrasesAndMarkup(
      @ForAll("textShapes") String shape, @ForAll("textPasswords") String password) {
    String prefix = shape.substring(0, shape.indexOf("%s"));
    char before = prefix.isEmpty() ? ' ' : prefix.charAt(prefix.length() - 1);
    // A raw quote inside a quoted value may end it early: quotes are escaped where quoting is used.
    Assume.that(!((before == '"' || before == '\'') && password.indexOf(before) >= 0));
    String text = "ERROR " + shape.replace("%s", password) + "\nnext line";

    String masked = masker.maskText(text);

    assertThat(masked).doesNotContain(password).contains("***");
    if (password.chars().noneMatch(c -> c == '"' || c == '\'')) {
      // an opening quote without its closing one hides the rest of the text
      assertThat(masked).endsWith("\nnext line");
    }
    if (!password.contains("@")) {
      // with an '@' the token may also read as user:password@host, which hides from its ':'
      assertThat(masked).startsWith("ERROR " + prefix);
    }
    assertThat(masker.maskText(masked)).isEqualTo(masked);
  }

  /**
   * libpq's quoting inside a JSON log line: every backslash doubled, every double quote escaped.
   */
  @Property(seed = PropertySeed.FIXED)
  void conninfoPasswordInsideJson(@ForAll("quotedPasswords") String password) {
    String conninfo = "host=db password=" + GeneratedUrl.conninfoQuoted(password) + " dbname=app";
    String json =
        "{\"dsn\":\"" + conninfo.replace("\\", "\\\\").replace("\"", "\\\"") + "\",\"n\":1}";

    String masked = masker.maskText(json);

    assertThat(masked).doesNotContain(password).contains("password='***' dbname=app");
  }

  /** Passwords that start with what made them leak: a quote and {@code &}, or {@code //}. */
  @Provide
  Arbitrary<String> quotedPasswords() {
    return Arbitraries.oneOf(
        GeneratedUrl.rawPassword(),
        GeneratedUrl.rawPassword().map(p -> "'&" + p),
        GeneratedUrl.rawPassword().map(p -> "'," + p),
        GeneratedUrl.rawPassword().map(p -> "//" + p));
  }

  /** Vendor tokens recognised by their shape: the secret part never shows, the prefix does. */
  @Provide
  Arbitrary<List<String>> vendorTokens() {
    Arbitrary<String> alnum24 =
        Arbitraries.strings().alpha().numeric().ofMinLength(24).ofMaxLength(99);
    Arbitrary<String> alnum36 = Arbitraries.strings().alpha().numeric().ofLength(36);
    Arbitrary<String> upper =
        Arbitraries.strings().withCharRange('A', 'Z').numeric().ofMinLength(8).ofMaxLength(11);
    Arbitrary<String> upper16 =
        Arbitraries.strings().withCharRange('A', 'Z').numeric().ofLength(16);
    return Arbitraries.oneOf(
        Combinators.combine(Arbitraries.of("sk_live_", "rk_live_", "sk_test_", "rk_test_"), alnum24)
            .as((prefix, secret) -> List.of(prefix, secret)),
        Combinators.combine(Arbitraries.of("ghp_", "gho_", "ghu_", "ghs_", "ghr_"), alnum36)
            .as((prefix, secret) -> List.of(prefix, secret)),
        alnum24.map(secret -> List.of("github_pat_", "11A" + secret)),
        upper16.map(secret -> List.of("AKIA", secret)),
        Combinators.combine(upper, upper, alnum24)
            .as(
                (t, b, secret) ->
                    List.of(
                        "https://hooks.slack.com/services/", "T" + t + "/B" + b + "/" + secret)),
        Combinators.combine(upper, upper, alnum24)
            .as((t, b, secret) -> List.of("/services/", "T" + t + "/B" + b + "/" + secret)),
        Combinators.combine(alnum24, alnum24)
            .as(
                (payload, signature) ->
                    List.of("", "eyJhbGciOiJIUzI1NiJ9.eyJ" + payload + "." + signature)));
  }

  @Property(seed = PropertySeed.FIXED)
  void vendorTokensInALogLine(@ForAll("vendorTokens") List<String> token) {
    String text = "INFO using " + token.get(0) + token.get(1) + " for the job\n";

    String masked = masker.maskText(text);

    assertThat(masked).isEqualTo("INFO using " + token.get(0) + "*** for the job\n");
  }
}
