package dev.schemagate.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.schemagate.probe.RedisProbeResult.Reason;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

/** PING against a real redis-server (6.2, from the embedded-redis jar) on a free port. */
class RedisProbeTest {

  static final String PASSWORD = "pw-Rd7Qk2-never-shown";
  static final Duration TIMEOUT = Duration.ofSeconds(1);

  static RedisProbe probe;
  final List<RedisServer> servers = new ArrayList<>();
  final List<RedisProbeResult> results = new ArrayList<>();

  @BeforeAll
  static void createProbe() throws IOException {
    probe = new RedisProbe(TIMEOUT);
    // The first connection in a JVM loads Lettuce and Netty and starts JFR on the calling thread
    // (hundreds of ms on a cold JVM, before any timeout can apply); the tests below time the
    // steady state the operator sees from its long-lived probe.
    long start = System.nanoTime();
    RedisProbeResult cold = probe.ping("redis://127.0.0.1:" + freePort());
    System.out.printf(
        "first probe in this JVM (cold, closed port): %d ms, %s%n",
        (System.nanoTime() - start) / 1_000_000, cold.reason());
  }

  @AfterAll
  static void closeProbe() {
    long start = System.nanoTime();
    probe.close();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    System.out.println("RedisProbe.close() took " + took.toMillis() + " ms");
    assertThat(took).isLessThan(Duration.ofSeconds(1));
  }

