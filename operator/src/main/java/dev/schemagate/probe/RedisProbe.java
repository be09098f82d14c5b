package dev.schemagate.probe;

import dev.schemagate.masking.Masker;
import dev.schemagate.probe.RedisProbeResult.Reason;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.ConnectionFuture;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Answers "does this Redis answer PING?" within a fixed time, connecting included.
 *
 * <p>One probe owns one Lettuce {@link RedisClient} and its {@link ClientResources} (two I/O and
 * two computation threads, Lettuce's minimum), created on first use and reused by every {@link
 * #ping}. Lettuce stops a client's event loop when the client shuts down, so a client per PING
 * would build and tear down threads every time, and a failed handshake's last clean-up task could
 * land on a loop already stopped (Netty then logs a rejected task as an error). Each PING opens its
 * own connection and closes it before returning.
 *
 * <p>{@link #close()} stops everything with a zero quiet period: Netty's default waits two seconds
 * for more work that a probe will never send. Measured here: a one-shot probe ({@link #pingOnce})
 * takes about 10-50 ms, start and shutdown included; a PING on a warm probe a few ms.
 *
 * <p>The first connection in a JVM is slower (about one second on a small machine): Lettuce and
 * Netty load their classes and Lettuce registers its JFR events on the calling thread, before any
 * timeout can apply. Later PINGs are bounded by the timeout to within a few milliseconds.
 *
 * <p>Nothing here reconnects: a probe that waited for Redis to come back would not be a probe.
 *
 * <p>Thread-safe.
 */
public final class RedisProbe implements AutoCloseable {

  /** A DNS name or IPv4 address, or an IPv6 address (with optional zone). */
  private static final Pattern HOST =
      Pattern.compile(
          "[A-Za-z0-9_]([A-Za-z0-9._-]*)|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[A-Za-z0-9]+)?");

  private static final Duration QUIET_PERIOD = Duration.ZERO;
  private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);

  /**
   * Whether a failure that no Redis answered says how it failed. The operator hides it: a tenant's
   * URL may point it at any address its network reaches, and "refused", "timed out", "host name
   * could not be resolved" and a protocol error would tell the tenant, through status, what is
   * there. The schema gate, in the tenant's own pods, shows it.
   */
  public enum NetworkCause {
    SHOWN,
    HIDDEN
  }

  /** What a probe that hides the network cause says instead. */
  static final String CAUSE_NOT_SHOWN =
      "Redis did not answer; a refused, silent, closed or unresolvable address and another"
          + " protocol look alike here (see docs/security.md)";

  private final Duration timeout;
  private final NetworkCause networkCause;
  private ClientResources resources;
  private RedisClient client;
  private boolean closed;

  /**
   * A probe whose every PING, connecting included, takes at most {@code timeout}.
   *
   * @throws IllegalArgumentException when the timeout is not positive
   */
  public RedisProbe(Duration timeout) {
    this(timeout, NetworkCause.SHOWN);
  }

  /**
   * A probe whose every PING, connecting included, takes at most {@code timeout}, and whose
   * messages say how a connection that no Redis answered failed, or not.
   *
   * @throws IllegalArgumentException when the timeout is not positive
   */
  public RedisProbe(Duration timeout, NetworkCause networkCause) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive");
    }
    this.timeout = timeout;
    this.networkCause = networkCause;
  }

  /** One PING with a throwaway probe, for callers that probe once (the schema gate). */
  public static RedisProbeResult pingOnce(String url, Duration timeout) {
    return pingOnce(url, timeout, NetworkCause.SHOWN);
  }

  /** One PING with a throwaway probe (the operator's check hides the network cause). */
  public static RedisProbeResult pingOnce(String url, Duration timeout, NetworkCause cause) {
    try (RedisProbe probe = new RedisProbe(timeout, cause)) {
      return probe.ping(url);
    }
  }

  /**
   * Connects to {@code url} ({@code redis://[[user]:password@]host[:port][/db]} or {@code
   * rediss://...}), sends PING and closes the connection. Never throws for anything Redis or the
   * network does; the result says what happened.
   *
   * @throws IllegalStateException when the probe was closed
   */
  public RedisProbeResult ping(String url) {
    long start = System.nanoTime();
    Masker secrets = Masker.withKnownSecrets(url == null ? List.of() : List.of(url));
    RedisURI uri;
    try {
      uri = parse(url);
    } catch (RuntimeException e) {
      return result(
          start,
          Reason.RedisUrlInvalid,
          "Redis URL is not valid: expected redis://[user:password@]host[:port][/db] or"
              + " rediss://...");
    }
    uri.setTimeout(timeout);
    RedisClient client = client();
    try {
      return exchange(client, uri, start);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return result(start, Reason.RedisUnreachable, "Redis PING interrupted");
    } catch (ExecutionException | RuntimeException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      RedisFailures.Verdict verdict = RedisFailures.classify(cause, timeout);
      // Messages are built without the URL; masking is for a server that echoes what it was sent.
      String message = secrets.maskText(verdict.message());
      return verdict.serverAnswered()
          ? result(start, verdict.reason(), message)
          : unanswered(start, message);
    }
  }

  private RedisProbeResult exchange(RedisClient client, RedisURI uri, long start)
      throws InterruptedException, ExecutionException {
    ConnectionFuture<StatefulRedisConnection<String, String>> connecting =
        client.connectAsync(StringCodec.UTF8, uri);
    StatefulRedisConnection<String, String> connection;
    try {
      connection = connecting.get(remaining(start), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      // We stop waiting, but the connection may still come up later: close it when it does.
      connecting.whenComplete(
          (late, error) -> {
            if (late != null) {
              late.closeAsync();
            }
          });
      return unanswered(start, timedOut("connecting"));
    }
    try {
      String answer = connection.async().ping().get(remaining(start), TimeUnit.NANOSECONDS);
      return "PONG".equalsIgnoreCase(answer)
          ? result(start, Reason.RedisReady, "Redis answered PING")
          : result(start, Reason.RedisUnreachable, "Redis answered PING with something else");
    } catch (TimeoutException e) {
      return unanswered(start, timedOut("waiting for PONG"));
    } finally {
      connection.close();
    }
  }

  private static RedisURI parse(String url) {
    if (url == null) {
      throw new IllegalArgumentException("no URL");
    }
    String lower = url.strip().toLowerCase(Locale.ROOT);
    if (!lower.startsWith("redis://") && !lower.startsWith("rediss://")) {
      throw new IllegalArgumentException("unsupported scheme");
    }
    RedisURI uri = RedisURI.create(url.strip());
    // Lettuce is lenient: "host:notaport" becomes a host name that never resolves, which would
    // look like an outage and be retried for ever instead of being reported as a bad URL.
    if (uri.getHost() == null || !HOST.matcher(uri.getHost()).matches()) {
      throw new IllegalArgumentException("not a host name or address");
    }
    return uri;
  }

  private ClientOptions options() {
    return ClientOptions.builder()
        .autoReconnect(false)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
        .timeoutOptions(TimeoutOptions.enabled(timeout))
        .build();
  }

  private synchronized RedisClient client() {
    if (closed) {
      throw new IllegalStateException("probe is closed");
    }
    if (client == null) {
      resources =
          DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
      client = RedisClient.create(resources);
      client.setOptions(options());
    }
    return client;
  }

  /** Closes open connections and stops the threads; waits at most two seconds for each. */
  @Override
  public synchronized void close() {
    closed = true;
    if (client != null) {
      client.shutdown(QUIET_PERIOD, SHUTDOWN_TIMEOUT);
      resources
          .shutdown(QUIET_PERIOD.toMillis(), SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .awaitUninterruptibly(SHUTDOWN_TIMEOUT.toMillis());
      client = null;
      resources = null;
    }
  }

  private String timedOut(String doing) {
    return "Redis did not answer within " + seconds(timeout) + " (" + doing + ")";
  }

  static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  private long remaining(long start) {
    return Math.max(1, timeout.toNanos() - (System.nanoTime() - start));
  }

  /** No Redis answered: the cause, unless this probe hides it. */
  private RedisProbeResult unanswered(long start, String cause) {
    return result(
        start,
        Reason.RedisUnreachable,
        networkCause == NetworkCause.SHOWN ? cause : CAUSE_NOT_SHOWN);
  }

  private static RedisProbeResult result(long start, Reason reason, String message) {
    return new RedisProbeResult(reason, message, Duration.ofNanos(System.nanoTime() - start));
  }
}
