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
 * the kind of failure and, for errors Redis itself sent, Redis's reply; never from Lettuce's own
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

  record Verdict(Reason reason, String message) {}

  private RedisFailures() {}

  static Verdict classify(Throwable error, Duration timeout) {
    List<Throwable> chain = chain(error);
    for (Throwable t : chain) {
      if (t instanceof RedisCommandExecutionException reply && reply.getMessage() != null) {
        String upper = reply.getMessage().toUpperCase(Locale.ROOT);
        if (AUTH_REPLIES.stream().anyMatch(upper::startsWith)) {
          return new Verdict(
              Reason.RedisAuthFailed, "Redis refused the login: " + firstWords(reply));
        }
        return new Verdict(
            Reason.RedisUnreachable, "Redis answered with an error: " + firstWords(reply));
      }
    }
    return new Verdict(Reason.RedisUnreachable, "Redis did not answer: " + network(chain, timeout));
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
   * The reply's first line, capped: it is Redis's own sentence, e.g. {@code WRONGPASS invalid ...}.
   */
  private static String firstWords(RedisCommandExecutionException reply) {
    String text = reply.getMessage().lines().findFirst().orElse("").strip();
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }

  private static List<Throwable> chain(Throwable error) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = error; t != null && !chain.contains(t); t = t.getCause()) {
      chain.add(t);
    }
    return chain;
  }
}
