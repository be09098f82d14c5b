package dev.schemagate.cli;

/** How log lines are written. */
public enum LogFormat {
  text,
  json
}
