package dev.schemagate.connection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.masking.GeneratedUrl;
import dev.schemagate.masking.PropertySeed;
import java.sql.SQLException;
import java.util.Properties;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.postgresql.Driver;

/** Every PostgreSQL shape with generated passwords: pgjdbc gets them only through Properties. */
class PostgresConnectionInfoPropertiesTest {

  @Provide
  Arbitrary<GeneratedUrl> urls() {
    // Raw passwords with '%' would be read as percent-encoding, as libpq does: leave it out there.
    return GeneratedUrl.urls(true)
        .filter(u -> !(u.url().contains("%") && u.password().contains("%") && isRawShape(u)));
  }

  private static boolean isRawShape(GeneratedUrl u) {
    return GeneratedUrl.Shape.valueOf(u.shape()).raw;
  }

  @Property(seed = PropertySeed.FIXED)
  void jdbcUrlWithoutCredentialsAndPgjdbcAcceptsIt(@ForAll("urls") GeneratedUrl url)
      throws SQLException {
    PostgresConnectionInfo info = PostgresConnectionInfo.parse(url.url());

    assertThat(info.jdbcUrl()).doesNotContain(url.passwordForms());
    assertThat(info.displayUrl()).doesNotContain(url.passwordForms());
    assertThat(info.properties())
        .containsEntry("user", url.user())
        .containsEntry("password", url.password());

    Properties parsed = Driver.parseURL(info.jdbcUrl(), info.properties());
    assertThat(parsed).isNotNull();
    assertThat(parsed.getProperty("PGHOST")).isEqualTo(String.join(",", url.hosts()));
    assertThat(parsed.getProperty("PGPORT"))
        .isEqualTo(url.ports().stream().map(String::valueOf).collect(Collectors.joining(",")));
    assertThat(parsed.getProperty("PGDBNAME")).isEqualTo(url.database());
    assertThat(parsed.getProperty("password")).isEqualTo(url.password());
  }
}
