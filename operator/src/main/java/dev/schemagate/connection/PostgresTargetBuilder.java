package dev.schemagate.connection;

import dev.schemagate.masking.SecretNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects host, port, database, user, password and parameters of a PostgreSQL connection string;
 * parameters given by name override those of the URI, as in libpq.
 */
final class PostgresTargetBuilder {

  /** A host (IPv6 literals in brackets) and its port, null for pgjdbc's default. */
  record Endpoint(String host, Integer port) {
    @Override
    public String toString() {
      return port == null ? host : host + ":" + port;
    }
  }

  final List<Endpoint> hosts = new ArrayList<>();
  String database = "";
  String user;
  String password;
  String hostParam;
  String hostaddrParam;
  String portParam;

  /** Parameters as written, checked by {@link ConnectionParameters} once the password is known. */
  final List<Map.Entry<String, String>> written = new ArrayList<>();

  final Map<String, String> params = new LinkedHashMap<>();
  final Map<String, String> secretParams = new LinkedHashMap<>();

  PostgresTargetBuilder() {}

  void param(String name, String value) {
    switch (name) {
      case "user" -> user = value;
      case "password" -> password = value;
      case "dbname" -> database = value;
      case "host" -> hostParam = value;
      case "hostaddr" -> hostaddrParam = value;
      case "port" -> portParam = value;
      default -> written.add(Map.entry(name, value));
    }
  }

  void addHost(String name, String port, int index) {
    if (name.startsWith("/")) {
      throw new ConnectionUrlException(
          "host "
              + index
              + " is a Unix-domain socket directory; connect over TCP with a host name instead");
    }
    if (name.isEmpty()) {
      name = "localhost";
    }
    boolean ipv6 = name.indexOf(':') >= 0;
    if (ipv6 && !name.startsWith("[")) {
      name = "[" + name + "]";
    }
    if (ipv6 && !name.endsWith("]")) {
      throw new ConnectionUrlException("host " + index + " is not a valid host name");
    }
    String bare = ipv6 ? name.substring(1, name.length() - 1) : name;
    for (int i = 0; i < bare.length(); i++) {
      char c = bare.charAt(i);
      boolean ok =
          Character.isLetterOrDigit(c)
              || c == '.'
              || c == '-'
              || c == '_'
              || (ipv6 && c == ':')
              || (ipv6 && c == '%');
      if (!ok) {
        throw new ConnectionUrlException("host " + index + " is not a valid host name");
      }
    }
    if (port != null && !port.isEmpty()) {
      int number;
      try {
        number = Integer.parseInt(port);
      } catch (NumberFormatException e) {
        number = -1;
      }
      if (number < 1 || number > 65535) {
        throw new ConnectionUrlException("port of host " + index + " must be between 1 and 65535");
      }
      hosts.add(new Endpoint(name, number));
    } else {
      hosts.add(new Endpoint(name, null));
    }
  }

  /**
   * Applies host, hostaddr and port parameters (lists, as in libpq) over the URI's hosts, and
   * checks the other parameters against {@link ConnectionParameters}.
   */
  void finish() {
    for (Map.Entry<String, String> p : written) {
      Map.Entry<String, String> accepted =
          ConnectionParameters.accept(p.getKey(), p.getValue(), password);
      if (accepted == null) {
        continue;
      }
      if (SecretNames.looksSecret(accepted.getKey())) {
        secretParams.put(accepted.getKey(), accepted.getValue());
      } else {
        params.put(accepted.getKey(), accepted.getValue());
      }
    }
    String names = hostParam != null ? hostParam : hostaddrParam;
    if (names != null || portParam != null) {
      List<String> hostNames = new ArrayList<>();
      if (names != null) {
        hostNames.addAll(List.of(names.split(",", -1)));
      } else if (!hosts.isEmpty()) {
        for (Endpoint h : hosts) {
          hostNames.add(h.host());
        }
      } else {
        hostNames.add("");
      }
      List<String> ports = new ArrayList<>();
      if (portParam != null) {
        ports.addAll(List.of(portParam.split(",", -1)));
      } else {
        // As in libpq, host and port are separate settings: the URI's ports still apply.
        hosts.forEach(h -> ports.add(h.port() == null ? "" : h.port().toString()));
        if (ports.size() != hostNames.size() && ports.size() > 1) {
          ports.clear();
        }
      }
      if (ports.size() > 1 && ports.size() != hostNames.size()) {
        throw new ConnectionUrlException(
            "port lists " + ports.size() + " ports for " + hostNames.size() + " hosts");
      }
      hosts.clear();
      for (int i = 0; i < hostNames.size(); i++) {
        String port = ports.isEmpty() ? null : ports.get(ports.size() == 1 ? 0 : i).strip();
        addHost(hostNames.get(i).strip(), port, i + 1);
      }
    }
    if (hosts.isEmpty()) {
      hosts.add(new Endpoint("localhost", null));
    }
  }
}
