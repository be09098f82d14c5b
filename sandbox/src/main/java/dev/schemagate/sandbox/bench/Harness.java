package dev.schemagate.sandbox.bench;

import picocli.CommandLine;

/** Runs a benchmark command as a program: the mock server's per-request log off, exit code out. */
public final class Harness {

  private Harness() {}

  public static void main(Object command, String[] args) {
    java.util.logging.Logger.getLogger("io.fabric8.mockwebserver")
        .setLevel(java.util.logging.Level.WARNING);
    System.exit(new CommandLine(command).execute(args));
  }
}
