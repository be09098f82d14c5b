package dev.schemagate.cli;

import java.time.Duration;
import picocli.CommandLine.ITypeConverter;

/** Durations as ISO-8601 (PT5M) or plain seconds (300). */
final class DurationConverter implements ITypeConverter<Duration> {

  @Override
  public Duration convert(String value) {
    String trimmed = value.trim();
    return trimmed.chars().allMatch(Character::isDigit)
        ? Duration.ofSeconds(Long.parseLong(trimmed))
        : Duration.parse(trimmed);
  }
}
