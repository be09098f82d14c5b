package dev.schemagate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.schemagate.masking.Masker;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * A command line picocli cannot read (an unknown option, a missing value), reported as one JSON
 * line when JSON logs were asked for, so that a log collector reading {@code --log-format json}
 * finds JSON on every line, this one included. Otherwise picocli's own text and usage help.
 */
final class JsonUsageErrors implements CommandLine.IParameterExceptionHandler {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final CommandLine.IParameterExceptionHandler text;
  private final boolean json;

  private JsonUsageErrors(CommandLine.IParameterExceptionHandler text, boolean json) {
    this.text = text;
    this.json = json;
  }

  /** Installs the handler on {@code commandLine} and its subcommands. */
  static CommandLine install(CommandLine commandLine, String[] args, Map<String, String> env) {
    return commandLine.setParameterExceptionHandler(
        new JsonUsageErrors(commandLine.getParameterExceptionHandler(), asked(args, env)));
  }

  /** {@code --log-format json}, {@code --log-format=json}, else SCHEMAGATE_LOG_FORMAT=json. */
  static boolean asked(String[] args, Map<String, String> env) {
    List<String> list = Arrays.asList(args);
    int at = list.indexOf("--log-format");
    if (at >= 0 && at + 1 < list.size()) {
      return list.get(at + 1).equals(LogFormat.json.name());
    }
    if (list.contains("--log-format=" + LogFormat.json.name())) {
      return true;
    }
    return list.stream().noneMatch(a -> a.startsWith("--log-format"))
        && LogFormat.json.name().equals(env.get(LoggingOptions.FORMAT_ENV));
  }

  @Override
  public int handleParseException(CommandLine.ParameterException e, String[] args)
      throws Exception {
    if (!json) {
      return text.handleParseException(e, args);
    }
    CommandLine commandLine = e.getCommandLine();
    ObjectNode line = JSON.createObjectNode();
    line.put("timestamp", System.currentTimeMillis());
    line.put("level", "ERROR");
    line.put("threadName", Thread.currentThread().getName());
    line.put("loggerName", "dev.schemagate.cli");
    line.put(
        "formattedMessage",
        Masker.standard()
            .maskText(
                "❌ Configuration error: "
                    + e.getMessage()
                    + " (see "
                    + commandLine.getCommandName()
                    + " --help)")
            .replaceAll("\\s*\\R\\s*", " "));
    PrintWriter err = commandLine.getErr();
    err.println(JSON.writeValueAsString(line));
    err.flush();
    return commandLine.getCommandSpec().exitCodeOnInvalidInput();
  }
}
