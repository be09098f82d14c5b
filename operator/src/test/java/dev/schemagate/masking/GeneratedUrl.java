package dev.schemagate.masking;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * A connection string in one of the supported shapes, with what masking it must give.
 *
 * @param database null for shapes without one (Redis)
 * @param passwordAsWritten the password as it appears in the URL: raw or percent-encoded
 */
public record GeneratedUrl(
    String shape,
    String url,
    String masked,
    String user,
    String password,
    List<String> hosts,
    List<Integer> ports,
    String database,
    String passwordAsWritten) {

  /** Characters of everything but the password; a password always has one character outside. */
  private static final String SKELETON_CHARS =
      "abcdefghijklmnopqrstuvwxyz0123456789.:/-_@?=&,*'[] ";

  /** Raw password characters: reserved ones, quotes, non-ASCII, an emoji (two UTF-16 units). */
  private static final List<String> RAW_TOKENS = tokens("@:/?#&=+!$*,;~-_.\"'()[]");

  /** Percent-encoded or quoted passwords may also hold spaces, {@code %} and backslashes. */
  private static final List<String> ENCODED_TOKENS = tokens("@:/?#&=+!$*,;~-_.\"'()[] %\\");

  private static List<String> tokens(String reserved) {
    List<String> tokens = new ArrayList<>();
    "abcxyzABCXYZ0189".chars().forEach(c -> tokens.add(String.valueOf((char) c)));
    reserved.chars().forEach(c -> tokens.add(String.valueOf((char) c)));
    tokens.addAll(List.of("ä", "ß", "é", "п", "密", "码", "€", "🔑"));
    return List.copyOf(tokens);
  }

  @Override
  public String toString() {
    return shape + ": " + url;
  }

  /** The password as it may show up: raw, percent-encoded, form-encoded, libpq-quoted. */
  public List<String> passwordForms() {
    return List.of(
        password,
        PercentCoding.encode(password),
        URLEncoder.encode(password, StandardCharsets.UTF_8),
        conninfoQuoted(password));
  }

  public static Arbitrary<String> password(List<String> tokens) {
    return Arbitraries.of(tokens)
        .list()
        .ofMinSize(4)
        .ofMaxSize(20)
        .map(l -> String.join("", l))
        .filter(p -> p.chars().anyMatch(c -> SKELETON_CHARS.indexOf(c) < 0));
  }

  public static Arbitrary<String> rawPassword() {
    return password(RAW_TOKENS);
  }

  public static Arbitrary<String> anyPassword() {
    return password(ENCODED_TOKENS);
  }

  public static Arbitrary<String> names() {
    return Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8);
  }

  public static Arbitrary<String> hostNames() {
    return Arbitraries.oneOf(
        Arbitraries.of(
            "aws-1-ap-northeast-1.pooler.supabase.com", "db", "redis", "10.0.0.12", "[::1]"),
        names().list().ofMinSize(1).ofMaxSize(3).map(l -> String.join(".", l)));
  }

  /** URLs of every shape, or with {@code postgresOnly} of the PostgreSQL shapes. */
  public static Arbitrary<GeneratedUrl> urls(boolean postgresOnly) {
    Arbitrary<Integer> ports = Arbitraries.integers().between(1, 65535);
    Arbitrary<Shape> shapes =
        postgresOnly ? Arbitraries.of(Shape.postgres()) : Arbitraries.of(Shape.values());
    return Combinators.combine(
            shapes,
            names(),
            rawPassword(),
            anyPassword(),
            hostNames().list().ofMinSize(2).ofMaxSize(2),
            ports.list().ofMinSize(2).ofMaxSize(2),
            names())
        .as(
            (shape, user, raw, any, hosts, portList, db) ->
                shape.build(user, shape.raw ? raw : any, hosts, portList, db));
  }

  public static String enc(String s) {
    return PercentCoding.encode(s);
  }

  public static String conninfoQuoted(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  public enum Shape {
    LIBPQ_RAW(
        true,
        true,
        (u, p, h, pt, db) ->
            "postgresql://" + u + ":" + p + "@" + h.get(0) + ":" + pt.get(0) + "/" + db,
        "postgresql://%u:***@%h/%d"),
    LIBPQ_ENCODED(
        false,
        true,
        (u, p, h, pt, db) ->
            "postgres://"
                + u
                + ":"
                + enc(p)
                + "@"
                + h.get(0)
                + ":"
                + pt.get(0)
                + "/"
                + db
                + "?sslmode=require",
        "postgres://%u:***@%h/%d?sslmode=require"),
    LIBPQ_QUERY(
        false,
        true,
        (u, p, h, pt, db) ->
            "postgresql://"
                + u
                + "@"
                + h.get(0)
                + ":"
                + pt.get(0)
                + "/"
                + db
                + "?password="
                + enc(p)
                + "&sslmode=require",
        "postgresql://%u@%h/%d?password=***&sslmode=require"),
    LIBPQ_MULTI_HOST(
        true,
        true,
        (u, p, h, pt, db) ->
            "postgresql://"
                + u
                + ":"
                + p
                + "@"
                + h.get(0)
                + ":"
                + pt.get(0)
                + ","
                + h.get(1)
                + ":"
                + pt.get(1)
                + "/"
                + db,
        "postgresql://%u:***@%H/%d"),
    JDBC_QUERY(
        false,
        true,
        (u, p, h, pt, db) ->
            "jdbc:postgresql://"
                + h.get(0)
                + ":"
                + pt.get(0)
                + "/"
                + db
                + "?user="
                + u
                + "&password="
                + URLEncoder.encode(p, StandardCharsets.UTF_8)
                + "&ssl=true",
        "jdbc:postgresql://%h/%d?user=%u&password=***&ssl=true"),
    JDBC_USERINFO(
        true,
        true,
        (u, p, h, pt, db) ->
            "jdbc:postgresql://" + u + ":" + p + "@" + h.get(0) + ":" + pt.get(0) + "/" + db,
        "jdbc:postgresql://%u:***@%h/%d"),
    CONNINFO(
        false,
        true,
        (u, p, h, pt, db) ->
            "host="
                + bare(h.get(0))
                + " port="
                + pt.get(0)
                + " dbname="
                + db
                + " user="
                + u
                + " password="
                + conninfoQuoted(p),
        "host=%b port=%p dbname=%d user=%u password=***"),
    REDIS(
        true,
        false,
        (u, p, h, pt, db) -> "redis://" + u + ":" + p + "@" + h.get(0) + ":" + pt.get(0) + "/0",
        "redis://%u:***@%h/0"),
    REDIS_PASSWORD_ONLY(
        true,
        false,
        (u, p, h, pt, db) -> "rediss://:" + p + "@" + h.get(0) + ":" + pt.get(0) + "/0",
        "rediss://:***@%h/0"),
    REDIS_BARE_PASSWORD(
        false,
        false,
        (u, p, h, pt, db) -> "redis://" + enc(p) + "@" + h.get(0) + ":" + pt.get(0),
        "redis://***@%h"),
    AMQP(
        true,
        false,
        (u, p, h, pt, db) -> "amqps://" + u + ":" + p + "@" + h.get(0) + ":" + pt.get(0) + "/" + db,
        "amqps://%u:***@%h/%d");

    public final boolean raw;
    final boolean postgres;
    final Builder builder;
    final String maskedTemplate;

    Shape(boolean raw, boolean postgres, Builder builder, String maskedTemplate) {
      this.raw = raw;
      this.postgres = postgres;
      this.builder = builder;
      this.maskedTemplate = maskedTemplate;
    }

    static List<Shape> postgres() {
      return java.util.Arrays.stream(values()).filter(s -> s.postgres).toList();
    }

    GeneratedUrl build(
        String user, String password, List<String> hosts, List<Integer> ports, String db) {
      String url = builder.build(user, password, hosts, ports, db);
      String masked =
          maskedTemplate
              .replace(
                  "%H", hosts.get(0) + ":" + ports.get(0) + "," + hosts.get(1) + ":" + ports.get(1))
              .replace("%h", hosts.get(0) + ":" + ports.get(0))
              .replace("%b", bare(hosts.get(0)))
              .replace("%p", String.valueOf(ports.get(0)))
              .replace("%d", db)
              .replace("%u", user);
      boolean multi = this == LIBPQ_MULTI_HOST;
      boolean hasDatabase = !name().startsWith("REDIS");
      return new GeneratedUrl(
          name(),
          url,
          masked,
          user,
          password,
          multi ? hosts : hosts.subList(0, 1),
          multi ? ports : ports.subList(0, 1),
          hasDatabase ? db : null,
          raw ? password : enc(password));
    }

    private static String bare(String host) {
      return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }
  }

  @FunctionalInterface
  interface Builder {
    String build(String user, String password, List<String> hosts, List<Integer> ports, String db);
  }
}
