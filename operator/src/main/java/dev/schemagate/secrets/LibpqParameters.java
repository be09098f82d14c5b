package dev.schemagate.secrets;

import java.util.Locale;
import java.util.Map;

/** libpq connection parameters in pgjdbc's terms, where the two differ. */
final class LibpqParameters {

  /** libpq parameter names that pgjdbc spells differently. */
  private static final Map<String, String> PGJDBC_NAMES =
      Map.of(
          "application_name", "ApplicationName",
          "connect_timeout", "connectTimeout",
          "target_session_attrs", "targetServerType",
          "keepalives", "tcpKeepAlive",
          "gssencmode", "gssEncMode");

  /** libpq's target_session_attrs values in pgjdbc's targetServerType terms. */
  private static final Map<String, String> TARGET_SERVER_TYPES =
      Map.of(
          "any", "any",
          "read-write", "primary",
          "primary", "primary",
          "read-only", "secondary",
          "standby", "secondary",
          "prefer-standby", "preferSecondary");

  private LibpqParameters() {}

  /** pgjdbc's name; libpq names pgjdbc shares (sslmode, sslrootcert, options, ...) stay. */
  static String pgjdbcName(String libpqName) {
    return PGJDBC_NAMES.getOrDefault(libpqName, libpqName);
  }

  static String pgjdbcValue(String libpqName, String value) {
    switch (libpqName) {
      case "target_session_attrs":
        return TARGET_SERVER_TYPES.getOrDefault(value.toLowerCase(Locale.ROOT), value);
      case "keepalives":
        return "0".equals(value.strip()) ? "false" : "true";
      default:
        return value;
    }
  }
}
