package dev.schemagate.probe;

import java.time.Duration;

/**
 * The answer of one Redis PING.
 *
 * @param reason the condition reason; {@link Reason#RedisReady} when PONG came back
 * @param message one line for status and Events, without the URL or its password
 * @param elapsed how long the probe took, connecting included
 */
public record RedisProbeResult(Reason reason, String message, Duration elapsed) {

  /** Why the probe ended as it did. */
  public enum Reason {
    /** PING answered PONG. */
    RedisReady,
    /** No answer in time: refused, unknown host, reset, timed out, still loading its data. */
    RedisUnreachable,
    /** Redis answered but refused the credentials (WRONGPASS, NOAUTH, NOPERM). */
    RedisAuthFailed,
    /** The URL is not a redis:// or rediss:// URL; retrying will not help until it changes. */
    RedisUrlInvalid
  }

  public boolean ok() {
    return reason == Reason.RedisReady;
  }
}
