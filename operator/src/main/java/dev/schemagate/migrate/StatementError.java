package dev.schemagate.migrate;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flywaydb.core.internal.exception.FlywayMigrateException;
import org.flywaydb.core.internal.sqlscript.FlywaySqlScriptException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Where a migration failed and why, read from Flyway's exception (a pure function): the file, the
 * line the statement starts on, the statement (its first {@value #STATEMENT_LIMIT} characters, on
 * one line) and the database's own message with its SQL state. Unmasked: {@link MigrationOutput}
 * masks it as it prints.
 *
 * @param file the script, e.g. {@code V3__orders.sql}; null when Flyway did not say
 * @param line the line the failing statement starts on; 0 when unknown
 * @param statement the failing statement, cut; null when unknown
 * @param message the database's message (or Flyway's when there is none)
 * @param sqlState the SQL state; null when there is none
 */
record StatementError(String file, int line, String statement, String message, String sqlState) {

  static final int STATEMENT_LIMIT = 300;

  /** Flyway's words when it refuses a file that mixes both kinds of statements. */
  private static final Pattern OFFENDING =
      Pattern.compile("Offending statement found at line (\\d+): (.*)", Pattern.DOTALL);

  static StatementError of(Throwable error, String file) {
    int line = 0;
    String statement = null;
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof FlywaySqlScriptException script) {
        line = script.getLineNumber();
        statement = script.getStatement();
        if (file == null && script.getResource() != null) {
          file = script.getResource().getFilename();
        }
        break;
      }
      if (t instanceof FlywayMigrateException migrate && migrate.getLineNumber() > 0) {
        line = migrate.getLineNumber();
      }
    }
    // Flyway's statement starts with the comments before it (its line is the statement's own).
    int commentChars = statement == null ? 0 : commentChars(statement);
    if (statement != null) {
      statement = statement.substring(commentChars);
    }
    String message = databaseMessage(error, commentChars);
    String sqlState = sqlState(error);
    if (message == null) {
      message = String.valueOf(error.getMessage());
      Matcher offending = OFFENDING.matcher(message);
      if (offending.find()) {
        line = Integer.parseInt(offending.group(1));
        statement = offending.group(2).replace(" [non-transactional]", "");
        message = message.substring(0, offending.start()).strip();
      }
    }
    return new StatementError(file, line, cut(statement), message, sqlState);
  }

  /**
   * How many characters at the start of {@code statement} are blank lines or {@code --} comments.
   */
  static int commentChars(String statement) {
    int at = 0;
    while (at < statement.length()) {
      int end = statement.indexOf('\n', at);
      if (end < 0) {
        break;
      }
      String line = statement.substring(at, end).strip();
      if (!line.isEmpty() && !line.startsWith("--")) {
        break;
      }
      at = end + 1;
    }
    return at;
  }

  /** {@code V3__orders.sql, line 12}, or what of it is known. */
  String where() {
    if (file == null) {
      return line > 0 ? "line " + line : "";
    }
    return line > 0 ? file + ", line " + line : file;
  }

  /** {@code relation "x" does not exist [SQL state 42P01] in: INSERT INTO x ...}. */
  String text() {
    StringBuilder text = new StringBuilder(message);
    if (sqlState != null) {
      text.append(" [SQL state ").append(sqlState).append(']');
    }
    if (statement != null) {
      text.append(" in: ").append(statement);
    }
    return text.toString();
  }

  /** For the JSON line: file, line, statement, sqlState, error. */
  Map<String, Object> details() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("file", file);
    if (line > 0) {
      details.put("line", line);
    }
    details.put("statement", statement);
    details.put("sqlState", sqlState);
    details.put("error", message);
    return details;
  }

  static String cut(String statement) {
    if (statement == null) {
      return null;
    }
    String flat = MigrationOutput.oneLine(statement).strip();
    return flat.length() <= STATEMENT_LIMIT ? flat : flat.substring(0, STATEMENT_LIMIT) + " ...";
  }

  /** The server's sentence without {@code ERROR:} and {@code Position: n}; else the driver's. */
  private static String databaseMessage(Throwable error, int commentChars) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof PSQLException psql) {
        ServerErrorMessage server = psql.getServerErrorMessage();
        if (server != null && server.getMessage() != null) {
          StringBuilder text = new StringBuilder(server.getMessage());
          if (server.getDetail() != null) {
            text.append(" (").append(server.getDetail()).append(')');
          }
          int position = server.getPosition() - commentChars;
          if (position > 0) {
            text.append(", at character ").append(position).append(" of the statement");
          }
          return text.toString();
        }
      }
      if (t instanceof SQLException sql && sql.getMessage() != null) {
        return sql.getMessage();
      }
    }
    return null;
  }

  private static String sqlState(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        return sql.getSQLState();
      }
    }
    return null;
  }
}
