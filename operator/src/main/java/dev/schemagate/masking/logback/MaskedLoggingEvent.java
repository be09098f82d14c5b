package dev.schemagate.masking.logback;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.LoggerContextVO;
import dev.schemagate.masking.Masker;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;

/**
 * A logging event whose texts are masked: message, formatted message, arguments, key/value pairs,
 * MDC values and throwable messages. Everything else is the original event's.
 */
final class MaskedLoggingEvent implements ILoggingEvent {

  private final ILoggingEvent delegate;
  private final Masker masker;

  MaskedLoggingEvent(ILoggingEvent delegate, Masker masker) {
    this.delegate = delegate;
    this.masker = masker;
  }

  @Override
  public String getMessage() {
    return masker.maskText(delegate.getMessage());
  }

  @Override
  public String getFormattedMessage() {
    return masker.maskText(delegate.getFormattedMessage());
  }

  @Override
  public Object[] getArgumentArray() {
    Object[] arguments = delegate.getArgumentArray();
    if (arguments == null) {
      return null;
    }
    Object[] masked = new Object[arguments.length];
    for (int i = 0; i < arguments.length; i++) {
      masked[i] = arguments[i] == null ? null : masker.maskText(String.valueOf(arguments[i]));
    }
    return masked;
  }

  @Override
  public List<KeyValuePair> getKeyValuePairs() {
    List<KeyValuePair> pairs = delegate.getKeyValuePairs();
    if (pairs == null) {
      return null;
    }
    return pairs.stream()
        .map(
            p ->
                new KeyValuePair(
                    p.key,
                    p.value == null
                        ? null
                        : masker.maskEnvValue(p.key, String.valueOf(p.value), false)))
        .toList();
  }

  @Override
  public Map<String, String> getMDCPropertyMap() {
    return maskValues(delegate.getMDCPropertyMap());
  }

  @Override
  @SuppressWarnings("deprecation")
  public Map<String, String> getMdc() {
    return maskValues(delegate.getMdc());
  }

  @Override
  public IThrowableProxy getThrowableProxy() {
    return MaskedThrowableProxy.of(delegate.getThrowableProxy(), masker);
  }

  private Map<String, String> maskValues(Map<String, String> map) {
    if (map == null || map.isEmpty()) {
      return map;
    }
    Map<String, String> masked = new LinkedHashMap<>();
    map.forEach((k, v) -> masked.put(k, v == null ? null : masker.maskEnvValue(k, v, false)));
    return masked;
  }

  @Override
  public String getThreadName() {
    return delegate.getThreadName();
  }

  @Override
  public Level getLevel() {
    return delegate.getLevel();
  }

  @Override
  public String getLoggerName() {
    return delegate.getLoggerName();
  }

  @Override
  public LoggerContextVO getLoggerContextVO() {
    return delegate.getLoggerContextVO();
  }

  @Override
  public StackTraceElement[] getCallerData() {
    return delegate.getCallerData();
  }

  @Override
  public boolean hasCallerData() {
    return delegate.hasCallerData();
  }

  @Override
  public List<Marker> getMarkerList() {
    return delegate.getMarkerList();
  }

  @Override
  public long getTimeStamp() {
    return delegate.getTimeStamp();
  }

  @Override
  public int getNanoseconds() {
    return delegate.getNanoseconds();
  }

  @Override
  public Instant getInstant() {
    return delegate.getInstant();
  }

  @Override
  public long getSequenceNumber() {
    return delegate.getSequenceNumber();
  }

  @Override
  public void prepareForDeferredProcessing() {
    delegate.prepareForDeferredProcessing();
  }
}