  @AfterEach
  void stopServersAndCheckNoMessageShowsThePassword() throws IOException {
    for (RedisServer server : servers) {
      server.stop();
    }
    assertThat(results)
        .allSatisfy(
            r -> assertThat(r.message()).doesNotContain(PASSWORD).doesNotContain("@127.0.0.1"));
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  int startRedis(String... settings) throws IOException {
    int port = freePort();
    var builder = RedisServer.newRedisServer().port(port).bind("127.0.0.1");
    for (String setting : settings) {
      builder.setting(setting);
    }
    RedisServer server = builder.build();
    server.start();
    servers.add(server);
    return port;
  }

  RedisProbeResult ping(String url) {
    RedisProbeResult result = probe.ping(url);
    results.add(result);
    return result;
  }

  @Test
  void pingAnswers() throws IOException {
    int port = startRedis();

    RedisProbeResult first = ping("redis://127.0.0.1:" + port + "/0");
    RedisProbeResult second = ping("redis://127.0.0.1:" + port);

    assertThat(first.ok()).isTrue();
    assertThat(first.reason()).isEqualTo(Reason.RedisReady);
    assertThat(first.message()).isEqualTo("Redis answered PING");
    assertThat(second.ok()).isTrue();
    System.out.printf(
        "Redis PING on a warm probe: %d ms, then %d ms%n",
        first.elapsed().toMillis(), second.elapsed().toMillis());
    assertThat(second.elapsed()).isLessThan(TIMEOUT);
  }

  @Test
  void oneShotProbeIncludingStartAndShutdownIsQuick() throws IOException {
    int port = startRedis();

    long start = System.nanoTime();
    RedisProbeResult result = RedisProbe.pingOnce("redis://127.0.0.1:" + port, TIMEOUT);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    results.add(result);

    assertThat(result.ok()).isTrue();
    System.out.println(
        "RedisProbe.pingOnce with resource start and shutdown: " + took.toMillis() + " ms");
    assertThat(took).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void oneShotProbesThatFailStillCloseQuickly() throws IOException {
    int port = startRedis("requirepass " + PASSWORD);
    long slowest = 0;
    for (int i = 0; i < 10; i++) {
      long start = System.nanoTime();
      RedisProbeResult result =
          RedisProbe.pingOnce("redis://:wrong-pass@127.0.0.1:" + port, TIMEOUT);
      slowest = Math.max(slowest, System.nanoTime() - start);
      results.add(result);
      assertThat(result.reason()).isEqualTo(Reason.RedisAuthFailed);
    }
    System.out.println("slowest of 10 failing pingOnce: " + slowest / 1_000_000 + " ms");
    assertThat(Duration.ofNanos(slowest)).isLessThan(Duration.ofSeconds(1));
  }

  @Test
  void rightPasswordAnswers() throws IOException {
    int port = startRedis("requirepass " + PASSWORD);

    assertThat(ping("redis://:" + PASSWORD + "@127.0.0.1:" + port).ok()).isTrue();
    assertThat(ping("redis://default:" + PASSWORD + "@127.0.0.1:" + port + "/0").ok()).isTrue();
  }

  @Test
  void wrongPasswordIsAuthFailed() throws IOException {
    int port = startRedis("requirepass " + PASSWORD);

    RedisProbeResult result = ping("redis://:" + PASSWORD + "-old@127.0.0.1:" + port);

    assertThat(result.reason()).isEqualTo(Reason.RedisAuthFailed);
    assertThat(result.message()).startsWith("Redis refused the login: WRONGPASS");
  }

  @Test
  void missingPasswordIsAuthFailed() throws IOException {
    int port = startRedis("requirepass " + PASSWORD);

    RedisProbeResult result = ping("redis://127.0.0.1:" + port);

    assertThat(result.reason()).isEqualTo(Reason.RedisAuthFailed);
    assertThat(result.message()).startsWith("Redis refused the login: NOAUTH");
  }

  @Test
  void aclUserWithOnlyPingWorks() throws IOException {
    int port = startRedis("user probe on >" + PASSWORD + " +ping");

    assertThat(ping("redis://probe:" + PASSWORD + "@127.0.0.1:" + port).ok()).isTrue();
    RedisProbeResult wrongUser = ping("redis://nobody:" + PASSWORD + "@127.0.0.1:" + port);
    assertThat(wrongUser.reason()).isEqualTo(Reason.RedisAuthFailed);
  }

  @Test
  void stoppedServerIsUnreachableWithinTheTimeout() throws IOException {
    int port = startRedis();
    assertThat(ping("redis://127.0.0.1:" + port).ok()).isTrue();
    servers.get(0).stop();

    RedisProbeResult result = ping("redis://:" + PASSWORD + "@127.0.0.1:" + port);

    assertThat(result.reason()).isEqualTo(Reason.RedisUnreachable);
    assertThat(result.message()).isEqualTo("Redis did not answer: connection refused");
    assertThat(result.elapsed()).isLessThan(TIMEOUT);
  }

  @Test
  void silentServerIsUnreachableAfterTheTimeout() throws Exception {
    // Accepts the connection and never says a word: only the timeout ends the wait.
    try (ServerSocket silent = new ServerSocket(0)) {
      Thread acceptor =
          new Thread(
              () -> {
                try (Socket ignored = silent.accept()) {
                  Thread.sleep(5_000);
                } catch (Exception e) {
                  // closed by the test
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();

      RedisProbeResult result =
          ping("redis://:" + PASSWORD + "@127.0.0.1:" + silent.getLocalPort());

      assertThat(result.reason()).isEqualTo(Reason.RedisUnreachable);
      assertThat(result.message()).startsWith("Redis did not answer");
      assertThat(result.elapsed())
          .isGreaterThanOrEqualTo(TIMEOUT.minusMillis(50))
          .isLessThan(TIMEOUT.plusMillis(500));
      acceptor.interrupt();
    }
  }

  @Test
  void tlsToAPlainTextServerIsUnreachable() throws IOException {
    int port = startRedis();

    RedisProbeResult result = ping("rediss://:" + PASSWORD + "@127.0.0.1:" + port);

    assertThat(result.reason()).isEqualTo(Reason.RedisUnreachable);
    assertThat(result.elapsed()).isLessThan(TIMEOUT.plusMillis(500));
    System.out.println("rediss:// to a plain-text server: " + result.message());
  }

  @Test
  void invalidUrlIsSaidWithoutRepeatingIt() {
    for (String url :
        List.of(
            "http://:" + PASSWORD + "@127.0.0.1:6379",
            "redis://:" + PASSWORD + "@127.0.0.1:notaport",
            "127.0.0.1:6379",
            "redis://",
            "")) {
      RedisProbeResult result = ping(url);
      assertThat(result.reason()).as(url).isEqualTo(Reason.RedisUrlInvalid);
    }
    assertThat(ping(null).reason()).isEqualTo(Reason.RedisUrlInvalid);
  }

  @Test
  void unknownHostIsUnreachable() {
    RedisProbeResult result = ping("redis://:" + PASSWORD + "@no-such-host.invalid:6379");

    assertThat(result.reason()).isEqualTo(Reason.RedisUnreachable);
    assertThat(result.elapsed()).isLessThan(TIMEOUT.plusMillis(500));
  }

  /**
   * A tenant's URL may point at any server; what that server answers must not reach status, Events
   * or logs beyond its error code.
   */
  @Test
  void aServerAnsweringWithAnErrorHasOnlyItsCodeRepeated() throws Exception {
    try (ServerSocket fake = new ServerSocket(0)) {
      Thread server =
          new Thread(
              () -> {
                try (java.net.Socket client = fake.accept()) {
                  client.getInputStream().read(new byte[256]);
                  client
                      .getOutputStream()
                      .write(
                          "-ERR from metadata AKIAFAKEMETADATA meta-secret-value\r\n"
                              .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                  client.getOutputStream().flush();
                  while (client.getInputStream().read() >= 0) {
                    // until the probe closes the connection
                  }
                } catch (java.io.IOException e) {
                  // the probe closed the connection
                }
              });
      server.setDaemon(true);
      server.start();

      RedisProbeResult result =
          RedisProbe.pingOnce(
              "redis://127.0.0.1:" + fake.getLocalPort() + "/0", java.time.Duration.ofSeconds(3));

      assertThat(result.ok()).isFalse();
      assertThat(result.message())
          .contains("ERR")
          .doesNotContain("meta-secret-value")
          .doesNotContain("AKIAFAKEMETADATA");
    }
  }
}
