package dev.schemagate.schema;

/**
 * Schema requirements that cannot be checked, e.g. an empty table name. The reconciler turns it
 * into {@code Stalled=True} with a reason naming {@link #field()}: a human has to fix the spec,
 * retrying would not help.
 */
public final class InvalidRequirementsException extends IllegalArgumentException {

  private final String field;
  private final String problem;

  public InvalidRequirementsException(String field, String problem) {
    super(field + " " + problem);
    this.field = field;
    this.problem = problem;
  }

  /** The field at fault, e.g. {@code tables[2].name} or {@code spec.schema.tables[2].name}. */
  public String field() {
    return field;
  }

  /** What is wrong with it, e.g. {@code must not be empty}. */
  public String problem() {
    return problem;
  }
}
