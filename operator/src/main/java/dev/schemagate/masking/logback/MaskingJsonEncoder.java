package dev.schemagate.masking.logback;

import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * logback's {@link JsonEncoder}, fed a masked view of each event: message, arguments, key/value
 * pairs, MDC and exception messages are masked before they are written. Configured like the
 * original ({@code withFormattedMessage}, {@code withArguments}, ...).
 */
public class MaskingJsonEncoder extends JsonEncoder {

  @Override
  public byte[] encode(ILoggingEvent event) {
    return super.encode(new MaskedLoggingEvent(event, LogGuard.masker()));
  }
}
