package dev.schemagate.masking.logback;

import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import dev.schemagate.masking.Masker;

/** A throwable whose message, and its causes' and suppressed exceptions' messages, are masked. */
final class MaskedThrowableProxy implements IThrowableProxy {

  private final IThrowableProxy delegate;
  private final Masker masker;

  private MaskedThrowableProxy(IThrowableProxy delegate, Masker masker) {
    this.delegate = delegate;
    this.masker = masker;
  }

  static IThrowableProxy of(IThrowableProxy proxy, Masker masker) {
    return proxy == null ? null : new MaskedThrowableProxy(proxy, masker);
  }

  @Override
  public String getMessage() {
    return masker.maskText(delegate.getMessage());
  }

  @Override
  public String getClassName() {
    return delegate.getClassName();
  }

  @Override
  public StackTraceElementProxy[] getStackTraceElementProxyArray() {
    return delegate.getStackTraceElementProxyArray();
  }

  @Override
  public int getCommonFrames() {
    return delegate.getCommonFrames();
  }

  @Override
  public IThrowableProxy getCause() {
    return of(delegate.getCause(), masker);
  }

  @Override
  public IThrowableProxy[] getSuppressed() {
    IThrowableProxy[] suppressed = delegate.getSuppressed();
    if (suppressed == null) {
      return null;
    }
    IThrowableProxy[] masked = new IThrowableProxy[suppressed.length];
    for (int i = 0; i < suppressed.length; i++) {
      masked[i] = of(suppressed[i], masker);
    }
    return masked;
  }

  @Override
  public boolean isCyclic() {
    return delegate.isCyclic();
  }
}
