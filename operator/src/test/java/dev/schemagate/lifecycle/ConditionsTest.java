package dev.schemagate.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionsTest {

  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
  private static final Instant T1 = Instant.parse("2026-11-24T10:05:00Z");

  @Test
  void transitionTimeMovesOnlyWhenStatusChanges() {
    List<Condition> first = Conditions.set(null, "Ready", false, "Pending", "waiting", 1L, T0);
    List<Condition> sameStatus =
        Conditions.set(first, "Ready", false, "Migrating", "running", 1L, T1);
    assertThat(Conditions.find(sameStatus, "Ready").getLastTransitionTime())
        .isEqualTo(T0.toString());
    assertThat(Conditions.find(sameStatus, "Ready").getReason()).isEqualTo("Migrating");

    List<Condition> flipped = Conditions.set(sameStatus, "Ready", true, "Ready", "ok", 1L, T1);
    assertThat(Conditions.find(flipped, "Ready").getLastTransitionTime()).isEqualTo(T1.toString());
  }

  @Test
  void oneEntryPerTypeSortedByType() {
    List<Condition> conditions = Conditions.set(null, "Stalled", false, "a", "a", 1L, T0);
    conditions = Conditions.set(conditions, "Ready", false, "b", "b", 1L, T0);
    conditions = Conditions.set(conditions, "Stalled", true, "c", "c", 1L, T0);
    assertThat(conditions).extracting(Condition::getType).containsExactly("Ready", "Stalled");
  }
}
