package dev.schemagate.masking.logback;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %maskedEx}: the stack trace with every message in it masked (JDBC and Redis exceptions
 * carry URLs). Being a throwable converter, it also stops logback from appending its own unmasked
 * {@code %ex} to the pattern.
 */
public class MaskedThrowableConverter extends ThrowableProxyConverter {

  @Override
  public String convert(ILoggingEvent event) {
    return LogGuard.masker().maskText(super.convert(event));
  }
}
