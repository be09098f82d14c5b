package dev.schemagate.masking.logback;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %maskedMsg}: the formatted message, masked. Registered in logback.xml with {@code
 * <conversionRule conversionWord="maskedMsg" class="..."/>}.
 */
public class MaskedMessageConverter extends MessageConverter {

  @Override
  public String convert(ILoggingEvent event) {
    return LogGuard.masker().maskText(super.convert(event));
  }
}
