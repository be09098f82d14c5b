package dev.schemagate.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.connection.PostgresConnectionInfo;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The bounds of migrate's connections. */
class PostgresDataSourceTest {

  static final PostgresConnectionInfo INFO =
      PostgresConnectionInfo.parse("postgresql://app:pw@db:5432/app");

  @Test
  void withADeadlineAReadWaitsAtMostTheDeadlinePlusItsGrace() {
    PostgresDataSource dataSource =
        new PostgresDataSource(INFO, Duration.ofSeconds(10), Duration.ofSeconds(540));

    assertThat(dataSource.timeouts().socket()).isEqualTo(Duration.ofSeconds(570));
    assertThat(dataSource.timeouts().connect()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void withoutADeadlineReadsAreNotBoundedBySchemagate() {
    assertThat(new PostgresDataSource(INFO, Duration.ofSeconds(10), null).timeouts().socket())
        .isNull();
  }
}
