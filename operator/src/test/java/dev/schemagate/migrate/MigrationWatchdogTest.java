package dev.schemagate.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.schemagate.masking.Masker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.junit.jupiter.api.Test;

/** The clock beside a run: which migration still runs, and the deadline that stops the run. */
class MigrationWatchdogTest {

  final StringWriter out = new StringWriter();
  final MigrationOutput output =
      new MigrationOutput(
          new PrintWriter(out), false, Masker.withKnownSecrets(List.of()), Clock.systemUTC());
  final AtomicLong nanos = new AtomicLong();
  final MigrationProgress progress = new MigrationProgress(output, nanos::get);

  static MigrationInfo migration(String version, String description, String script) {
    return (MigrationInfo)
        Proxy.newProxyInstance(
            MigrationInfo.class.getClassLoader(),
            new Class<?>[] {MigrationInfo.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "getVersion" -> MigrationVersion.fromVersion(version);
                  case "getDescription" -> description;
                  case "getScript" -> script;
                  default -> null;
                });
  }

  static Context running(MigrationInfo migration) {
    return (Context)
        Proxy.newProxyInstance(
            Context.class.getClassLoader(),
            new Class<?>[] {Context.class},
            (proxy, method, args) ->
                method.getName().equals("getMigrationInfo") ? migration : null);
  }

  @Test
  void aMigrationStillRunningIsNamedWithItsTimeAtEveryHeartbeat() {
    progress.handle(Event.BEFORE_EACH_MIGRATE, running(migration("2", "hits", "V2__hits.sql")));
    nanos.set(Duration.ofSeconds(95).toNanos());

    try (MigrationWatchdog ignored =
        new MigrationWatchdog(progress, null, output, null, Duration.ofMillis(50))) {
      await().atMost(Duration.ofSeconds(10)).until(() -> out.toString().contains("still applying"));
    }

    assertThat(out.toString()).startsWith("   still applying V2 hits (V2__hits.sql): 95 s");
  }

  @Test
  void nothingIsSaidBetweenMigrations() throws Exception {
    MigrationInfo done = migration("1", "a", "V1__a.sql");
    progress.handle(Event.BEFORE_EACH_MIGRATE, running(done));
    progress.handle(Event.AFTER_EACH_MIGRATE, running(done));

    try (MigrationWatchdog ignored =
        new MigrationWatchdog(progress, null, output, null, Duration.ofMillis(20))) {
      // more than ten heartbeats pass, and none says anything
      await()
          .during(Duration.ofMillis(300))
          .atMost(Duration.ofSeconds(5))
          .until(() -> !out.toString().contains("still applying"));
    }

    assertThat(out.toString())
        .isEqualTo("   applied V1 a (V1__a.sql) in 0 ms" + System.lineSeparator());
  }

  @Test
  void theDeadlineStopsTheRunAndNoFurtherMigrationStarts() {
    MigrationStop stop = new MigrationStop(null, progress, output, "flyway_schema_history");
    try (MigrationWatchdog ignored =
        new MigrationWatchdog(progress, stop, output, Duration.ofMillis(100))) {
      await().atMost(Duration.ofSeconds(10)).until(() -> progress.stopped() != null);
    } finally {
      stop.close();
    }

    assertThat(progress.stopped().text()).isEqualTo("its deadline of 0 s passed");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                progress.handle(
                    Event.BEFORE_EACH_MIGRATE, running(migration("3", "c", "V3__c.sql"))))
        .hasMessageContaining("stopped before V3 c");
  }
}
