package dev.schemagate.schema;

/**
 * Why a schema check ended as it did; the name is the reason of the {@code SchemaVerified}
 * condition. Only {@link #SchemaOutdated} says something about the schema: the others say the check
 * could not be made, and must never be shown as a missing schema.
 */
public enum VerificationReason {
  /** Every required object exists. */
  SchemaVerified(false),
  /** The check ran and something is missing (or the Flyway history is behind or failed). */
  SchemaOutdated(false),
  /** The database did not answer: refused, reset, shut down, timed out. Retried with back-off. */
  DatabaseUnreachable(true),
  /**
   * The database refused the credentials (SQLSTATE class 28). Retried with back-off, since a
   * rotated Secret fixes it without a change to the spec.
   */
  DatabaseAuthFailed(true),
  /**
   * The database answered but the TLS connection failed: its certificate is not trusted or does not
   * match, or it offers no TLS while the URL's sslmode requires it. Retried with back-off, since a
   * new certificate or Secret fixes it without a change to the spec.
   */
  DatabaseTlsFailed(true),
  /** The user may not read what the check needs (SQLSTATE 42501). */
  PermissionDenied(true),
  /** Any other error; the message carries the server's words and SQLSTATE. */
  VerificationError(true);

  private final boolean retryable;

  VerificationReason(boolean retryable) {
    this.retryable = retryable;
  }

  /**
   * True when the check itself failed and should be repeated later; false when the check gave an
   * answer (a missing schema is re-checked only when a new migration ran).
   */
  public boolean retryable() {
    return retryable;
  }
}
