package dev.schemagate.schema;

/**
 * How a schema check ended: either it ran ({@link Checked}, whose report says whether anything is
 * missing) or it could not run ({@link Failed}, with a reason that is never a missing schema).
 */
public sealed interface VerificationOutcome
    permits VerificationOutcome.Checked, VerificationOutcome.Failed {

  /** The condition reason. */
  VerificationReason reason();

  /** One line for status, Events and logs; holds no connection string or password. */
  String message();

  /** True only when the check ran and found everything. */
  default boolean verified() {
    return reason() == VerificationReason.SchemaVerified;
  }

  /** The check ran; {@link SchemaReport#verified()} tells whether anything is missing. */
  record Checked(SchemaReport report) implements VerificationOutcome {

    @Override
    public VerificationReason reason() {
      return report.verified()
          ? VerificationReason.SchemaVerified
          : VerificationReason.SchemaOutdated;
    }

    @Override
    public String message() {
      return report.message();
    }
  }

  /** The check could not run. */
  record Failed(VerificationReason reason, String message) implements VerificationOutcome {

    public Failed {
      if (reason == VerificationReason.SchemaVerified
          || reason == VerificationReason.SchemaOutdated) {
        throw new IllegalArgumentException(reason + " is the result of a check that ran");
      }
    }
  }
}
