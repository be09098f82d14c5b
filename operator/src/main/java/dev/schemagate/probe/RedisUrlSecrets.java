package dev.schemagate.probe;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The password of a Redis URL, only so that it can be cut out of any text before that text leaves
 * the probe. Messages are built without it already; this is the belt to those braces, for replies
 * of a server that might echo what it was sent.
 */
final class RedisUrlSecrets {

  private final List<String> secrets;

  private RedisUrlSecrets(List<String> secrets) {
    this.secrets = secrets;
  }

  /** Finds the password in {@code scheme://[user:]password@host...}, as written and decoded. */
  static RedisUrlSecrets of(String url) {
    List<String> secrets = new ArrayList<>();
    if (url != null) {
      int scheme = url.indexOf("://");
      int start = scheme < 0 ? 0 : scheme + 3;
      int end = url.length();
      for (char c : new char[] {'/', '?', '#'}) {
        int at = url.indexOf(c, start);
        if (at >= 0 && at < end) {
          end = at;
        }
      }
      int at = url.lastIndexOf('@', end - 1);
      if (at > start) {
        String userInfo = url.substring(start, at);
        int colon = userInfo.indexOf(':');
        String password = colon < 0 ? userInfo : userInfo.substring(colon + 1);
        add(secrets, password);
        try {
          add(secrets, URLDecoder.decode(password, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException ignored) {
          // Malformed percent-encoding: the raw form is already covered.
        }
      }
    }
    return new RedisUrlSecrets(secrets);
  }

  String scrub(String text) {
    String result = text;
    for (String secret : secrets) {
      result = result.replace(secret, "***");
    }
    return result;
  }

  private static void add(List<String> secrets, String secret) {
    // Very short "passwords" would turn every message into asterisks and protect nothing.
    if (secret.length() >= 3 && !secrets.contains(secret)) {
      secrets.add(secret);
    }
  }
}
