package dev.schemagate.probe;

import dev.schemagate.probe.RedisProbeResult.Reason;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * Tells a refused password from a silent Redis, from the exception alone. Messages are built from
 * the kind of failure and, for errors the server sent, the reply's error code only (WRONGPASS,
 * NOAUTH, ERR, ...): never the rest of its text, which a tenant's URL pointing at a server of its
 * choosing could fill with anything (another service's secrets among it), and never Lettuce's own
 * text, which names the host and port it tried.
 */
final class RedisFailures {

  /**
   * Replies that mean "who you are is not allowed", from Redis 2 ({@code ERR invalid password}) to
   * ACLs.
   */
  private static final List<String> AUTH_REPLIES =
      List.of(
          "WRONGPASS",
          "NOAUTH",
          "NOPERM",
          "ERR INVALID PASSWORD",
          "ERR INVALID USERNAME",
          "ERR AUTH",
          "ERR CLIENT SENT AUTH");

  /**
   * @param serverAnswered a server sent a Redis reply (an error); false when nothing that speaks
   *     Redis answered: refused, silent, closed, unresolvable, another protocol
   */
  record Verdict(Reason reason, String message, boolean serverAnswered) {}

  private RedisFailures() {}

  static Verdict classify(Throwable error, Duration timeout) {
    List<Throwable> chain = chain(error);
    for (Throwable t : chain) {
      if (t instanceof RedisCommandExecutionException reply && reply.getMessage() != null) {
        String upper = reply.getMessage().toUpperCase(Locale.ROOT);
        if (AUTH_REPLIES.stream().anyMatch(upper::startsWith)) {
          return new Verdict(
              Reason.RedisAuthFailed, "Redis refused the login: " + errorCode(reply), true);
        }
        return new Verdict(
            Reason.RedisUnreachable,
            "Redis answered PING with an error: " + errorCode(reply) + " (the rest not shown)",
            true);
      }
    }
    return new Verdict(
        Reason.RedisUnreachable, "Redis did not answer: " + network(chain, timeout), false);
  }

  private static String network(List<Throwable> chain, Duration timeout) {
    for (Throwable t : chain) {
      // Netty's ConnectTimeoutException is a ConnectException: time-outs first.
      if (t instanceof RedisCommandTimeoutException
          || t instanceof TimeoutException
          || t.getClass().getSimpleName().contains("Timeout")) {
        return "timed out after " + RedisProbe.seconds(timeout);
      }
      if (t instanceof ConnectException) {
        return "connection refused";
      }
      if (t instanceof NoRouteToHostException) {
        return "no route to host";
      }
      if (t instanceof UnknownHostException) {
        return "host name could not be resolved";
      }
      if (t instanceof SSLException) {
        return "TLS handshake failed";
      }
    }
    return "connection failed (" + chain.get(chain.size() - 1).getClass().getSimpleName() + ")";
  }

  /**
   * The reply's error code: its first word when that is a Redis-style code (capital letters, at
   * most 16), e.g. {@code WRONGPASS} of {@code WRONGPASS invalid username-password pair}.
   */
  static String errorCode(RedisCommandExecutionException reply) {
    String first = reply.getMessage().strip().split("\\s+", 2)[0];
    return first.matches("[A-Z]{1,16}") ? first : "(not a Redis error code)";
  }

  private static List<Throwable> chain(Throwable error) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = error; t != null && !chain.contains(t); t = t.getCause()) {
      chain.add(t);
    }
    return chain;
  }
}
