package dev.schemagate.env;

import java.util.List;

/** The environment variables of a JVM's start: never handed from an application to the gate. */
public final class JvmStartVariables {

  private JvmStartVariables() {}

  /**
   * Variables that change how a JVM starts, or which {@code java} starts: the application's values
   * are meant for the application, and an agent in {@code JAVA_TOOL_OPTIONS} or a library in {@code
   * LD_PRELOAD} would start in the gate's JVM too (or crash it, holding every pod of the app in
   * Init). The operator never gives them to the gate ({@link #changesJvmStart}), even when {@code
   * spec.diagnostics.env} names them; the boot banner then says why they are missing.
   */
  public static final List<String> NAMES =
      List.of(
          "JAVA_TOOL_OPTIONS",
          "_JAVA_OPTIONS",
          "JDK_JAVA_OPTIONS",
          "JAVA_OPTS",
          "CLASSPATH",
          "PATH",
          "LD_PRELOAD",
          "LD_LIBRARY_PATH");

  /**
   * True for the variables of {@link #NAMES} and every other {@code LD_*} variable of the dynamic
   * loader.
   */
  public static boolean changesJvmStart(String name) {
    return name != null && (NAMES.contains(name) || name.startsWith("LD_"));
  }
}
