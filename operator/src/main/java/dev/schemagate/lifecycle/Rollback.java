package dev.schemagate.lifecycle;

import dev.schemagate.api.MigrationState;
import dev.schemagate.api.RevisionRecord;
import java.time.Instant;
import java.util.List;

/**
 * Going back to a revision that migrated before another did (a rollback): it needs no migration,
 * but the schema must still satisfy it; a schema that does not is refused, naming what is missing.
 * Pure: the planner asks, {@code status.history} is passed in.
 */
final class Rollback {

  private Rollback() {}

  /**
   * The wanted revision migrated before, and another revision migrated after it.
   *
   * @param history status.history, or null
   */
  static boolean migratedBeforeAnother(List<RevisionRecord> history, String revision) {
    if (history == null) {
      return false;
    }
    Instant own =
        history.stream()
            .filter(h -> revision.equals(h.getRevision()))
            .filter(h -> MigrationState.Succeeded.name().equals(h.getOutcome()))
            .filter(h -> h.getFinishedAt() != null)
            .map(h -> Instant.parse(h.getFinishedAt()))
            .findFirst()
            .orElse(null);
    return own != null
        && history.stream()
            .filter(h -> !revision.equals(h.getRevision()))
            .filter(h -> MigrationState.Succeeded.name().equals(h.getOutcome()))
            .anyMatch(
                h -> h.getFinishedAt() != null && Instant.parse(h.getFinishedAt()).isAfter(own));
  }

  /** What SchemaVerified (and the Event) says of a refused rollback. */
  static String refusal(String revision, String checkMessage) {
    return "rollback to revision "
        + revision
        + " refused: its migration ran before, but the schema no longer satisfies it: "
        + checkMessage
        + "; the components keep what they run - roll forward, or restore what is missing";
  }
}
