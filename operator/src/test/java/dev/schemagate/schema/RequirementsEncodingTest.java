package dev.schemagate.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RequirementsEncodingTest {

  private static String tables(int count) {
    StringBuilder json = new StringBuilder("{\"schema\":\"public\",\"tables\":[");
    for (int i = 0; i < count; i++) {
      json.append(i == 0 ? "" : ",").append("{\"name\":\"t").append(i).append("\"}");
    }
    return json.append("]}").toString();
  }

  @Test
  void smallRequirementsStayPlainJson() {
    String json = tables(10);
    assertThat(RequirementsEncoding.encode(json)).isEqualTo(json);
    assertThat(RequirementsEncoding.decode(json)).isEqualTo(json);
  }

  @Test
  void largeRequirementsAreCompressedAndRoundTrip() {
    String json = tables(5000);
    assertThat(json.length()).isGreaterThan(RequirementsEncoding.PLAIN_LIMIT);
    String encoded = RequirementsEncoding.encode(json);
    assertThat(encoded).startsWith(RequirementsEncoding.GZIP_PREFIX);
    assertThat(encoded.length()).isLessThan(RequirementsEncoding.ENV_LIMIT);
    assertThat(RequirementsEncoding.decode(encoded)).isEqualTo(json);
    assertThat(SchemaRequirements.fromJson(RequirementsEncoding.decode(encoded)).tables())
        .hasSize(5000);
  }

  @Test
  void aDamagedValueIsAClearError() {
    assertThatThrownBy(() -> RequirementsEncoding.decode("gzip:not-base64!"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not valid gzip+base64 requirements");
  }
}
