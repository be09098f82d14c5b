package dev.schemagate.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.UnknownHostException;
import java.sql.SQLException;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Generated URLs with generated passwords, in every shape: the password never shows. */
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
}
