package dev.schemagate.connection;

import dev.schemagate.masking.Conninfo;
import dev.schemagate.masking.Masker;
import dev.schemagate.masking.PercentCoding;
import dev.schemagate.masking.UrlParts;
import dev.schemagate.masking.UrlParts.Host;
import dev.schemagate.masking.UrlParts.Param;
import dev.schemagate.masking.UrlSplitter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Any PostgreSQL connection string users write, turned into what pgjdbc needs: a JDBC URL without
 * credentials plus {@link Properties} holding user and password.
 *
 * <p>Accepted: libpq URIs ({@code postgresql://} and {@code postgres://}, with userinfo, several
 * hosts, percent-encoding and libpq parameters such as {@code sslmode} or {@code
 * application_name}), JDBC URLs ({@code jdbc:postgresql://host:port/db?user=..&password=..}, also
 * the common mistake {@code jdbc:postgresql://user:pass@host/db}) and libpq key/value strings
 * ({@code host=.. port=.. dbname=.. user=.. password='..'}).
 *
 * <p>Why not hand the URL to pgjdbc: it does not understand userinfo. It takes {@code
 * user:pass@host} for a host name, and the password ends up in {@code UnknownHostException}
 * messages and in its own java.util.logging warnings. Credentials therefore never go into the JDBC
 * URL.
 *
 * <p>Parameters are checked against {@link ConnectionParameters}: a parameter it does not accept
 * (one naming a Java class for the driver to load, say) makes the URL unusable, and the message
 * names the parameter.
 *
 * <p>Limits: Unix-domain sockets are refused (pgjdbc cannot use them without an extra library), and
 * an empty host becomes {@code localhost}, libpq's fallback where there are no sockets.
 */
public final class PostgresConnectionInfo {

  private static final Pattern LIBPQ_SCHEME =
      Pattern.compile("(?i)postgres(?:ql)?://.*", Pattern.DOTALL);
  private static final Pattern JDBC_SCHEME =
      Pattern.compile("(?i)jdbc:postgresql://.*", Pattern.DOTALL);
  private static final Pattern ANY_SCHEME =
      Pattern.compile("((?:jdbc:)?[A-Za-z][A-Za-z0-9+.\\-]*)://.*", Pattern.DOTALL);

  private final List<String> hosts;
  private final String database;
  private final String user;
  private final String password;
  private final Map<String, String> params;
  private final Map<String, String> secretParams;
  private final String display;

  private PostgresConnectionInfo(PostgresTargetBuilder b, String display) {
    this.hosts = b.hosts.stream().map(Object::toString).toList();
    this.database = b.database;
    this.user = b.user;
    this.password = b.password;
    this.params = Collections.unmodifiableMap(new LinkedHashMap<>(b.params));
    this.secretParams = Collections.unmodifiableMap(new LinkedHashMap<>(b.secretParams));
    this.display = display;
  }

  /**
   * @throws ConnectionUrlException when {@code url} is not a usable PostgreSQL connection string;
   *     its message never contains the password
   */
  public static PostgresConnectionInfo parse(String url) {
    if (url == null || url.isBlank()) {
      throw new ConnectionUrlException("the database URL is empty");
    }
    String s = url.strip();
    String display = Masker.standard().maskUrl(s);
    PostgresTargetBuilder b;
    if (LIBPQ_SCHEME.matcher(s).matches()) {
      b = fromUri(s, false, display);
    } else if (JDBC_SCHEME.matcher(s).matches()) {
      b = fromUri(s, true, display);
    } else if (ANY_SCHEME.matcher(s).matches()) {
      Matcher m = ANY_SCHEME.matcher(s);
      m.matches();
      throw new ConnectionUrlException(
          "unsupported scheme \""
              + m.group(1)
              + "\": expected postgresql://, postgres://, jdbc:postgresql:// or libpq key=value"
              + " pairs");
    } else {
      b = fromConninfo(s);
    }
    b.finish();
    return new PostgresConnectionInfo(b, display);
  }

  /**
   * {@code jdbc:postgresql://host[:port][,host[:port]]/database}: never credentials, nor
   * parameters. pgjdbc lets a URL's parameters override the connection properties, so parameters
   * reach the driver only through {@link ConnectionParameters#driverProperties}, after the
   * connector's timeouts.
   */
  public String jdbcUrl() {
    return "jdbc:postgresql://" + String.join(",", hosts) + "/" + PercentCoding.encode(database);
  }

  /** A fresh copy each call: {@code user}, {@code password} and other secret parameters. */
  public Properties properties() {
    Properties p = new Properties();
    if (user != null) {
      p.setProperty("user", user);
    }
    if (password != null) {
      p.setProperty("password", password);
    }
    secretParams.forEach(p::setProperty);
    return p;
  }

  /** The connection string as the user wrote it, password masked: for logs and messages. */
  public String displayUrl() {
    return display;
  }

  /** {@code host} or {@code host:port} of each host, IPv6 literals in brackets. */
  public List<String> hosts() {
    return hosts;
  }

  public String database() {
    return database;
  }

  /** The user name, or null when none is given (pgjdbc then uses the operating system user). */
  public String user() {
    return user;
  }

  /**
   * Non-secret parameters in pgjdbc's names, as {@link ConnectionParameters} accepted them (libpq
   * names translated, libpq-only ones left out); not yet bounded by a connector's timeouts.
   */
  public Map<String, String> params() {
    return params;
  }

  @Override
  public String toString() {
    return display;
  }

  private static PostgresTargetBuilder fromUri(String s, boolean jdbc, String display) {
    UrlParts parts = UrlSplitter.split(s, 0, s.length(), false);
    if (!parts.userinfoReadable() || parts.whole().end() != s.length()) {
      throw new ConnectionUrlException(
          "cannot read the host list of " + display + ": expected host[:port][,host[:port]...]");
    }
    PostgresTargetBuilder b = new PostgresTargetBuilder();
    if (parts.userinfo() != null) {
      b.user = PercentCoding.decode(parts.user().of(s), false);
      if (parts.password() != null) {
        b.password = PercentCoding.decode(parts.password().of(s), false);
      }
    }
    int index = 0;
    for (Host h : parts.hosts()) {
      index++;
      String name = PercentCoding.decode(h.name().of(s), false);
      String port = h.port() == null ? null : h.port().of(s);
      b.addHost(name, port, index);
    }
    if (parts.path() != null) {
      b.database = PercentCoding.decode(parts.path().of(s), jdbc);
    }
    for (Param p : parts.params()) {
      String name = PercentCoding.decode(p.name().of(s), jdbc);
      String value = p.value() == null ? "" : PercentCoding.decode(p.value().of(s), jdbc);
      b.param(name, value);
    }
    return b;
  }

  private static PostgresTargetBuilder fromConninfo(String s) {
    Optional<List<Conninfo.Entry>> entries = Conninfo.parse(s);
    if (entries.isEmpty()) {
      throw new ConnectionUrlException(
          "not a PostgreSQL connection string: expected postgresql://user:password@host:5432/db,"
              + " jdbc:postgresql://host:5432/db or libpq key=value pairs");
    }
    PostgresTargetBuilder b = new PostgresTargetBuilder();
    for (Conninfo.Entry e : entries.get()) {
      b.param(e.key(), e.value());
    }
    return b;
  }
}
